package dev.rollout.cli;

import dev.rollout.lifecycle.Outcome;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "approve", description = "Record the approval that a stage with 'approval: true' needs before it may advance.",
        footer = {"", "Examples:", "  rollout approve rollout.yaml --by alice --reason 'dashboards look fine'"})
final class ApproveCommand implements Callable<Integer>, WithCommonOptions {

    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "SPEC", description = "The rollout spec (YAML).")
    Path specFile;

    @Option(names = "--by", paramLabel = "NAME", required = true, description = "Who approves.")
    String by;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why; recorded in the history.")
    String reason;

    @Option(names = "--if-stage", paramLabel = "STAGE", description = "Act only if the rollout is in this stage; else exit 5.")
    String ifStage;

    @Option(names = "--dry-run", description = "Compute and print; write nothing.")
    boolean dryRun;

    private final Env env;

    ApproveCommand(Env env) {
        this.env = env;
    }

    @Override
    public CommonOptions common() {
        return common;
    }

    @Override
    public Integer call() {
        Printer printer = new Printer(env, common);
        Workspace ws = Workspace.open(env, common, specFile, "rollout approve");
        Outcome outcome = Transition.apply(ws, env, dryRun, Optional.ofNullable(ifStage), Optional.ofNullable(reason),
                l -> l.approve(by));
        printer.warnings(outcome.warnings());
        Views.ActionView view = new Views.ActionView(Transition.view(ws, outcome), outcome.action(), outcome.reasons(),
                outcome.warnings(), dryRun, Optional.empty());
        printer.print(view, () -> TextViews.action(view, printer.ansi()));
        return outcome.exitCode();
    }
}
