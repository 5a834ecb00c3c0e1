package dev.rollout.judge;

import dev.rollout.RolloutException;
import dev.rollout.RolloutException.Location;
import dev.rollout.judge.Evaluation.GateResult;
import dev.rollout.judge.Evaluation.MetricResult;
import dev.rollout.judge.Evaluation.Samples;
import dev.rollout.metrics.LabelCoverage;
import dev.rollout.metrics.Measurement;
import dev.rollout.metrics.MetricsReport;
import dev.rollout.spec.GateSpec;
import dev.rollout.spec.MetricSpec;
import dev.rollout.spec.Normalize;
import dev.rollout.spec.RolloutSpec;
import dev.rollout.spec.ScoringSpec;
import dev.rollout.spec.StageSpec;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Scores the candidate, checks every gate and decides PROMOTE, HOLD or ROLLBACK, in the order
 * DESIGN.md §2 gives. Pure: the measurements, the stage and the time in it come in; an
 * {@link Evaluation} comes out.
 *
 * <p>Arithmetic on values is done in decimal ({@link BigDecimal} from each double's shortest
 * representation), so that {@code 0.4*0.9 + 0.3*0.8 + 0.3*0.85} is 0.855 and not
 * 0.8550000000000001, and a regression of {@code 0.91 - 0.90} is exactly the 0.01 a gate allows.
 */
public final class Judge {

    private static final MathContext MC = MathContext.DECIMAL128;

    private Judge() {
    }

    /**
     * @param inStage how long the rollout has been in {@code stage}; empty when no rollout
     *                has started, and then the bake time does not apply
     */
    public static Evaluation evaluate(RolloutSpec spec, StageSpec stage, MetricsReport report,
                                      Optional<Duration> inStage, Instant now, Evaluation.WindowBounds window) {
        return evaluate(spec, stage, report, inStage, now, window, Map.of());
    }

    /**
     * @param memory what each sequential comparison remembers from earlier looks in this stage, by metric
     */
    public static Evaluation evaluate(RolloutSpec spec, StageSpec stage, MetricsReport report, Optional<Duration> inStage,
                                      Instant now, Evaluation.WindowBounds window, Map<String, SequentialMemory> memory) {
        List<MetricResult> results = new ArrayList<>();
        for (int i = 0; i < spec.metrics().size(); i++) {
            MetricSpec metric = spec.metrics().get(i);
            Measurement m = report.measurement(metric.name())
                    .orElseThrow(() -> new IllegalStateException("no measurement for " + metric.name()));
            results.add(judgeMetric(spec, metric, i, m, report.hasVariant(), Optional.ofNullable(memory.get(metric.name()))));
        }
        Score score = score(spec.scoring(), spec.metrics(), results);
        List<String> reasons = new ArrayList<>();
        Optional<Evaluation.SplitResult> split = Split.check(stage, report);
        split.filter(s -> !s.passed()).ifPresent(s -> reasons.add(Split.sentence(s)));
        Evaluation.Rules rules = decide(spec, stage, report, inStage, now, results, score, reasons,
                split.filter(s -> !s.passed()).isPresent());
        return new Evaluation(spec.name(), stage.name(), now, rules.decision(), score.value, spec.scoring().normalizeBy(),
                new Evaluation.Thresholds(spec.scoring().promote(), spec.scoring().rollback()), reasons, results,
                new Evaluation.Rows(report.baselineRows(), report.candidateRows(), report.otherRows(), report.notes()), window,
                report.inputs(), rules, report.labels(), split);
    }

