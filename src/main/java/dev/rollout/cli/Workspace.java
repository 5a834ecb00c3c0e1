package dev.rollout.cli;

import dev.rollout.spec.RolloutSpec;
import dev.rollout.spec.SpecLoader;
import dev.rollout.state.Backends;
import dev.rollout.state.StateBackend;

import java.nio.file.Path;
import java.util.Optional;

/** A loaded spec and the state backend that belongs to it, as the options and environment say; the backend refuses a state of another rollout. */
record Workspace(RolloutSpec spec, Path specFile, StateBackend store) {

    static Workspace open(Env env, CommonOptions common, Path specFile, String command) {
        RolloutSpec spec = SpecLoader.load(specFile);
        String state = common.state(env).orElseGet(() -> defaultState(specFile, spec.name()).toString());
        return new Workspace(spec, specFile, Backends.open(state,
                new StateBackend.Options(common.lockTimeout(), env.clock(), command, Optional.of(spec.name())),
                env.vars(), spec.hooks().timeout()));
    }

    /** {@code .rollout/<name>.state.json} in the spec's directory. */
    static Path defaultState(Path specFile, String name) {
        Path dir = specFile.toAbsolutePath().getParent();
        return dir.resolve(".rollout").resolve(name + ".state.json");
    }
}
