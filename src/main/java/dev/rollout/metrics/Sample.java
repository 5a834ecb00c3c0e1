package dev.rollout.metrics;

/**
 * One variant's per-row values of a metric, as a comparison needs them.
 *
 * @param variance the sample variance (ddof = 1); 0 for fewer than two values
 * @param values   the values themselves, only where the test ranks them (Mann–Whitney); else empty
 */
public record Sample(long n, double mean, double variance, double[] values) {

    public static final Sample EMPTY = new Sample(0, Double.NaN, 0, new double[0]);

    /** All values of both samples equal: no test can say anything about a shift. */
    public boolean constant(Sample other) {
        return variance == 0 && other.variance == 0 && mean == other.mean;
    }
}
