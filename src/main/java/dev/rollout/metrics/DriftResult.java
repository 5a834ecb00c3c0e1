package dev.rollout.metrics;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * How far the candidate's distribution of a column is from the baseline's.
 *
 * @param test   psi, ks or js
 * @param value  the drift: PSI, the KS statistic D, or the Jensen–Shannon distance
 * @param pValue the KS test's p-value (scipy's {@code ks_2samp}, default method); empty for psi and js
 * @param bins   the bins psi and js compare, in order; empty for ks
 */
public record DriftResult(String test, double value, OptionalDouble pValue, List<Bin> bins) {
    public DriftResult {
        pValue = pValue == null ? OptionalDouble.empty() : pValue;
        bins = bins == null ? List.of() : List.copyOf(bins);
    }

    /**
     * One bin: a label, or the numbers in [lower, upper) (an empty bound is open), with each variant's
     * rows in it and their share of the variant's rows (before PSI's floor of 1e-4).
     */
    public record Bin(Optional<String> label, OptionalDouble lower, OptionalDouble upper, long baselineRows,
                      long candidateRows, double baselineShare, double candidateShare) {
        public Bin {
            label = label == null ? Optional.empty() : label;
            lower = lower == null ? OptionalDouble.empty() : lower;
            upper = upper == null ? OptionalDouble.empty() : upper;
        }
    }
}