    private static Evaluation.Rules decide(RolloutSpec spec, StageSpec stage, MetricsReport report, Optional<Duration> inStage,
                                           Instant now, List<MetricResult> results, Score score, List<String> reasons,
                                           boolean splitFailed) {
        ScoringSpec scoring = spec.scoring();
        // 0. The stage's deadline passed: roll back whatever the data says (too little of it, most
        //    likely), so a stuck rollout does not keep its traffic forever. It is not a flaky reading
        //    for rollbackAfter to wait out.
        Optional<String> late = inStage.flatMap(in -> stage.deadlinePassed(now.minus(in), now));
        if (late.isPresent()) {
            reasons.add(late.get());
            return new Evaluation.Rules(Decision.ROLLBACK, true);
        }
        // 1. Too little data to judge anything, including a rollback. Without rows (every metric a
        //    Prometheus query) there is nothing to count: a query without data has no value, and holds.
        boolean enough = true;
        if (report.countsRows() && report.candidateRows() < stage.minSamples()) {
            reasons.add("only " + report.candidateRows() + " candidate rows in the window; stage " + stage.name()
                    + " needs minSamples " + stage.minSamples());
            enough = false;
        }
        if (report.countsRows() && report.hasVariant() && report.baselineRows() < stage.minSamples()) {
            reasons.add("only " + report.baselineRows() + " baseline rows in the window; stage " + stage.name()
                    + " needs minSamples " + stage.minSamples());
            enough = false;
        }
        enough &= labelsArrived(report, reasons);
        if (!enough) {
            return new Evaluation.Rules(Decision.HOLD, false);
        }
        // 2. A critical gate that failed, or a score below the rollback threshold: roll back,
        //    even during the bake time, which only ever delays a promotion.
        boolean criticalFailed = false;
        boolean immediate = false;
        for (int i = 0; i < results.size(); i++) {
            MetricResult r = results.get(i);
            if (!r.advisory() && r.gate().critical() && r.gate().failed()) {
                criticalFailed = true;
                immediate |= spec.metrics().get(i).gate().map(GateSpec::immediate).orElse(false);
                r.gate().reasons().forEach(g -> reasons.add("critical gate failed: " + g));
            }
        }
        boolean missing = missingRollsBack(spec.metrics(), results, reasons);
        boolean belowRollback = score.value.isPresent() && score.value.getAsDouble() < scoring.rollback();
        if (belowRollback) {
            reasons.add("score " + Numbers.show(score.value.getAsDouble()) + " < rollback threshold "
                    + Numbers.show(scoring.rollback()));
        }
        if (criticalFailed || belowRollback || missing) {
            return new Evaluation.Rules(Decision.ROLLBACK, immediate);
        }
        // 3. The bake time is not over, or the rows do not show the stage's split (the reason is already given):
        //    the metrics may compare something other than the stage.
        Decision decision = splitFailed ? Decision.HOLD : Decision.PROMOTE;
        if (inStage.isPresent() && inStage.get().compareTo(stage.bake()) < 0) {
            reasons.add("bake time not over: " + Numbers.duration(inStage.get()) + " of " + Numbers.duration(stage.bake())
                    + " in stage " + stage.name() + " (" + Numbers.duration(stage.bake().minus(inStage.get())) + " left)");
            decision = Decision.HOLD;
        }
        // 4./5. Promote only with a score at or above the threshold and every gate passed.
        for (MetricResult r : results) {
            if (r.advisory()) {
                if (!r.gate().passed()) {
                    r.gate().reasons().forEach(g -> reasons.add("advisory, not enforced: " + g));
                }
                continue;
            }
            if (!r.gate().passed()) {
                r.gate().reasons().forEach(reasons::add);
                decision = Decision.HOLD;
            }
        }
        if (score.value.isEmpty()) {
            reasons.add("no score: " + String.join("; ", score.missing));
            decision = Decision.HOLD;
        } else if (score.value.getAsDouble() < scoring.promote()) {
            reasons.add("score " + Numbers.show(score.value.getAsDouble()) + " is below the promote threshold "
                    + Numbers.show(scoring.promote()) + " (rollback below " + Numbers.show(scoring.rollback()) + ")");
            decision = Decision.HOLD;
        } else if (decision == Decision.PROMOTE) {
            reasons.add("score " + Numbers.show(score.value.getAsDouble()) + " >= promote threshold "
                    + Numbers.show(scoring.promote()) + " and every gate passed");
        }
        return new Evaluation.Rules(decision, false);
    }

