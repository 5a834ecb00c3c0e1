package dev.rollout.cli;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.rollout.judge.Evaluation;
import dev.rollout.lifecycle.Action;
import dev.rollout.lifecycle.Approval;
import dev.rollout.lifecycle.EvaluationRecord;
import dev.rollout.lifecycle.HistoryEvent;
import dev.rollout.lifecycle.RolloutState;
import dev.rollout.lifecycle.Status;
import dev.rollout.lifecycle.Streaks;
import dev.rollout.metrics.command.CommandSource;
import dev.rollout.spec.DurationText;
import dev.rollout.spec.MetricSpec;
import dev.rollout.spec.RolloutSpec;
import dev.rollout.spec.ScoringSpec;
import dev.rollout.spec.SourceSpec;
import dev.rollout.spec.StageSpec;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/** The JSON contract of DESIGN.md §1, as records that Jackson writes; text output reads them too. */
final class Views {

    private Views() {
    }

    /**
     * The stage a rollout is in. {@code streaks}: the newest evaluations in a row in this visit that
     * decided PROMOTE, and that said ROLLBACK by their rules; {@code promoteAfter} and
     * {@code rollbackAfter} are how many the stage needs, when the spec is at hand.
     */
    record StageView(int index, String name, int traffic, Instant enteredAt, Streaks streaks,
                     Optional<Integer> promoteAfter, Optional<Integer> rollbackAfter) {
        StageView with(StageSpec spec) {
            return new StageView(index, name, traffic, enteredAt, streaks, Optional.of(spec.promoteAfter()),
                    Optional.of(spec.rollbackAfter()));
        }
    }

    record ModelView(String baseline, String candidate) {
    }

    /**
     * Where a rollout stands. {@code traffic} is the candidate's share now (0 once rolled
     * back, 100 once promoted); {@code specChanged} is true when the spec differs from the
     * one the state was last written with.
     */
    record RolloutView(String rollout, Status status, Optional<StageView> stage, Optional<String> lineage, long serial,
                       ModelView model, int traffic, Optional<EvaluationRecord> lastEvaluation,
                       Optional<Approval> approval, boolean specChanged, String state) {

        static RolloutView of(String name, ModelView specModel, Optional<RolloutState> state, Optional<String> digest,
                              String statePath) {
            if (state.isEmpty()) {
                return new RolloutView(name, Status.NOT_STARTED, Optional.empty(), Optional.empty(), 0, specModel, 0,
                        Optional.empty(), Optional.empty(), false, statePath);
            }
            RolloutState s = state.get();
            int traffic = s.candidateTraffic();
            return new RolloutView(s.rollout(), s.status(),
                    Optional.of(new StageView(s.stage().index(), s.stage().name(), s.stage().traffic(), s.stage().enteredAt(),
                            s.stage().streaks(), Optional.empty(), Optional.empty())),
                    Optional.of(s.lineage()), s.serial(), new ModelView(s.model().baseline(), s.model().candidate()), traffic,
                    s.lastEvaluation(), s.approval(), digest.map(d -> !d.equals(s.specDigest())).orElse(false), statePath);
        }

        /** Where the rollout of {@code spec} stands, with what its stage needs of the streaks. */
        static RolloutView of(RolloutSpec spec, Optional<RolloutState> state, String statePath) {
            RolloutView v = of(spec.name(), new ModelView(spec.model().baseline(), spec.model().candidate()), state,
                    Optional.of(spec.digest()), statePath);
            Optional<StageView> stage = v.stage().map(s -> spec.stage(s.name()).map(s::with).orElse(s));
            return new RolloutView(v.rollout(), v.status(), stage, v.lineage(), v.serial(), v.model(), v.traffic(),
                    v.lastEvaluation(), v.approval(), v.specChanged(), v.state());
        }
    }

