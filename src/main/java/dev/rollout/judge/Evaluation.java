package dev.rollout.judge;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.rollout.metrics.LabelCoverage;
import dev.rollout.metrics.AgreementResult;
import dev.rollout.metrics.DriftResult;
import dev.rollout.metrics.Provenance;
import dev.rollout.spec.ScoringSpec.ScoreFormula;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The judge's verdict on one stage: the score, each metric's value and gate, the decision and
 * its reasons. A value that could not be computed is empty (JSON {@code null}) and a reason says why.
 *
 * @param score   the weighted score P of the candidate; empty when a metric in it has no value
 * @param rows    rows per variant in the window, and of other variants
 * @param window  the time window the rows were taken from
 * @param labels  the late labels' coverage, when the spec has {@code data.labels} (left out of the JSON otherwise)
 * @param split   the stage's split check, when it has one and it applies
 */
public record Evaluation(String rollout, String stage, Instant at, Decision decision, OptionalDouble score,
                         ScoreFormula normalizeBy, Thresholds thresholds, List<String> reasons,
                         List<MetricResult> metrics, Rows rows, WindowBounds window, List<Provenance> inputs,
                         Rules rules, @JsonInclude(JsonInclude.Include.NON_ABSENT) Optional<LabelCoverage> labels,
                         Optional<SplitResult> split) {

    public Evaluation {
        reasons = List.copyOf(reasons);
        metrics = List.copyOf(metrics);
        inputs = List.copyOf(inputs);
        labels = labels == null ? Optional.empty() : labels;
        // Histories written before split checks have none.
        split = split == null ? Optional.empty() : split;
    }

    /** An evaluation whose decision is the rules' own, as one without rollbackAfter has, of exports that hold their labels. */
    public Evaluation(String rollout, String stage, Instant at, Decision decision, OptionalDouble score,
                      ScoreFormula normalizeBy, Thresholds thresholds, List<String> reasons,
                      List<MetricResult> metrics, Rows rows, WindowBounds window, List<Provenance> inputs) {
        this(rollout, stage, at, decision, score, normalizeBy, thresholds, reasons, metrics, rows, window, inputs,
                new Rules(decision, false), Optional.empty(), Optional.empty());
    }

    /**
     * What the rules of one evaluation decided, before the stage's {@code rollbackAfter} counted
     * it: {@code decision} is then the one that counts.
     *
     * @param immediate the ROLLBACK does not wait for rollbackAfter: a failed critical gate with
     *                  {@code immediate: true}, or the stage's deadline
     */
    public record Rules(Decision decision, boolean immediate) {
    }

    /** This evaluation deciding {@code decided} instead, with {@code reason} said first. */
    public Evaluation decided(Decision decided, String reason) {
        List<String> all = new java.util.ArrayList<>();
        all.add(reason);
        all.addAll(reasons);
        return new Evaluation(rollout, stage, at, decided, score, normalizeBy, thresholds, all, metrics, rows, window, inputs,
                rules, labels, split);
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
     * @param slices   the metric per slice, worst first, when {@code slices} names it; their failures are in {@code gate}
     *                 (left out of the JSON for a metric without slices, so histories of specs without slices keep their bytes)
     * @param maxGap   the candidate's spread over the judged slices, when {@code slices.maxGap} limits it
     * @param drift    a drift metric's test, value, p-value (ks) and bins (psi, js)
     * @param agreement an agreement metric's pairs, unmatched requests per variant, and rate
     */
    public record MetricResult(String name, String source, double weight, String direction, boolean advisory,
                               OptionalDouble baseline, OptionalDouble candidate, OptionalDouble delta,
                               OptionalDouble p, Samples samples, GateResult gate, List<String> notes,
                               Optional<CompareResult> compare, Optional<String> positive,
                               @JsonInclude(JsonInclude.Include.NON_EMPTY) List<SliceResult> slices,
                               @JsonInclude(JsonInclude.Include.NON_ABSENT) Optional<GapResult> maxGap,
                               Optional<DriftResult> drift, Optional<AgreementResult> agreement) {
        public MetricResult {
            notes = List.copyOf(notes);
            // Histories written before slices (issue 17) have neither; nor, before drift and agreement, those.
            slices = slices == null ? List.of() : List.copyOf(slices);
            maxGap = maxGap == null ? Optional.empty() : maxGap;
            drift = drift == null ? Optional.empty() : drift;
            agreement = agreement == null ? Optional.empty() : agreement;
        }
    }

    /**
     * One slice of a metric. A slice with fewer than {@code slices.minRows} rows in a variant is
     * reported, not judged: {@code judged} is false and it has no gate.
     *
     * @param rows      rows of each variant in the slice
     * @param samples   values (or label pairs) that went into each variant's value
     * @param pAdjusted the comparison's p-value after Holm's adjustment across the metric's judged slices
     */
    public record SliceResult(String key, Map<String, String> values, OptionalDouble baseline, OptionalDouble candidate,
                              OptionalDouble delta, Samples rows, Samples samples, boolean judged,
                              Optional<GateResult> gate, Optional<CompareResult> compare, OptionalDouble pAdjusted,
                              List<String> notes) {
        public SliceResult {
            values = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(values));
            notes = List.copyOf(notes);
        }
    }

    /**
     * {@code slices.maxGap}: the candidate's best judged slice minus its worst.
     *
     * @param best  the key of the slice with the best value
     * @param worst the key of the slice with the worst value
     */
    public record GapResult(double gap, double max, String best, double bestValue, String worst, double worstValue,
                            boolean passed) {
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
