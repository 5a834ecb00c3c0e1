package dev.rollout.cli;

import dev.rollout.lifecycle.Lifecycle.RollbackTarget;
import dev.rollout.lifecycle.Outcome;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Optional;

@Command(name = "rollback", description = "Move traffic back: all of it to the baseline (default), to the previous stage, or to a named earlier stage.",
        footer = {"", "Examples:", "  rollout rollback rollout.yaml --reason 'p95 latency doubled'",
                "  rollout rollback rollout.yaml --to-previous --reason 'error budget'",
                "  rollout rollback rollout.yaml --to shadow --reason 'needs more shadow data'"})
final class RollbackCommand extends SpecCommand {

    @ArgGroup(exclusive = true)
    Target target;

    static final class Target {
        @Option(names = "--to-previous", description = "Go back one stage.")
        boolean previous;

        @Option(names = "--to", paramLabel = "STAGE", description = "Go back to this earlier stage.")
        String stage;
    }

    @Option(names = "--reason", paramLabel = "TEXT", required = true, description = "Why; recorded in the history.")
    String reason;

    @Option(names = "--if-stage", paramLabel = "STAGE", description = "Act only if the rollout is in this stage; else exit 5.")
    String ifStage;

    @Option(names = "--dry-run", description = "Compute and print; write nothing.")
    boolean dryRun;

    RollbackCommand(Env env) {
        super(env);
    }

    @Override
    public Integer call() {
        Printer printer = printer();
        Workspace ws = workspace("rollout rollback");
        RollbackTarget to = target == null ? new RollbackTarget.Baseline()
                : target.previous ? new RollbackTarget.Previous() : new RollbackTarget.Stage(target.stage);
        Outcome outcome = Transition.apply(ws, env, dryRun, Optional.ofNullable(ifStage), Optional.of(reason),
                l -> l.rollback(to));
        return Transition.print(printer, ws, outcome, outcome.warnings(), dryRun, Optional.empty());
    }
}
