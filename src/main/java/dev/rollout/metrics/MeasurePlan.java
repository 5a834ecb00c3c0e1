package dev.rollout.metrics;

import dev.rollout.RolloutException;
import dev.rollout.RolloutException.Location;
import dev.rollout.spec.Aggregate;
import dev.rollout.spec.CompareSpec;
import dev.rollout.spec.DataSpec;
import dev.rollout.spec.MetricSource;
import dev.rollout.spec.MetricSpec;
import dev.rollout.spec.RolloutSpec;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a spec's metrics need from the rows, deduplicated: metrics that read the same columns
 * the same way (p50, p95 and mean of one latency column; recall, precision and F1 of one
 * label pair) share one {@link Input}, so each cell is parsed once per row and each value
 * stored once. A row source resolves each input's columns once and feeds a {@link Tally};
 * a source that computes in the engine (SQL) would compile the inputs to its query.
 */
public final class MeasurePlan {

    /** How an input reads its columns. */
    public enum Kind {
        /** One column of numbers. */
        NUMBER,
        /** One column of 1/0, true/false, yes/no ({@code rate}). */
        TRUTHY,
        /** An actual and a predicted label column. */
        LABELS,
        /** A label column and a score column, for AUC. */
        SCORES,
        /** An actual and a predicted number column. */
        REGRESSION
    }

    /**
     * One shared input.
     *
     * @param columns      the columns it reads, in the order the accumulator takes them
     * @param keepValues   a median, a percentile or Mann–Whitney needs every value, not only sums
     * @param keepVariance stddev or a comparison needs the running variance
     */
    public record Input(Kind kind, List<String> columns, boolean keepValues, boolean keepVariance) {
        public Input {
            columns = List.copyOf(columns);
        }

        /** A new, empty accumulator for one cohort's rows of this input. */
        Accumulator accumulator() {
            return switch (kind) {
                case NUMBER, TRUTHY -> new ColumnStats(kind == Kind.TRUTHY, keepValues, keepVariance);
                case LABELS -> new ConfusionMatrix();
                case SCORES -> new RocAuc();
                case REGRESSION -> new RegressionErrors();
            };
        }
    }

    /** What makes two metrics' inputs the same. */
    private record Key(Kind kind, List<String> columns) {
    }

    private final RolloutSpec spec;
    private final List<Input> inputs;
    /** The index in {@link #inputs} of each metric's input, in the spec's order. */
    private final int[] byMetric;

    private MeasurePlan(RolloutSpec spec, List<Input> inputs, int[] byMetric) {
        this.spec = spec;
        this.inputs = inputs;
        this.byMetric = byMetric;
    }

    /** The plan for every metric of {@code spec}. */
    public static MeasurePlan of(RolloutSpec spec) {
        boolean longFormat = spec.data().format() == DataSpec.Format.LONG;
        Set<Key> keepValues = new HashSet<>();
        Set<Key> keepVariance = new HashSet<>();
        List<Key> keys = new ArrayList<>();
        for (MetricSpec m : spec.metrics()) {
            Key key = key(m, longFormat);
            keys.add(key);
            Optional<Aggregate.Kind> aggregate = aggregate(m.source());
            if (aggregate.filter(a -> a == Aggregate.Kind.MEDIAN || a == Aggregate.Kind.PERCENTILE).isPresent()) {
                keepValues.add(key);
            }
            // Mann–Whitney ranks the rows themselves; the other comparisons need only mean and variance.
            if (m.compare().filter(c -> c.test() == CompareSpec.Test.MANN_WHITNEY).isPresent()) {
                keepValues.add(key);
            }
            // A running variance costs a division per row: only stddev and the comparisons read it.
            if (m.compare().isPresent() || aggregate.filter(a -> a == Aggregate.Kind.STDDEV).isPresent()) {
                keepVariance.add(key);
            }
        }
        Map<Key, Integer> shared = new LinkedHashMap<>();
        List<Input> inputs = new ArrayList<>();
        int[] byMetric = new int[keys.size()];
        for (int i = 0; i < keys.size(); i++) {
            byMetric[i] = shared.computeIfAbsent(keys.get(i), k -> {
                inputs.add(new Input(k.kind(), k.columns(), keepValues.contains(k), keepVariance.contains(k)));
                return inputs.size() - 1;
            });
        }
        return new MeasurePlan(spec, List.copyOf(inputs), byMetric);
    }

    private static Key key(MetricSpec m, boolean longFormat) {
        MetricSource s = m.source();
        if (longFormat && s.kind() != MetricSource.Kind.COLUMN_AGGREGATE) {
            // A long export has one value per row; a label pair or an actual/predicted pair needs two cells of one row.
            throw RolloutException.input(Location.of(null, 0, 0, "metric " + m.name()),
                    "classification and regression metrics need a wide export (one column per field), but data.format is long");
        }
        return s.match(
                a -> new Key(a.aggregate().kind() == Aggregate.Kind.RATE ? Kind.TRUTHY : Kind.NUMBER, List.of(a.column())),
                c -> c.metric() == MetricSource.ClassificationMetric.AUC
                        ? new Key(Kind.SCORES, List.of(c.actual(), c.score()))
                        : new Key(Kind.LABELS, List.of(c.actual(), c.predicted())),
                r -> new Key(Kind.REGRESSION, List.of(r.actual(), r.predicted())));
    }

    /** The aggregate of a column metric; empty for the others. */
    private static Optional<Aggregate.Kind> aggregate(MetricSource s) {
        return s.match(a -> Optional.of(a.aggregate().kind()), c -> Optional.empty(), r -> Optional.empty());
    }

    /** The spec measured: its data block says how rows are shaped, its metrics what to compute. */
    public RolloutSpec spec() {
        return spec;
    }

    /** The shared inputs, each once. */
    public List<Input> inputs() {
        return inputs;
    }

    /** The index in {@link #inputs()} of the input of the spec's {@code metric}-th metric. */
    public int inputOf(int metric) {
        return byMetric[metric];
    }

    /** Whose rows are measured apart: the baseline and the candidate. */
    public List<Cohort> cohorts() {
        return List.of(Cohort.BASELINE, Cohort.CANDIDATE);
    }

    /** Empty accumulators for every input and cohort, for one read (or one part of a read done in parallel). */
    public Tally tally() {
        return new Tally(this);
    }

    /**
     * Whether input {@code input} can take an engine's totals ({@link Tally.Lane#acceptTotals}):
     * a number column (not {@code rate}'s 1/0 cells) whose values are not kept and whose newest value
     * ({@code last}) no metric asks for, so count, sum, min, max and variance are all it needs.
     */
    public boolean byTotals(int input) {
        Input in = inputs.get(input);
        return in.kind() == Kind.NUMBER && !in.keepValues() && !readsNewest(input);
    }

    /** Whether a metric asks for input {@code input}'s newest value ({@code last}), which needs each row's time. */
    public boolean readsNewest(int input) {
        List<MetricSpec> metrics = spec.metrics();
        for (int i = 0; i < metrics.size(); i++) {
            if (byMetric[i] == input && aggregate(metrics.get(i).source()).filter(a -> a == Aggregate.Kind.LAST).isPresent()) {
                return true;
            }
        }
        return false;
    }
}