    /** {@code onMissing: rollback} on a metric with no candidate value; says each, and notes each one ignored. */
    private static boolean missingRollsBack(List<MetricSpec> metrics, List<MetricResult> results, List<String> reasons) {
        boolean rollback = false;
        for (int i = 0; i < metrics.size(); i++) {
            MetricSpec metric = metrics.get(i);
            if (metric.advisory() || results.get(i).candidate().isPresent()) {
                continue;
            }
            switch (metric.onMissing()) {
                case ROLLBACK -> {
                    reasons.add(metric.name() + " has no candidate value, and its onMissing is rollback");
                    rollback = true;
                }
                case IGNORE -> reasons.add(metric.name() + " has no candidate value: left out of the score and the gates"
                        + " (onMissing: ignore)");
                case HOLD -> {
                    // The gates and the score say it below: no value never promotes.
                }
            }
        }
        return rollback;
    }

    private static boolean ignored(MetricSpec metric, OptionalDouble candidate) {
        return candidate.isEmpty() && metric.onMissing() == MetricSpec.OnMissing.IGNORE;
    }

    /**
     * Late labels: too few of a variant's mature predictions labeled yet is too little data to
     * judge, as too few rows is; the reason gives the numbers.
     */
    private static boolean labelsArrived(MetricsReport report, List<String> reasons) {
        if (report.labels().isEmpty()) {
            return true;
        }
        LabelCoverage c = report.labels().get();
        boolean enough = coverage(c.candidateLabeled(), c.candidateMature(), c, "candidate", reasons);
        if (report.hasVariant()) {
            enough &= coverage(c.baselineLabeled(), c.baselineMature(), c, "baseline", reasons);
        }
        return enough;
    }

    private static boolean coverage(long labeled, long mature, LabelCoverage c, String variant, List<String> reasons) {
        if (mature == 0) {
            reasons.add("no mature " + variant + " predictions: none in the window is " + Numbers.duration(c.maturity())
                    + " old (at or before " + c.matureUntil() + ")");
            return false;
        }
        double share = (double) labeled / mature;
        if (share < c.minCoverage()) {
            reasons.add("labels for " + labeled + " of the " + variant + "'s " + mature + " mature predictions ("
                    + Numbers.show(100 * share) + " %); minCoverage is " + Numbers.show(100 * c.minCoverage()) + " %");
            return false;
        }
        return true;
    }

    private record Score(OptionalDouble value, List<String> missing) {
    }

