package dev.rollout.cli;

import dev.rollout.judge.Evaluation;
import dev.rollout.lifecycle.Lifecycle;
import dev.rollout.lifecycle.Outcome;
import dev.rollout.lifecycle.RolloutState;
import picocli.CommandLine.Command;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

@Command(name = "evaluate", description = "Score the current stage from metric exports and decide PROMOTE (exit 0), HOLD (3) or ROLLBACK (4); record it in a started rollout.",
        footer = {"", "Examples:", "  rollout evaluate rollout.yaml --metrics exports/predictions.csv",
                "  rollout evaluate rollout.yaml --metrics a.csv --metrics b.csv.gz -o json",
                "  rollout evaluate rollout.yaml --metrics day.csv --since 2h --dry-run"})
final class EvaluateCommand extends SpecCommand {

    @Option(names = "--metrics", paramLabel = "FILE",
            description = "A CSV export (.csv or .csv.gz); repeat for several. Needed unless every metric names a source.")
    List<Path> metrics = new ArrayList<>();

    @Spec
    CommandLine.Model.CommandSpec command;

    @Option(names = "--labels", paramLabel = "FILE", arity = "1..*",
            description = "Late labels (CSV, .csv.gz, .parquet) joined to the predictions on data.labels.key; repeat or list several;"
                    + " read besides data.labels.source.")
    List<Path> labels = new ArrayList<>();

    @Option(names = "--since", paramLabel = "TIME", description = "Window start: ISO-8601 instant or a duration ago (2h). Default: when the stage was entered.")
    String since;

    @Option(names = "--until", paramLabel = "TIME", description = "Window end: ISO-8601 instant or a duration ago. Default: now.")
    String until;

    @Option(names = "--dry-run", description = "Evaluate and print; record nothing.")
    boolean dryRun;

    EvaluateCommand(Env env) {
        super(env);
    }

    @Override
    public Integer call() {
        Printer printer = printer();
        Workspace ws = workspace("rollout evaluate");
        if (metrics.isEmpty() && ws.spec().readsFiles()) {
            throw new CommandLine.ParameterException(command.commandLine(), "Missing required option: '--metrics=FILE'"
                    + " (metrics without a source: read the exports)");
        }
        Optional<RolloutState> state = ws.store().read();
        Evaluation judged = EvaluationRun.run(ws, state, metrics, labels, Optional.ofNullable(since), Optional.ofNullable(until), env);
        // Only a rollout in a stage records evaluations; otherwise nothing is written, not even a lock file.
        boolean record = !dryRun && Lifecycle.inStage(state).isPresent();
        Outcome outcome = Transition.apply(ws, env, !record, Optional.empty(), Optional.empty(),
                l -> l.recordEvaluation(judged, state));
        // As the stage's rollbackAfter counted it, on the state it was recorded into.
        Evaluation evaluation = outcome.evaluation().orElse(judged);
        // What was written, not what was meant: a dry run computes an outcome too, on the state as it is by then.
        boolean recorded = record && outcome.newState().isPresent();
        printer.warnings(outcome.warnings());
        Views.EvaluateView view = new Views.EvaluateView(evaluation, recorded, outcome.warnings());
        printer.print(view, () -> TextViews.evaluation(evaluation, recorded, printer.ansi()),
                () -> MarkdownViews.evaluation(evaluation, recorded));
        return evaluation.decision().exitCode();
    }
}
