package dev.rollout.metrics;

import dev.rollout.spec.Aggregate;

import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The values of one column for one variant, reduced as the aggregate needs: running sums
 * (compensated, so a long column's mean does not drift), min, max, Welford's variance, the
 * newest value, and only for median and percentiles the values themselves, in a primitive array.
 */
final class ColumnValues implements Accumulator {

    private final Aggregate aggregate;
    private final boolean keepValues;
    private double[] values;
    private long count;
    private long missing;
    private double sum;
    private double compensation;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private double mean;
    private double m2;
    private double last = Double.NaN;
    private long lastTime = Long.MIN_VALUE;

    ColumnValues(Aggregate aggregate, boolean keepForRanks) {
        this.aggregate = aggregate;
        this.keepValues = keepForRanks || aggregate.kind() == Aggregate.Kind.MEDIAN || aggregate.kind() == Aggregate.Kind.PERCENTILE;
        this.values = keepValues ? new double[1024] : null;
    }

    boolean wantsTruthy() {
        return aggregate.kind() == Aggregate.Kind.RATE;
    }

    void missing() {
        missing++;
    }

    /** Adds a value; {@code time} orders rows for {@code last} (the row's epoch nanos, or its read order). */
    void add(double v, long time) {
        if (keepValues) {
            if (count == values.length) {
                values = Arrays.copyOf(values, values.length * 2);
            }
            values[(int) count] = v;
        }
        count++;
        // Neumaier's compensated summation.
        double t = sum + v;
        compensation += Math.abs(sum) >= Math.abs(v) ? (sum - t) + v : (v - t) + sum;
        sum = t;
        min = Math.min(min, v);
        max = Math.max(max, v);
        double delta = v - mean;
        mean += delta / count;
        m2 += delta * (v - mean);
        if (time >= lastTime) {
            lastTime = time;
            last = v;
        }
    }

    /** The per-row values as a comparison needs them; the values only when {@code withValues}. */
    Sample sample(boolean withValues) {
        if (count == 0) {
            return Sample.EMPTY;
        }
        double variance = count < 2 ? 0 : m2 / (count - 1);
        double[] kept = withValues ? Arrays.copyOf(values, (int) count) : new double[0];
        return new Sample(count, (sum + compensation) / count, variance, kept);
    }

    @Override
    public Result result(String variant) {
        if (aggregate.kind() == Aggregate.Kind.COUNT) {
            return new Result(OptionalDouble.of(count), count, missing, List.of());
        }
        if (count == 0) {
            return new Result(OptionalDouble.empty(), 0, missing, List.of("no " + variant + " values in the window"
                    + (missing > 0 ? " (" + missing + " empty or NaN cells)" : "")));
        }
        double total = sum + compensation;
        int n = (int) Math.min(count, Integer.MAX_VALUE);
        double v = switch (aggregate.kind()) {
            case MEAN, RATE -> total / count;
            case SUM -> total;
            case MIN -> min;
            case MAX -> max;
            case MEDIAN -> Percentiles.median(values, n);
            case PERCENTILE -> Percentiles.percentile(values, n, aggregate.percentile());
            case STDDEV -> count < 2 ? Double.NaN : Math.sqrt(m2 / (count - 1));
            case LAST -> last;
            case COUNT -> count;
        };
        if (Double.isNaN(v)) {
            return new Result(OptionalDouble.empty(), count, missing, List.of("stddev needs at least 2 " + variant + " values"));
        }
        return new Result(OptionalDouble.of(v), count, missing, List.of());
    }
}