    /** P = sum(w*p)/sum(w) (weights) or sum(w*p)/N (count), over the metrics in the score. */
    private static Score score(ScoringSpec scoring, List<MetricSpec> metrics, List<MetricResult> results) {
        BigDecimal weighted = BigDecimal.ZERO;
        BigDecimal weights = BigDecimal.ZERO;
        int n = 0;
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < metrics.size(); i++) {
            MetricSpec metric = metrics.get(i);
            if (!metric.scored()) {
                continue;
            }
            MetricResult r = results.get(i);
            if (ignored(metric, r.candidate())) {
                continue;
            }
            if (r.p().isEmpty()) {
                missing.add(metric.name() + " has no value");
                continue;
            }
            BigDecimal w = Numbers.decimal(metric.weight());
            weighted = weighted.add(w.multiply(Numbers.decimal(r.p().getAsDouble()), MC), MC);
            weights = weights.add(w, MC);
            n++;
        }
        if (!missing.isEmpty()) {
            return new Score(OptionalDouble.empty(), missing);
        }
        if (n == 0) {
            return new Score(OptionalDouble.empty(), List.of("every metric in the score has no value and onMissing: ignore"));
        }
        BigDecimal divisor = scoring.normalizeBy() == ScoringSpec.ScoreFormula.WEIGHTS ? weights : BigDecimal.valueOf(n);
        return new Score(OptionalDouble.of(weighted.divide(divisor, MC).doubleValue()), missing);
    }

    private static MetricResult judgeMetric(RolloutSpec spec, MetricSpec metric, int index, Measurement m, boolean hasVariant,
                                            Optional<SequentialMemory> memory) {
        List<String> notes = new ArrayList<>(m.notes());
        OptionalDouble delta = delta(m);
        OptionalDouble p = metric.weight() > 0 ? p(metric, index, m, notes) : OptionalDouble.empty();
        GateResult gate = gate(metric, metric.name(), m, hasVariant);
        Optional<CompareResult> compare = metric.compare().map(c ->
                Comparison.compare(c, metric.direction(), m.baselineRows(), m.candidateRows(), memory));
        if (compare.isPresent()) {
            gate = withComparison(gate, metric, metric.name(), compare.get());
        }
        if (ignored(metric, m.candidate())) {
            notes.add("no candidate value; onMissing: ignore leaves it out of the score and the gates");
            gate = new GateResult(true, false, gate.critical(), List.of());
        }
        SliceJudge.Judged slices = spec.slices().filter(s -> s.slices(metric.name()))
                .map(s -> SliceJudge.judge(s, metric, m, hasVariant)).orElse(SliceJudge.Judged.NONE);
        return new MetricResult(metric.name(), metric.source().label(), metric.weight(), metric.direction().word(),
                metric.advisory(), m.baseline(), m.candidate(), delta, p,
                new Samples(m.baselineSamples(), m.candidateSamples()), slices.into(gate), notes, compare, m.positive(),
                slices.slices(), slices.gap(), m.drift(), m.agreement());
    }

    /** candidate − baseline, in decimal; empty without both. */
    static OptionalDouble delta(Measurement m) {
        return m.baseline().isPresent() && m.candidate().isPresent()
                ? OptionalDouble.of(Numbers.decimal(m.candidate().getAsDouble())
                .subtract(Numbers.decimal(m.baseline().getAsDouble()), MC).doubleValue())
                : OptionalDouble.empty();
    }

    private static OptionalDouble p(MetricSpec metric, int index, Measurement m, List<String> notes) {
        if (m.candidate().isEmpty()) {
            return OptionalDouble.empty();
        }
        BigDecimal c = Numbers.decimal(m.candidate().getAsDouble());
        boolean higher = metric.direction() == MetricSpec.Direction.HIGHER;
        if (metric.normalize().isEmpty()) {
            if (c.compareTo(BigDecimal.ZERO) < 0 || c.compareTo(BigDecimal.ONE) > 0) {
                throw RolloutException.input(Location.of(null, 0, 0, "metrics[" + index + "] (" + metric.name() + ")"),
                        "the candidate's value " + Numbers.show(m.candidate().getAsDouble())
                                + " is outside [0, 1], so it cannot enter the score as it is; add"
                                + " 'normalize: {best: B, worst: W}' or 'normalize: baseline' to the metric, or give it weight 0");
            }
            return OptionalDouble.of((higher ? c : BigDecimal.ONE.subtract(c)).doubleValue());
        }
        return metric.normalize().get().match(range -> range(range, c), baseline -> againstBaseline(m, c, higher, notes));
    }

    private static OptionalDouble range(Normalize.Range r, BigDecimal c) {
        BigDecimal worst = Numbers.decimal(r.worst());
        BigDecimal x = c.subtract(worst).divide(Numbers.decimal(r.best()).subtract(worst), MC);
        return OptionalDouble.of(x.max(BigDecimal.ZERO).min(BigDecimal.ONE).doubleValue());
    }

    private static OptionalDouble againstBaseline(Measurement m, BigDecimal c, boolean higher, List<String> notes) {
        if (m.baseline().isEmpty()) {
            notes.add("normalize: baseline needs a baseline value, and there is none");
            return OptionalDouble.empty();
        }
        BigDecimal base = Numbers.decimal(m.baseline().getAsDouble());
        if (base.signum() < 0 || c.signum() < 0) {
            notes.add("normalize: baseline needs values >= 0");
            return OptionalDouble.empty();
        }
        BigDecimal num = higher ? c : base;
        BigDecimal den = higher ? base : c;
        // A zero denominator means the candidate cannot be worse than the baseline.
        BigDecimal ratio = den.signum() == 0 ? BigDecimal.ONE : num.divide(den, MC);
        return OptionalDouble.of(ratio.min(BigDecimal.ONE).doubleValue());
    }

    /** The metric's gate on {@code m}; {@code name} is how the reasons name it ("accuracy", or one slice of it). */
    static GateResult gate(MetricSpec metric, String name, Measurement m, boolean hasVariant) {
        if (metric.gate().isEmpty()) {
            if (m.candidate().isEmpty()) {
                return new GateResult(false, false, false,
                        List.of(name + " has no candidate value" + why(m)));
            }
            return new GateResult(true, false, false, List.of());
        }
        GateSpec g = metric.gate().get();
        List<String> failures = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        if (m.candidate().isEmpty()) {
            unknown.add(name + " has no candidate value, so its gate cannot be checked" + why(m));
            return new GateResult(false, false, g.critical(), unknown);
        }
        BigDecimal c = Numbers.decimal(m.candidate().getAsDouble());
        String cs = Numbers.show(m.candidate().getAsDouble());
        if (g.min().isPresent() && c.compareTo(Numbers.decimal(g.min().getAsDouble())) < 0) {
            failures.add(name + " = " + cs + " < min " + Numbers.show(g.min().getAsDouble()));
        }
        if (g.max().isPresent() && c.compareTo(Numbers.decimal(g.max().getAsDouble())) > 0) {
            failures.add(name + " = " + cs + " > max " + Numbers.show(g.max().getAsDouble()));
        }
        if (g.maxRegression().isPresent() || g.maxRegressionPct().isPresent()) {
            if (m.baseline().isEmpty()) {
                unknown.add(name + ": no baseline value, so its regression gate cannot be checked"
                        + (hasVariant ? "" : " (the exports have no variant column: set data.variant)"));
            } else {
                BigDecimal b = Numbers.decimal(m.baseline().getAsDouble());
                // Regression is how much worse the candidate is, in the metric's bad direction.
                BigDecimal regression = metric.direction() == MetricSpec.Direction.HIGHER ? b.subtract(c) : c.subtract(b);
                String bs = Numbers.show(m.baseline().getAsDouble());
                if (g.maxRegression().isPresent() && regression.compareTo(Numbers.decimal(g.maxRegression().getAsDouble())) > 0) {
                    failures.add(name + " regressed by " + Numbers.show(regression.doubleValue()) + " (baseline " + bs
                            + ", candidate " + cs + ") > maxRegression " + Numbers.show(g.maxRegression().getAsDouble()));
                }
                if (g.maxRegressionPct().isPresent() && regression.signum() > 0) {
                    BigDecimal limit = Numbers.decimal(g.maxRegressionPct().getAsDouble());
                    if (b.signum() == 0) {
                        failures.add(name + " regressed from a baseline of 0 to " + cs + ", more than maxRegressionPct "
                                + Numbers.show(limit.doubleValue()) + " %");
                    } else {
                        BigDecimal pct = regression.multiply(BigDecimal.valueOf(100)).divide(b.abs(), MC);
                        if (pct.compareTo(limit) > 0) {
                            failures.add(name + " regressed by " + Numbers.show(pct.doubleValue()) + " % (baseline " + bs
                                    + ", candidate " + cs + ") > maxRegressionPct " + Numbers.show(limit.doubleValue()) + " %");
                        }
                    }
                }
            }
        }
        List<String> reasons = new ArrayList<>(failures);
        reasons.addAll(unknown);
        return new GateResult(reasons.isEmpty(), !failures.isEmpty(), g.critical(), reasons);
    }

    /**
     * A comparison is part of the metric's gate: WORSE fails it (and rolls back when the gate is
     * critical), INCONCLUSIVE leaves it unchecked (a hold), NOT_WORSE adds nothing.
     */
    static GateResult withComparison(GateResult gate, MetricSpec metric, String name, CompareResult c) {
        boolean critical = metric.gate().map(GateSpec::critical).orElse(false);
        List<String> reasons = new ArrayList<>(gate.reasons());
        switch (c.verdict()) {
            case WORSE -> {
                reasons.add(0, Comparison.sentence(name, c));
                return new GateResult(false, true, critical, reasons);
            }
            case INCONCLUSIVE -> {
                reasons.add(Comparison.sentence(name, c));
                return new GateResult(false, gate.failed(), critical, reasons);
            }
            default -> {
                return new GateResult(gate.passed(), gate.failed(), critical || gate.critical(), reasons);
            }
        }
    }

    private static String why(Measurement m) {
        return m.notes().isEmpty() ? "" : " (" + String.join("; ", m.notes()) + ")";
    }
}
