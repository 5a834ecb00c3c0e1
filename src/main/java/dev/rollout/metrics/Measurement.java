package dev.rollout.metrics;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One metric's value for each variant in the window.
 *
 * @param baseline         empty when it could not be computed (no baseline rows, no data, undefined)
 * @param candidate        empty when it could not be computed
 * @param baselineSamples  values (or label pairs) that went into the baseline's value
 * @param candidateSamples values (or label pairs) that went into the candidate's value
 * @param baselineMissing  baseline rows in the window whose cell was empty or NaN
 * @param candidateMissing candidate rows in the window whose cell was empty or NaN
 * @param notes            why a value is empty, in plain words ("no candidate rows in the window")
 * @param baselineRows     the baseline's per-row values, for a comparison ({@link Sample#EMPTY} when none is asked)
 * @param candidateRows    the candidate's per-row values, likewise
 * @param positive         the positive label of a binary metric (auc, {@code average: binary}), given or chosen
 * @param slices           the metric per slice of the rows, when the spec's {@code slices} name it; else empty
 * @param drift            a drift metric's statistic, p-value and bins
 * @param agreement        an agreement metric's pairs and unmatched requests
 */
public record Measurement(String metric, OptionalDouble baseline, OptionalDouble candidate,
                          long baselineSamples, long candidateSamples,
                          long baselineMissing, long candidateMissing, List<String> notes,
                          Sample baselineRows, Sample candidateRows, Optional<String> positive, List<Slice> slices,
                          Optional<DriftResult> drift, Optional<AgreementResult> agreement) {
    public Measurement {
        notes = List.copyOf(notes);
        slices = List.copyOf(slices);
    }

    /** A measurement of every row, not per slice. */
    public Measurement(String metric, OptionalDouble baseline, OptionalDouble candidate, long baselineSamples,
                       long candidateSamples, long baselineMissing, long candidateMissing, List<String> notes,
                       Sample baselineRows, Sample candidateRows, Optional<String> positive) {
        this(metric, baseline, candidate, baselineSamples, candidateSamples, baselineMissing, candidateMissing, notes,
                baselineRows, candidateRows, positive, List.of(), Optional.empty(), Optional.empty());
    }

    /** This measurement with its values per slice. */
    public Measurement withSlices(List<Slice> perSlice) {
        return new Measurement(metric, baseline, candidate, baselineSamples, candidateSamples, baselineMissing,
                candidateMissing, notes, baselineRows, candidateRows, positive, perSlice, drift, agreement);
    }

    /** A measurement between the variants (a drift or an agreement), of every row. */
    public Measurement(String metric, OptionalDouble baseline, OptionalDouble candidate,
                       long baselineSamples, long candidateSamples, long baselineMissing, long candidateMissing,
                       List<String> notes, Sample baselineRows, Sample candidateRows, Optional<String> positive,
                       Optional<DriftResult> drift, Optional<AgreementResult> agreement) {
        this(metric, baseline, candidate, baselineSamples, candidateSamples, baselineMissing, candidateMissing, notes,
                baselineRows, candidateRows, positive, List.of(), drift, agreement);
    }

    /** A measurement with no per-row values kept (no comparison asked). */
    public Measurement(String metric, OptionalDouble baseline, OptionalDouble candidate, long baselineSamples,
                       long candidateSamples, long baselineMissing, long candidateMissing, List<String> notes) {
        this(metric, baseline, candidate, baselineSamples, candidateSamples, baselineMissing, candidateMissing, notes,
                Sample.EMPTY, Sample.EMPTY, Optional.empty());
    }
}
