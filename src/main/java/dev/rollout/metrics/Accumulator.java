package dev.rollout.metrics;

import java.util.List;

/**
 * Collects what one kind of metric needs from the rows of one variant, row by row, in
 * memory that does not grow with the rows (except the values exact percentiles and AUC
 * need, in primitive arrays). Metrics that read the same columns the same way share one.
 */
interface Accumulator {

    /** Takes the cells at {@code columns} of the current row. */
    void accept(Cells row, int[] columns);

    /**
     * Takes the cells at {@code columns} of a row that stands for {@code n} equal rows: an engine
     * that grouped the rows by these cells ({@code GROUP BY}) sends each group once with its count.
     */
    default void acceptCounted(Cells row, int[] columns, long n) {
        for (long i = 0; i < n; i++) {
            accept(row, columns);
        }
    }

    /** An empty accumulator configured like this one, for a chunk of an export read in parallel. */
    Accumulator fresh();

    /**
     * Takes in everything {@code later} accepted, as if its rows had come after this one's;
     * {@code later} (made by {@link #fresh()}) is not used again. Counts, label pairs and kept
     * values merge exactly; running sums and variances to within an ulp or two.
     */
    void merge(Accumulator later);

    /** Rows accepted, those whose cells were missing included. */
    long rows();

    /**
     * The label texts accepted, for a classification metric; its classes are decided over both variants.
     * Each accumulator's {@code value} takes what its kind of metric needs (see {@code Tally.value}).
     */
    default List<String> labels() {
        return List.of();
    }
}
