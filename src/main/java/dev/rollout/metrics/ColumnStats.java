package dev.rollout.metrics;

import dev.rollout.spec.Aggregate;

/**
 * One column's values for one variant, reduced as its aggregates need: count, a compensated
 * sum, min, max, Welford's running variance, the newest value, and — only when a median or
 * percentile reads the column — the values themselves in a primitive array. Every aggregate
 * over the same column shares one, so a column is parsed once per row however many metrics
 * read it.
 */
final class ColumnStats implements Accumulator {

    private final boolean truthy;
    private final boolean variance;
    private final boolean newest;
    private final DoubleList values;
    private long count;
    private long missing;
    private final CompensatedSum sum = new CompensatedSum();
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private double mean;
    private double m2;
    private double last = Double.NaN;
    private long lastSeconds = Long.MIN_VALUE;
    private int lastNanos;

    /**
     * @param truthy     cells are 1/0, true/false, yes/no ({@code rate}) rather than numbers
     * @param keepValues a median or percentile needs every value
     * @param variance   stddev or a comparison needs the running variance
     * @param newest     {@code last} needs the newest value and its time
     */
    ColumnStats(boolean truthy, boolean keepValues, boolean variance, boolean newest) {
        this.truthy = truthy;
        this.values = keepValues ? new DoubleList() : null;
        this.variance = variance;
        this.newest = newest;
    }

    @Override
    public void accept(Cells row, int[] columns) {
        double v = truthy ? row.truthy(columns[0]) : row.number(columns[0]);
        if (Double.isNaN(v)) {
            missing++;
            return;
        }
        if (values != null) {
            values.add(v);
        }
        add(v, row);
    }

    /** The running figures of one value {@code v} of {@code row} (its time only for {@code last}); not the kept values. */
    private void add(double v, Cells row) {
        count++;
        sum.add(v);
        min = Math.min(min, v);
        max = Math.max(max, v);
        if (variance) {
            // Welford: a streaming variance that does not cancel catastrophically like sum-of-squares.
            double delta = v - mean;
            mean += delta / count;
            m2 += delta * (v - mean);
        }
        // ">=": of rows with the same time, the later one read wins. Only where a metric asks for it: the branch is
        // taken by a part's first row only, which the compiled row path's profile could miss, and trap there.
        if (newest) {
            long s = row.seconds();
            int ns = row.nanos();
            if (s > lastSeconds | s == lastSeconds & ns >= lastNanos) {
                lastSeconds = s;
                lastNanos = ns;
                last = v;
            }
        }
    }

    /**
     * Takes what an engine computed over {@code count} values and {@code missing} missing cells
     * ({@code count(x)}, {@code sum(x)}, {@code min}, {@code max}, {@code var_samp}), as if the
     * rows had been accepted one by one: merged like a later part of the rows. Only for a column
     * whose values are not kept and whose newest value ({@code last}) is not asked for.
     */
    void acceptTotals(long count, long missing, double sum, double min, double max, double sampleVariance) {
        if (values != null) {
            throw new IllegalStateException("this column keeps its values: they must be accepted one by one");
        }
        ColumnStats later = new ColumnStats(truthy, false, variance, false);
        later.missing = missing;
        later.count = count;
        if (count > 0) {
            later.sum.add(sum);
            later.min = min;
            later.max = max;
            later.mean = sum / count;
            later.m2 = count < 2 ? 0 : sampleVariance * (count - 1);
        }
        merge(later);
    }

    @Override
    public void acceptCounted(Cells row, int[] columns, long n) {
        if (n == 1) {
            accept(row, columns);
            return;
        }
        double v = truthy ? row.truthy(columns[0]) : row.number(columns[0]);
        if (Double.isNaN(v)) {
            missing += n;
            return;
        }
        if (values == null) {
            // n equal values: their sum, no spread; "last" is not asked of a grouped column.
            acceptTotals(n, 0, v * n, v, v, 0);
            return;
        }
        // Kept values: the value once with its count, which a percentile reads without n copies; the running figures
        // as n rows of it, one by one, so that they have the bits of the rows read from a file.
        values.add(v, n);
        for (long i = 0; i < n; i++) {
            add(v, row);
        }
    }

    @Override
    public long rows() {
        return count + missing;
    }

    @Override
    public Accumulator fresh() {
        return new ColumnStats(truthy, values != null, variance, newest);
    }

    @Override
    public void merge(Accumulator other) {
        ColumnStats later = (ColumnStats) other;
        missing += later.missing;
        if (later.count == 0) {
            return;
        }
        if (values != null) {
            values.append(later.values);
            values.warmSelection();
        }
        sum.add(later.sum);
        min = Math.min(min, later.min);
        max = Math.max(max, later.max);
        // Chan, Golub and LeVeque: the pairwise update of Welford's mean and sum of squared deviations.
        long n = count + later.count;
        double delta = later.mean - mean;
        mean += delta * ((double) later.count / n);
        m2 += later.m2 + delta * delta * ((double) count * later.count / n);
        count = n;
        if (later.lastSeconds > lastSeconds || later.lastSeconds == lastSeconds && later.lastNanos >= lastNanos) {
            lastSeconds = later.lastSeconds;
            lastNanos = later.lastNanos;
            last = later.last;
        }
    }

    /** Values kept (a drift, a median or a percentile reads the column). */
    int kept() {
        return values == null ? 0 : values.size();
    }

    /** The kept values sorted, in the first {@link #kept()} entries of the array (not a copy). */
    double[] sortedValues() {
        return values.sorted();
    }

    long missingCells() {
        return missing;
    }

    /** The per-row values as a comparison needs them: count, mean, sample variance, and the values when kept. */
    Sample sample() {
        if (count == 0) {
            return Sample.EMPTY;
        }
        double sampleVariance = count < 2 ? 0 : m2 / (count - 1);
        double[] kept = values == null ? new double[0] : java.util.Arrays.copyOf(values.sorted(), values.size());
        return new Sample(count, sum.value() / count, sampleVariance, kept);
    }

    /** The value of {@code aggregate} over everything accepted; {@code variant} names it in notes. */
    MetricValue value(Aggregate aggregate, String variant) {
        if (aggregate.kind() == Aggregate.Kind.COUNT) {
            // A count of nothing is 0, a value, not an undefined one.
            return MetricValue.of(count, count, missing);
        }
        if (count == 0) {
            return MetricValue.none(0, missing, "no " + variant + " values in the window" + MetricValue.missingSuffix(missing));
        }
        double v = switch (aggregate.kind()) {
            case MEAN, RATE -> sum.value() / count;
            case SUM -> sum.value();
            case MIN -> min;
            case MAX -> max;
            case MEDIAN -> Percentiles.median(values);
            case PERCENTILE -> Percentiles.percentile(values, aggregate.percentile());
            // numpy's std(ddof=1): the sample standard deviation.
            case STDDEV -> count < 2 ? Double.NaN : Math.sqrt(m2 / (count - 1));
            case LAST -> last;
            case COUNT -> count;
        };
        if (Double.isNaN(v)) {
            return MetricValue.none(count, missing, "stddev needs at least 2 " + variant + " values, found " + count);
        }
        return MetricValue.of(v, count, missing);
    }
}
