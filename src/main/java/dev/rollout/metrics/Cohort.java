package dev.rollout.metrics;

import java.util.Optional;

/**
 * Whose rows: a variant, and — when per-segment judgments come — a slice of its rows (a
 * region, a device). Accumulators, row counts and measurements are kept per cohort; today a
 * cohort is a variant's whole window.
 *
 * @param variant the baseline or the candidate
 * @param slice   the segment's value; empty: every row of the variant
 */
public record Cohort(Variant variant, Optional<String> slice) {

    /** The baseline's rows in the window. */
    public static final Cohort BASELINE = new Cohort(Variant.BASELINE, Optional.empty());
    /** The candidate's rows in the window (every row when the spec names no variant column). */
    public static final Cohort CANDIDATE = new Cohort(Variant.CANDIDATE, Optional.empty());

    // Written out, not the record's own: those are linked at first use by a bootstrap that spins method-handle
    // classes (see MeasurePlan.Key), and a cohort is a map key from the first row on.
    @Override
    public boolean equals(Object o) {
        return o instanceof Cohort c && variant == c.variant && slice.equals(c.slice);
    }

    @Override
    public int hashCode() {
        return variant.hashCode() * 31 + slice.hashCode();
    }

    /** The two sides of a comparison. */
    public enum Variant {
        BASELINE, CANDIDATE;

        /** As notes name it: "no baseline rows in the window". */
        public String word() {
            return this == BASELINE ? "baseline" : "candidate";
        }
    }
}
