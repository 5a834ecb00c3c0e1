package dev.rollout.judge;

import dev.rollout.RolloutException;
import dev.rollout.metrics.Measurement;
import dev.rollout.metrics.MetricsReport;
import dev.rollout.spec.RolloutSpec;
import dev.rollout.spec.SpecLoader;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The score and the decision rules of DESIGN.md §2, on measurements built by hand. */
class JudgeTest {

    static final Instant NOW = Instant.parse("2026-03-02T12:00:00Z");

    static RolloutSpec spec(String metrics, String scoring, String stage) {
        String yaml = "version: 1\nname: t\nmodel: {baseline: a, candidate: b}\nstages:\n" + stage
                + "data: {variant: {column: v}}\nmetrics:\n" + metrics + scoring;
        return SpecLoader.parse("t.yaml", yaml.getBytes(StandardCharsets.UTF_8));
    }

    static final String SEED_METRICS = """
              - {name: accuracy, weight: 0.4}
              - {name: recall, weight: 0.3}
              - {name: f1, weight: 0.3}
            """;
    static final String ONE_STAGE = "  - {name: s, traffic: 5, minSamples: 10, bake: 1h}\n";

    static Measurement m(String name, Double baseline, Double candidate) {
        return new Measurement(name, baseline == null ? OptionalDouble.empty() : OptionalDouble.of(baseline),
                candidate == null ? OptionalDouble.empty() : OptionalDouble.of(candidate), 100, 100, 0, 0,
                candidate == null ? List.of("no candidate values in the window") : List.of());
    }

    static Evaluation judge(RolloutSpec spec, Duration inStage, long rows, Measurement... ms) {
        MetricsReport report = new MetricsReport(List.of(), true, rows, rows, List.of(ms));
        return Judge.evaluate(spec, spec.stages().get(0), report, Optional.ofNullable(inStage), NOW,
                new Evaluation.WindowBounds(Optional.empty(), Optional.empty()));
    }

    @Test
    void theDocumentsExampleScores0285WithItsFormulaAnd0855WithWeights() {
        Measurement[] seed = {m("accuracy", null, 0.9), m("recall", null, 0.8), m("f1", null, 0.85)};
        Evaluation count = judge(spec(SEED_METRICS, "scoring: {normalizeBy: count, promote: 0.25, rollback: 0.2}\n", ONE_STAGE),
                Duration.ofHours(2), 100, seed);
        assertEquals(0.285, count.score().getAsDouble(), 0.0, "exactly 0.285, not 0.28500000000000003");
        Evaluation weights = judge(spec(SEED_METRICS, "", ONE_STAGE), Duration.ofHours(2), 100, seed);
        assertEquals(0.855, weights.score().getAsDouble(), 0.0);
        assertEquals(Decision.PROMOTE, weights.decision());
    }

    @Test
    void holdsWithTooFewRowsEvenWhenACriticalGateFails() {
        RolloutSpec spec = spec("  - {name: acc, gate: {min: 0.9, critical: true}}\n", "", ONE_STAGE);
        Evaluation e = judge(spec, Duration.ofHours(2), 9, m("acc", 0.95, 0.5));
        assertEquals(Decision.HOLD, e.decision());
        assertTrue(e.reasons().get(0).contains("only 9 candidate rows in the window; stage s needs minSamples 10"), e.reasons().toString());
    }

    @Test
    void rollsBackOnACriticalGateEvenDuringTheBakeTime() {
        RolloutSpec spec = spec("  - {name: acc, gate: {min: 0.9, critical: true}}\n", "", ONE_STAGE);
        Evaluation e = judge(spec, Duration.ofMinutes(5), 100, m("acc", 0.95, 0.85));
        assertEquals(Decision.ROLLBACK, e.decision());
        assertTrue(e.reasons().contains("critical gate failed: acc = 0.85 < min 0.9"), e.reasons().toString());
    }

    @Test
    void rollsBackBelowTheRollbackThreshold() {
        Evaluation e = judge(spec("  - {name: acc}\n", "", ONE_STAGE), Duration.ofHours(2), 100, m("acc", 0.9, 0.5));
        assertEquals(Decision.ROLLBACK, e.decision());
        assertTrue(e.reasons().contains("score 0.5 < rollback threshold 0.6"), e.reasons().toString());
    }

    @Test
    void holdsUntilTheBakeTimeIsOver() {
        Evaluation e = judge(spec("  - {name: acc}\n", "", ONE_STAGE), Duration.ofMinutes(20), 100, m("acc", 0.9, 0.95));
        assertEquals(Decision.HOLD, e.decision());
        assertTrue(e.reasons().get(0).startsWith("bake time not over: 20m of 1h in stage s (40m left)"), e.reasons().toString());
    }

    @Test
    void holdsBetweenTheThresholds() {
        Evaluation e = judge(spec("  - {name: acc}\n", "", ONE_STAGE), Duration.ofHours(2), 100, m("acc", 0.9, 0.7));
        assertEquals(Decision.HOLD, e.decision());
        assertTrue(e.reasons().get(0).contains("score 0.7 is below the promote threshold 0.8"), e.reasons().toString());
    }