    record PlanStage(int index, String name, int traffic, String bake, long minSamples, boolean approval,
                     Map<String, String> segment, int promoteAfter, int rollbackAfter, Optional<String> deadline) {
        static PlanStage of(int index, StageSpec s) {
            return new PlanStage(index, s.name(), s.traffic(), DurationText.format(s.bake()), s.minSamples(), s.approval(),
                    s.segment(), s.promoteAfter(), s.rollbackAfter(), s.deadline().map(DurationText::format));
        }
    }

    /** Where a metric is defined: the spec, or a file it includes. */
    record PlanOrigin(String file, int line) {
    }

    record PlanMetric(String name, String source, double weight, String direction, boolean advisory,
                      Optional<String> normalize, OptionalDouble min, OptionalDouble max, OptionalDouble maxRegression,
                      OptionalDouble maxRegressionPct, boolean critical, boolean immediate, String onMissing,
                      PlanOrigin from, String reads) {
        /** What {@code reads} says of a metric that reads the {@code --metrics} files. */
        static final String FILES = "--metrics";

        static PlanMetric of(MetricSpec m) {
            Optional<String> normalize = m.normalize().map(n -> n.match(r -> "best " + dev.rollout.judge.Numbers.show(r.best())
                    + ", worst " + dev.rollout.judge.Numbers.show(r.worst()), baseline -> "baseline"));
            return new PlanMetric(m.name(), m.source().label(), m.weight(), m.direction().word(), m.advisory(), normalize,
                    m.gate().map(g -> g.min()).orElse(OptionalDouble.empty()),
                    m.gate().map(g -> g.max()).orElse(OptionalDouble.empty()),
                    m.gate().map(g -> g.maxRegression()).orElse(OptionalDouble.empty()),
                    m.gate().map(g -> g.maxRegressionPct()).orElse(OptionalDouble.empty()),
                    m.gate().map(g -> g.critical()).orElse(false),
                    m.gate().map(g -> g.immediate()).orElse(false), m.onMissing().word(),
                    new PlanOrigin(m.origin().file(), m.origin().line()), m.sourceName().orElse(FILES));
        }
    }

    /** One entry of the spec's {@code sources:}: where its metrics are read, without secrets. */
    record PlanSource(String name, String kind, String location, String timeout) {
        static PlanSource of(SourceSpec s) {
            return new PlanSource(s.name(), s.kind().word(),
                    s.match(SourceSpec.Sql::url, SourceSpec.Prometheus::url, c -> CommandSource.commandLine(c.argv())),
                    DurationText.format(s.timeout()));
        }
    }

    record PlanView(@JsonUnwrapped RolloutView rollout, List<PlanStage> stages, List<PlanMetric> metrics,
                    ScoringSpec scoring, String next, List<PlanSource> sources) {
        static PlanView of(RolloutSpec spec, RolloutView view, String next) {
            List<PlanStage> stages = new java.util.ArrayList<>();
            for (int i = 0; i < spec.stages().size(); i++) {
                stages.add(PlanStage.of(i, spec.stages().get(i)));
            }
            return new PlanView(view, stages, spec.metrics().stream().map(PlanMetric::of).toList(),
                    spec.scoring(),
                    next, spec.sources().values().stream().map(PlanSource::of).toList());
        }
    }

    /** {@code advance}, {@code rollback}, {@code approve}: where it stands now, what happened and why. */
    record ActionView(@JsonUnwrapped RolloutView rollout, Action action, List<String> reasons, List<String> warnings,
                      boolean dryRun, Optional<Evaluation> evaluation) {
    }

    /** {@code evaluate}: the evaluation itself, and whether it was recorded. */
    record EvaluateView(@JsonUnwrapped Evaluation evaluation, boolean recorded, List<String> warnings) {
    }

    record HistoryView(String rollout, List<HistoryEvent> events) {
    }

    record StatusList(List<RolloutView> rollouts) {
    }

    record ErrorView(ErrorBody error) {
    }

    record ErrorBody(int code, String message) {
    }
}
