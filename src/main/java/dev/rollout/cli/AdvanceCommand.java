package dev.rollout.cli;

import dev.rollout.RolloutException;
import dev.rollout.judge.Evaluation;
import dev.rollout.lifecycle.Lifecycle;
import dev.rollout.lifecycle.Outcome;
import dev.rollout.lifecycle.RolloutState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

@Command(name = "advance", description = "Start the rollout, or move it to the next stage if the current one passed (bake time over, newest evaluation PROMOTE, approval if needed).",
        footer = {"", "Examples:", "  rollout advance rollout.yaml                       # start, or move on",
                "  rollout advance rollout.yaml --metrics today.csv   # evaluate, move on PROMOTE",
                "  rollout advance rollout.yaml --if-stage canary-5   # CI retry-safe",
                "  rollout advance rollout.yaml --force --reason 'hotfix, approved by on-call'",
                "  rollout advance rollout.yaml --restart             # after a rollback"})
final class AdvanceCommand extends SpecCommand {

    @Option(names = "--metrics", paramLabel = "FILE", description = "Evaluate these exports first, then advance on PROMOTE.")
    List<Path> metrics = new ArrayList<>();

    @Option(names = "--labels", paramLabel = "FILE", arity = "1..*",
            description = "Late labels for --metrics (CSV, .csv.gz, .parquet) joined to the predictions on data.labels.key; repeat or"
                    + " list several; read besides data.labels.source.")
    List<Path> labels = new ArrayList<>();

    @Option(names = "--since", paramLabel = "TIME", description = "Window start for --metrics (default: when the stage was entered).")
    String since;

    @Option(names = "--until", paramLabel = "TIME", description = "Window end for --metrics (default: now).")
    String until;

    @Option(names = "--force", description = "Skip the gates (needs --reason); recorded as FORCED.")
    boolean force;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why; recorded in the history.")
    String reason;

    @Option(names = "--if-stage", paramLabel = "STAGE", description = "Act only if the rollout is in this stage; else exit 5.")
    String ifStage;

    @Option(names = "--rollback-on-fail", description = "When the evaluation says ROLLBACK, roll back.")
    boolean rollbackOnFail;

    @Option(names = "--restart", description = "Start again in the first stage with a new lineage (after a rollback, or for a new candidate).")
    boolean restart;

    @Option(names = "--dry-run", description = "Compute and print; write nothing.")
    boolean dryRun;

    AdvanceCommand(Env env) {
        super(env);
    }

    @Override
    public Integer call() {
        Printer printer = printer();
        if (force && (reason == null || reason.isBlank())) {
            throw RolloutException.input("--force needs --reason TEXT: a forced advance is recorded with why");
        }
        Workspace ws = workspace("rollout advance");
        Optional<RolloutState> state = ws.store().read();
        List<String> warnings = new ArrayList<>();
        Lifecycle.AdvanceOptions options = new Lifecycle.AdvanceOptions(force, restart, rollbackOnFail);
        Optional<Evaluation> evaluation = Optional.empty();
        // A spec whose every metric names a source is evaluated from them; with file metrics, --metrics asks for it.
        if (!metrics.isEmpty() || !ws.spec().readsFiles()) {
            if (options.evaluates(state)) {
                evaluation = Optional.of(EvaluationRun.run(ws, state, metrics, labels, Optional.ofNullable(since),
                        Optional.ofNullable(until), env));
            } else if (!metrics.isEmpty()) {
                warnings.add("--metrics not evaluated: the rollout is not in a stage yet, so there is nothing to judge");
            }
        }
        Optional<Evaluation> judged = evaluation;
        Outcome outcome = Transition.apply(ws, env, dryRun, Optional.ofNullable(ifStage), Optional.ofNullable(reason),
                l -> l.advance(options, judged, state));
        warnings.addAll(outcome.warnings());
        return Transition.print(printer, ws, outcome, warnings, dryRun, outcome.evaluation().or(() -> judged));
    }
}
