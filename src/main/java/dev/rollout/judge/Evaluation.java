package dev.rollout.judge;

import dev.rollout.metrics.AgreementResult;
import dev.rollout.metrics.DriftResult;
import dev.rollout.metrics.Provenance;
import dev.rollout.spec.ScoringSpec.ScoreFormula;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The judge's verdict on one stage: the score, each metric's value and gate, the decision and
 * its reasons. A value that could not be computed is empty (JSON {@code null}) and a reason says why.
 *
 * @param score   the weighted score P of the candidate; empty when a metric in it has no value
 * @param rows    rows per variant in the window, and of other variants
 * @param window  the time window the rows were taken from
 * @param split   the stage's split check, when it has one and it applies
 */
public record Evaluation(String rollout, String stage, Instant at, Decision decision, OptionalDouble score,
                         ScoreFormula normalizeBy, Thresholds thresholds, List<String> reasons,
                         List<MetricResult> metrics, Rows rows, WindowBounds window, List<Provenance> inputs,
                         Optional<SplitResult> split) {

    public Evaluation {
        reasons = List.copyOf(reasons);
        metrics = List.copyOf(metrics);
        inputs = List.copyOf(inputs);
        // Histories written before split checks have none.
        split = split == null ? Optional.empty() : split;
    }

    /** An evaluation without a split check. */
    public Evaluation(String rollout, String stage, Instant at, Decision decision, OptionalDouble score,
                      ScoreFormula normalizeBy, Thresholds thresholds, List<String> reasons,
                      List<MetricResult> metrics, Rows rows, WindowBounds window, List<Provenance> inputs) {
        this(rollout, stage, at, decision, score, normalizeBy, thresholds, reasons, metrics, rows, window, inputs,
                Optional.empty());
    }

    /**
     * The chi-square goodness-of-fit test of the rows per variant against the expected split.
     *
     * @param expectedPercent the candidate's expected share of the baseline and candidate rows, in percent
     * @param observedPercent the candidate's share found
     * @param rows            baseline and candidate rows together
     * @param chiSquare       the statistic, one degree of freedom
     * @param pValue          {@code scipy.stats.chisquare}'s p-value
     * @param threshold       the spec's pValue: below it the split is taken as not applied
     * @param passed          pValue ≥ threshold
     */
    public record SplitResult(double expectedPercent, double observedPercent, long rows, double chiSquare, double pValue,
                              double threshold, boolean passed) {
    }

    /** The score's thresholds. */
    public record Thresholds(double promote, double rollback) {
    }

    /** A count per variant. */
    public record Samples(long baseline, long candidate) {
    }

    /**
     * Rows in the window: the baseline's, the candidate's, and {@code other}, those whose variant is
     * neither (left out; {@code notes} says which values).
     */
    public record Rows(long baseline, long candidate, long other, List<String> notes) {
        public Rows {
            // Histories written before other variants were counted (Dec 1) have no notes.
            notes = notes == null ? List.of() : List.copyOf(notes);
        }

        public Rows(long baseline, long candidate) {
            this(baseline, candidate, 0, List.of());
        }
    }

    /** The bounds of the window that was read; empty means open. */
    public record WindowBounds(Optional<Instant> since, Optional<Instant> until) {
    }

    /**
     * One metric's line in the verdict.
     *
     * @param delta candidate − baseline
     * @param p       the candidate's value mapped to [0, 1] for the score (empty for gate-only metrics)
     * @param compare the statistical comparison of the rows, when the metric asks for one
     * @param positive the positive label of auc and {@code average: binary}, as given or as chosen (see the notes)
     * @param drift    a drift metric's test, value, p-value (ks) and bins (psi, js)
     * @param agreement an agreement metric's pairs, unmatched requests per variant, and rate
     */
    public record MetricResult(String name, String source, double weight, String direction, boolean advisory,
                               OptionalDouble baseline, OptionalDouble candidate, OptionalDouble delta,
                               OptionalDouble p, Samples samples, GateResult gate, List<String> notes,
                               Optional<CompareResult> compare, Optional<String> positive,
                               Optional<DriftResult> drift, Optional<AgreementResult> agreement) {
        public MetricResult {
            notes = List.copyOf(notes);
            // Histories written before drift and agreement have neither.
            drift = drift == null ? Optional.empty() : drift;
            agreement = agreement == null ? Optional.empty() : agreement;
        }

        /** A metric of one variant at a time. */
        public MetricResult(String name, String source, double weight, String direction, boolean advisory,
                            OptionalDouble baseline, OptionalDouble candidate, OptionalDouble delta,
                            OptionalDouble p, Samples samples, GateResult gate, List<String> notes,
                            Optional<CompareResult> compare, Optional<String> positive) {
            this(name, source, weight, direction, advisory, baseline, candidate, delta, p, samples, gate, notes, compare,
                    positive, Optional.empty(), Optional.empty());
        }
    }

    /**
     * The gate's outcome. {@code passed} is false both when a check failed and when it could
     * not be checked for want of a value; {@code failed} tells the two apart (only a real
     * failure of a critical gate rolls back).
     */
    public record GateResult(boolean passed, boolean failed, boolean critical, List<String> reasons) {
        public GateResult {
            reasons = List.copyOf(reasons);
        }
    }
}
