package dev.rollout.spec;

import java.util.Locale;

/**
 * How a column's values in the window become one number.
 *
 * @param percentile for {@link Kind#PERCENTILE}, the percentile in 0..100 (median is 50)
 */
public record Aggregate(Kind kind, double percentile) {

    public enum Kind { MEAN, SUM, MIN, MAX, COUNT, MEDIAN, PERCENTILE, STDDEV, LAST, RATE }

    public static final Aggregate MEAN = new Aggregate(Kind.MEAN, Double.NaN);

    /** The spelling in the spec: {@code mean}, {@code p95}, {@code p99.9}. */
    public String label() {
        if (kind == Kind.PERCENTILE) {
            String p = percentile == Math.rint(percentile) ? Long.toString((long) percentile)
                    : Double.toString(percentile);
            return "p" + p;
        }
        return kind.name().toLowerCase(Locale.ROOT);
    }
}
