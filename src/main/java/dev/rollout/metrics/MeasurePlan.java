package dev.rollout.metrics;

import dev.rollout.RolloutException;
import dev.rollout.RolloutException.Location;
import dev.rollout.spec.Aggregate;
import dev.rollout.spec.CompareSpec;
import dev.rollout.spec.DataSpec;
import dev.rollout.spec.MetricSource;
import dev.rollout.spec.MetricSpec;
import dev.rollout.spec.RolloutSpec;
import dev.rollout.spec.SliceSpec;

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
        REGRESSION,
        /** A label column and a score column in [0, 1], for brier, log_loss and ece. */
        PROBABILITIES,
        /** One column of labels, counted per label (a label column's drift). */
        LABEL_COUNTS,
        /** A request key and a label column, per request (agreement of labels). */
        KEYED_LABELS,
        /** A request key and a number column, per request (agreement of scores). */
        KEYED_SCORES
    }

    /**
     * One shared input.
     *
     * @param columns      the columns it reads, in the order the accumulator takes them
     * @param keepValues   a median, a percentile or Mann–Whitney needs every value, not only sums
     * @param keepVariance stddev or a comparison needs the running variance
     * @param keepNewest   {@code last} needs the newest value, by each row's time
     */
    public record Input(Kind kind, List<String> columns, boolean keepValues, boolean keepVariance, boolean keepNewest) {
        public Input {
            columns = List.copyOf(columns);
        }

        /** A new, empty accumulator for one cohort's rows of this input. */
        Accumulator accumulator() {
            return switch (kind) {
                case NUMBER, TRUTHY -> new ColumnStats(kind == Kind.TRUTHY, keepValues, keepVariance, keepNewest);
                case LABELS -> new ConfusionMatrix();
                case SCORES -> new ScoresByLabel(false);
                case REGRESSION -> new RegressionErrors();
                case PROBABILITIES -> new ScoresByLabel(true);
                case LABEL_COUNTS -> new LabelCounts();
                case KEYED_LABELS, KEYED_SCORES -> new KeyedOutputs(kind == Kind.KEYED_SCORES);
            };
        }
    }

    /**
     * What makes two metrics' inputs the same; {@code joined}: its first column is the key of a late label.
     * equals and hashCode are written out: a record's own are linked at their first call by a bootstrap
     * method that spins some forty method-handle classes, about 40 ms before the first row is read.
     */
    private record Key(Kind kind, List<String> columns, boolean joined) {
        Key(Kind kind, List<String> columns) {
            this(kind, columns, false);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && kind == k.kind && joined == k.joined && columns.equals(k.columns);
        }

        @Override
        public int hashCode() {
            return (kind.hashCode() * 31 + columns.hashCode()) * 31 + Boolean.hashCode(joined);
        }
    }

    /**
     * Slices a variant may have: each keeps an accumulator per sliced input, so a column of
     * request ids named in {@code slices.by} must fail clearly rather than fill the memory.
     */
    public static final int MAX_SLICES = 1000;

    private final RolloutSpec spec;
    private final List<Input> inputs;
    /** The index in {@link #inputs} of each metric's input, in the spec's order. */
    private final int[] byMetric;
    /** Per input, whether a metric computed per slice reads it. */
    private final boolean[] sliced;
    private final Optional<LabelJoin> join;
    /** Per input, whether it reads a late label: its first column is then the key the label is found by. */
    private final boolean[] joined;

    private MeasurePlan(RolloutSpec spec, List<Input> inputs, int[] byMetric, Optional<LabelJoin> join, boolean[] joined) {
        this.spec = spec;
        this.inputs = inputs;
        this.byMetric = byMetric;
        this.join = join;
        this.joined = joined;
        this.sliced = new boolean[inputs.size()];
        spec.slices().ifPresent(s -> {
            for (int i = 0; i < byMetric.length; i++) {
                sliced[byMetric[i]] |= s.slices(spec.metrics().get(i).name());
            }
        });
    }

    /** The plan for every metric of {@code spec}, whose exports hold their labels. */
    public static MeasurePlan of(RolloutSpec spec) {
        return of(spec, Optional.empty());
    }

    /**
     * The plan for every metric of {@code spec}; with {@code join}, the metrics whose actual
     * column is {@code data.labels.actual} read it from the late labels, found by the key column.
     */
    public static MeasurePlan of(RolloutSpec spec, Optional<LabelJoin> join) {
        boolean longFormat = spec.data().format() == DataSpec.Format.LONG;
        Set<Key> keepValues = new HashSet<>();
        Set<Key> keepVariance = new HashSet<>();
        Set<Key> keepNewest = new HashSet<>();
        List<Key> keys = new ArrayList<>();
        for (MetricSpec m : spec.metrics()) {
            Key key = key(m, longFormat, join.map(j -> j.spec().actual()), join.map(j -> j.spec().key()));
            keys.add(key);
            if (key == null) {
                continue;
            }
            Optional<Aggregate.Kind> aggregate = aggregate(m.source());
            // A numeric drift bins by the baseline's quantiles, or ranks every value (ks).
            boolean numericDrift = m.source().match(a -> false, c -> false, r -> false, p -> false, d -> !d.labels(), g -> false);
            if (numericDrift || aggregate.filter(a -> a == Aggregate.Kind.MEDIAN || a == Aggregate.Kind.PERCENTILE).isPresent()) {
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
            if (aggregate.filter(a -> a == Aggregate.Kind.LAST).isPresent()) {
                keepNewest.add(key);
            }
        }
        Map<Key, Integer> shared = new LinkedHashMap<>();
        List<Input> inputs = new ArrayList<>();
        List<Boolean> joined = new ArrayList<>();
        int[] byMetric = new int[keys.size()];
        for (int i = 0; i < keys.size(); i++) {
            if (keys.get(i) == null) {
                byMetric[i] = NO_INPUT;
                continue;
            }
            byMetric[i] = shared.computeIfAbsent(keys.get(i), k -> {
                inputs.add(new Input(k.kind(), k.columns(), keepValues.contains(k), keepVariance.contains(k), keepNewest.contains(k)));
                joined.add(k.joined());
                return inputs.size() - 1;
            });
        }
        boolean[] joins = new boolean[joined.size()];
        for (int i = 0; i < joins.length; i++) {
            joins[i] = joined.get(i);
        }
        return new MeasurePlan(spec, List.copyOf(inputs), byMetric, join, joins);
    }

    /** The input a metric reads from rows; null for a metric that has no rows (a Prometheus query). */
    private static Key key(MetricSpec m, boolean longFormat, Optional<String> lateActual, Optional<String> labelKey) {
        MetricSource s = m.source();
        if (s.kind() == MetricSource.Kind.PROMETHEUS) {
            return null;
        }
        if (longFormat && s.kind() != MetricSource.Kind.COLUMN_AGGREGATE) {
            // A long export has one value per row; a label pair or an actual/predicted pair needs two cells of one row.
            throw RolloutException.input(Location.of(null, 0, 0, "metric " + m.name()),
                    "classification and regression metrics need a wide export (one column per field), but data.format is long");
        }
        Key key = s.match(
                a -> new Key(a.aggregate().kind() == Aggregate.Kind.RATE ? Kind.TRUTHY : Kind.NUMBER, List.of(a.column())),
                c -> c.metric() == MetricSource.ClassificationMetric.AUC
                        ? new Key(Kind.SCORES, List.of(c.actual(), c.score()))
                        : c.metric().calibration() ? new Key(Kind.PROBABILITIES, List.of(c.actual(), c.score()))
                        : new Key(Kind.LABELS, List.of(c.actual(), c.predicted())),
                r -> new Key(Kind.REGRESSION, List.of(r.actual(), r.predicted())),
                p -> null,
                d -> new Key(d.labels() ? Kind.LABEL_COUNTS : Kind.NUMBER, List.of(d.column())),
                g -> new Key(g.scores() ? Kind.KEYED_SCORES : Kind.KEYED_LABELS, List.of(g.key(), g.compared())));
        Optional<String> actual = s.match(a -> Optional.empty(), c -> Optional.of(c.actual()), r -> Optional.of(r.actual()),
                p -> Optional.empty(), d -> Optional.empty(), g -> Optional.empty());
        if (actual.isPresent() && actual.equals(lateActual)) {
            // The label comes from the late labels, found by the prediction's key: the row's key cell stands in for it.
            return new Key(key.kind(), List.of(labelKey.orElseThrow(), key.columns().get(1)), true);
        }
        return key;
    }

    /** The aggregate of a column metric; empty for the others. */
    private static Optional<Aggregate.Kind> aggregate(MetricSource s) {
        return s.match(a -> Optional.of(a.aggregate().kind()), c -> Optional.empty(), r -> Optional.empty(),
                p -> Optional.empty(), d -> Optional.empty(), g -> Optional.empty());
    }

    /** The spec measured: its data block says how rows are shaped, its metrics what to compute. */
    /** The plan of the same spec for {@code subset} of its metrics, with the same late labels: what one source measures. */
    public MeasurePlan forMetrics(List<MetricSpec> subset) {
        return of(spec.withMetrics(subset), join);
    }

    public RolloutSpec spec() {
        return spec;
    }

    /** The shared inputs, each once. */
    public List<Input> inputs() {
        return inputs;
    }

    /** {@link #inputOf} of a metric that is not computed from rows: a Prometheus query. */
    public static final int NO_INPUT = -1;

    /**
     * The index in {@link #inputs()} of the input of the spec's {@code metric}-th metric, or
     * {@link #NO_INPUT}; a row source never measures such a metric ({@link Sources} gives it to its own source).
     */
    public int inputOf(int metric) {
        return byMetric[metric];
    }

    /** The columns whose values make a slice ({@code slices.by}); empty when the spec has no slices. */
    public List<String> sliceBy() {
        return spec.slices().map(SliceSpec::by).orElse(List.of());
    }

    /** Whether the spec's {@code metric}-th metric is also computed per slice. */
    public boolean sliced(int metric) {
        return spec.slices().filter(s -> s.slices(spec.metrics().get(metric).name())).isPresent();
    }

    /** Whether input {@code input} is read by a metric computed per slice. */
    boolean slicedInput(int input) {
        return sliced[input];
    }

    /** The late labels this plan joins to the predictions; empty when the exports hold their labels. */
    public Optional<LabelJoin> join() {
        return join;
    }

    /** Whether input {@code input} reads a late label (its first column is then the key it is found by). */
    public boolean joined(int input) {
        return joined[input];
    }

    /** The first input that reads a late label, whose rows count the coverage; -1 for none. */
    int coverageInput() {
        for (int i = 0; i < joined.length; i++) {
            if (joined[i]) {
                return i;
            }
        }
        return -1;
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
        return inputs.get(input).keepNewest();
    }
}
