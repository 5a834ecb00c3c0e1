package dev.rollout.cli;

import dev.rollout.lifecycle.Outcome;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Optional;

@Command(name = "approve", description = "Record the approval that a stage with 'approval: true' needs before it may advance.",
        footer = {"", "Examples:", "  rollout approve rollout.yaml --by alice --reason 'dashboards look fine'"})
final class ApproveCommand extends SpecCommand {

    @Option(names = "--by", paramLabel = "NAME", required = true, description = "Who approves.")
    String by;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why; recorded in the history.")
    String reason;

    @Option(names = "--if-stage", paramLabel = "STAGE", description = "Act only if the rollout is in this stage; else exit 5.")
    String ifStage;

    @Option(names = "--dry-run", description = "Compute and print; write nothing.")
    boolean dryRun;

    ApproveCommand(Env env) {
        super(env);
    }

    @Override
    public Integer call() {
        Printer printer = printer();
        Workspace ws = workspace("rollout approve");
        Outcome outcome = Transition.apply(ws, env, dryRun, Optional.ofNullable(ifStage), Optional.ofNullable(reason),
                l -> l.approve(by));
        return Transition.print(printer, ws, outcome, outcome.warnings(), dryRun, Optional.empty());
    }
}
