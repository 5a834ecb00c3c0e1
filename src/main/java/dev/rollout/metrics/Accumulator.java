package dev.rollout.metrics;

import dev.rollout.spec.MetricSpec;

/**
 * Collects what one kind of metric needs from the rows of one variant, row by row, in
 * memory that does not grow with the rows (except the values exact percentiles and AUC
 * need, in primitive arrays). Metrics that read the same columns the same way share one.
 */
interface Accumulator {

    /** Takes the cells at {@code columns} of the current row. */
    void accept(Row row, int[] columns);

    /** The value of {@code metric} over everything accepted; {@code variant} names it in notes. */
    MetricValue value(MetricSpec metric, String variant);
}
