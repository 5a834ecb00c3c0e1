package dev.rollout.cli;

import dev.rollout.RolloutException;
import dev.rollout.lifecycle.HistoryEvent;
import dev.rollout.lifecycle.RolloutState;
import dev.rollout.spec.RolloutSpec;
import dev.rollout.spec.SpecLoader;
import dev.rollout.state.Backends;
import dev.rollout.state.StateBackend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Moves a rollout between stores, its audit trail with it: {@code push} from the state
 * ({@code --state} or the file beside the spec) to a database, {@code pull} the reverse. The
 * copy never replaces a state (Terraform's {@code CheckValidImport} refuses less; here the
 * target must hold none of this rollout), and the source is left as it was.
 */
@Command(name = "state", description = "Moves a rollout's state and history between a file and a database.",
        subcommands = {StateCommand.Push.class, StateCommand.Pull.class},
        footer = {"", "Examples:", "  rollout state push rollout.yaml --to postgresql://db.internal/rollouts",
                "  rollout state pull rollout.yaml --from postgresql://db.internal/rollouts --state backup.state.json"})
final class StateCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        throw RolloutException.input("state needs a subcommand: push or pull (rollout state --help)");
    }

    @Command(name = "push", description = "Copies the state and history (--state, or the file beside the spec) into the store --to URL;"
            + " refused when the rollout exists there.")
    static final class Push extends SpecCommand {
        @Option(names = "--to", paramLabel = "URL", required = true, description = "The store to copy into (postgresql://…, or a state file).")
        String to;

        Push(Env env) {
            super(env);
        }

        @Override
        public Integer call() {
            RolloutSpec spec = SpecLoader.load(specFile);
            String from = common.state(env).orElseGet(() -> Workspace.defaultState(specFile, spec.name()).toString());
            return copy(this, spec, from, to, "rollout state push");
        }
    }

    @Command(name = "pull", description = "Copies the state and history from the store --from URL into --state (or the file beside the spec);"
            + " refused when that state exists.")
    static final class Pull extends SpecCommand {
        @Option(names = "--from", paramLabel = "URL", required = true, description = "The store to copy from (postgresql://…).")
        String from;

        Pull(Env env) {
            super(env);
        }

        @Override
        public Integer call() {
            RolloutSpec spec = SpecLoader.load(specFile);
            String to = common.state(env).orElseGet(() -> Workspace.defaultState(specFile, spec.name()).toString());
            return copy(this, spec, from, to, "rollout state pull");
        }
    }

    /** What a move did. */
    record MovedView(String rollout, long serial, int events, String from, String to) {
    }

    private static int copy(SpecCommand command, RolloutSpec spec, String from, String to, String doing) {
        Env env = command.env;
        StateBackend.Options options = new StateBackend.Options(command.common.lockTimeout(), env.clock(), doing,
                Optional.of(spec.name()));
        StateBackend source = Backends.open(from, options, env.vars(), spec.hooks().timeout());
        StateBackend target = Backends.open(to, options, env.vars(), spec.hooks().timeout());
        if (source.location().equals(target.location())) {
            throw RolloutException.input("the state is already at " + target.location() + ": nothing to copy");
        }
        RolloutState state = source.read().orElseThrow(() ->
                RolloutException.input("rollout '" + spec.name() + "' has no state at " + source.location() + ": nothing to copy"));
        List<String> warnings = new ArrayList<>();
        List<HistoryEvent> history = source.history(warnings::add);
        if (source.read().filter(state::equals).isEmpty()) {
            throw RolloutException.conflict("the state at " + source.location() + " changed while it was copied; nothing was"
                    + " copied, run the command again");
        }
        target.adopt(state, history);
        Printer printer = command.printer();
        printer.warnings(warnings);
        MovedView view = new MovedView(spec.name(), state.serial(), history.size(), source.location(), target.location());
        printer.print(view, () -> "copied rollout " + view.rollout() + " (serial " + view.serial() + ", " + view.events()
                + " events) from " + view.from() + " to " + view.to() + "\n");
        return 0;
    }
}
