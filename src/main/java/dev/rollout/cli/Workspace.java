package dev.rollout.cli;

import dev.rollout.spec.RolloutSpec;
import dev.rollout.spec.SpecLoader;
import dev.rollout.state.StatePaths;
import dev.rollout.state.StateStore;

import java.nio.file.Path;
import java.util.Optional;

/** A loaded spec and the state store that belongs to it, as the options and environment say; the store refuses a state of another rollout. */
record Workspace(RolloutSpec spec, Path specFile, StateStore store, StatePaths paths) {

    static Workspace open(Env env, CommonOptions common, Path specFile, String command) {
        RolloutSpec spec = SpecLoader.load(specFile);
        Path state = common.state(env).orElseGet(() -> defaultState(specFile, spec.name()));
        StatePaths paths = StatePaths.of(state);
        return new Workspace(spec, specFile,
                new StateStore(paths, common.lockTimeout(), env.clock(), command, Optional.of(spec.name())), paths);
    }

    /** {@code .rollout/<name>.state.json} in the spec's directory. */
    static Path defaultState(Path specFile, String name) {
        Path dir = specFile.toAbsolutePath().getParent();
        return dir.resolve(".rollout").resolve(name + ".state.json");
    }
}
