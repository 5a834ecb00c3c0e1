package dev.rollout.cli;

import dev.rollout.lifecycle.Lifecycle.RollbackTarget;
import dev.rollout.lifecycle.Outcome;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "rollback", description = "Move traffic back: all of it to the baseline (default), to the previous stage, or to a named earlier stage.",
        footer = {"", "Examples:", "  rollout rollback rollout.yaml --reason 'p95 latency doubled'",
                "  rollout rollback rollout.yaml --to-previous --reason 'error budget'",
                "  rollout rollback rollout.yaml --to shadow --reason 'needs more shadow data'"})
final class RollbackCommand implements Callable<Integer>, WithCommonOptions {

    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "SPEC", description = "The rollout spec (YAML).")
    Path specFile;

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

    private final Env env;

    RollbackCommand(Env env) {
        this.env = env;
    }

    @Override
    public CommonOptions common() {
        return common;
    }

    @Override
    public Integer call() {
        Printer printer = new Printer(env, common);
        Workspace ws = Workspace.open(env, common, specFile, "rollout rollback");
        RollbackTarget to = target == null ? new RollbackTarget.Baseline()
                : target.previous ? new RollbackTarget.Previous() : new RollbackTarget.Stage(target.stage);
        Outcome outcome = Transition.apply(ws, env, dryRun, Optional.ofNullable(ifStage), Optional.of(reason),
                l -> l.rollback(to));
        printer.warnings(outcome.warnings());
        Views.ActionView view = new Views.ActionView(Transition.view(ws, outcome), outcome.action(), outcome.reasons(),
                outcome.warnings(), dryRun, Optional.empty());
        printer.print(view, () -> TextViews.action(view, printer.ansi()));
        return outcome.exitCode();
    }
}