    @Test
    void aNonCriticalGateFailureHoldsAndNeverPromotes() {
        RolloutSpec spec = spec("  - {name: lat, direction: lower, normalize: {best: 50, worst: 400}, gate: {max: 250}}\n",
                "scoring: {promote: 0.8, rollback: 0.3}\n", ONE_STAGE);
        Evaluation e = judge(spec, Duration.ofHours(2), 100, m("lat", 120.0, 271.0));
        assertEquals(Decision.HOLD, e.decision());
        assertTrue(e.reasons().contains("lat = 271 > max 250"), e.reasons().toString());
        assertEquals(0.368571, e.metrics().get(0).p().getAsDouble(), 1e-6, "(271-400)/(50-400)");
    }

    @Test
    void regressionGatesCompareExactlyInDecimal() {
        RolloutSpec spec = spec("  - {name: acc, gate: {maxRegression: 0.01, maxRegressionPct: 2}}\n", "", ONE_STAGE);
        // 0.91 - 0.90 is 0.010000000000000009 in binary floating point; in decimal it is the 0.01 the gate allows.
        assertEquals(Decision.PROMOTE, judge(spec, Duration.ofHours(2), 100, m("acc", 0.91, 0.90)).decision());
        Evaluation worse = judge(spec, Duration.ofHours(2), 100, m("acc", 0.91, 0.89));
        assertEquals(Decision.HOLD, worse.decision());
        assertTrue(worse.reasons().contains("acc regressed by 0.02 (baseline 0.91, candidate 0.89) > maxRegression 0.01"),
                worse.reasons().toString());
        assertTrue(worse.reasons().stream().anyMatch(r -> r.startsWith("acc regressed by 2.1978 % ")), worse.reasons().toString());
    }

    @Test
    void aMetricWithNoDataIsNullWithAReasonAndNeverPromotes() {
        Evaluation e = judge(spec("  - {name: acc}\n  - {name: f1}\n", "", ONE_STAGE), Duration.ofHours(2), 100,
                m("acc", 0.9, 0.95), m("f1", 0.9, null));
        assertEquals(Decision.HOLD, e.decision());
        assertTrue(e.score().isEmpty());
        assertTrue(e.metrics().get(1).p().isEmpty());
        assertTrue(e.reasons().contains("no score: f1 has no value"), e.reasons().toString());
    }

    @Test
    void advisoryMetricsAreExplainedButNeverDecide() {
        RolloutSpec spec = spec("  - {name: acc}\n  - {name: tox, weight: 0, direction: lower, advisory: true, gate: {max: 0.001, critical: true}}\n",
                "", ONE_STAGE);
        Evaluation e = judge(spec, Duration.ofHours(2), 100, m("acc", 0.9, 0.95), m("tox", 0.0, 0.01));
        assertEquals(Decision.PROMOTE, e.decision());
        assertFalse(e.metrics().get(1).gate().passed());
        assertTrue(e.reasons().contains("advisory, not enforced: tox = 0.01 > max 0.001"), e.reasons().toString());
    }

    @Test
    void normalizeByBaselineCapsAtOneAndInvertsForLowerIsBetter() {
        RolloutSpec spec = spec("  - {name: ctr, normalize: baseline}\n  - {name: lat, direction: lower, normalize: baseline}\n", "", ONE_STAGE);
        Evaluation e = judge(spec, Duration.ofHours(2), 100, m("ctr", 0.08, 0.1), m("lat", 100.0, 125.0));
        assertEquals(1.0, e.metrics().get(0).p().getAsDouble(), 0.0);
        assertEquals(0.8, e.metrics().get(1).p().getAsDouble(), 0.0);
        assertEquals(0.9, e.score().getAsDouble(), 0.0);
    }

    @Test
    void aValueOutsideZeroOneWithoutNormalizeIsAnErrorAskingForIt() {
        RolloutSpec spec = spec("  - {name: lat, direction: lower}\n", "", ONE_STAGE);
        RolloutException e = assertThrows(RolloutException.class, () -> judge(spec, Duration.ofHours(2), 100, m("lat", 100.0, 125.0)));
        assertTrue(e.describe().contains("metrics[0] (lat)") && e.describe().contains("normalize"), e.describe());
    }

    @Test
    void lowerIsBetterWithoutNormalizeUsesOneMinusTheValue() {
        List<Measurement> ms = new ArrayList<>(List.of(m("err", 0.02, 0.05)));
        Evaluation e = judge(spec("  - {name: err, direction: lower}\n", "", ONE_STAGE), Duration.ofHours(2), 100, ms.get(0));
        assertEquals(0.95, e.score().getAsDouble(), 0.0);
        assertEquals(0.03, e.metrics().get(0).delta().getAsDouble(), 0.0);
    }
}
