package dev.rollout.metrics;

import dev.rollout.RolloutException;
import dev.rollout.RolloutException.Location;
import dev.rollout.spec.Aggregate;
import dev.rollout.spec.DataSpec;
import dev.rollout.spec.MetricSource;
import dev.rollout.spec.MetricSpec;
import dev.rollout.spec.RolloutSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the spec's metrics read, deduplicated: metrics that read the same columns the same
 * way (p50, p95 and mean of one latency column; recall, precision and F1 of one label pair)
 * share one {@link Input}, so each cell is parsed once per row and each value stored once.
 */
final class MetricInputs {

    static final int BASELINE = 0;
    static final int CANDIDATE = 1;

    /**
     * One shared input: the columns it reads, an accumulator per variant, and whether some
     * export had all of its columns (wide) or named it in a row (long).
     */
    static final class Input {
        final List<String> columns;
        final Accumulator[] variants = new Accumulator[2];
        boolean found;

        Input(List<String> columns) {
            this.columns = columns;
        }
    }

    /** How an input reads its columns. */
    private enum Kind {
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

    /** What makes two metrics' inputs the same. */
    private record Key(Kind kind, List<String> columns) {
    }

    private final List<Input> inputs;
    private final List<Input> byMetric;
    private final List<MetricSpec> metrics;

    private MetricInputs(List<Input> inputs, List<Input> byMetric, List<MetricSpec> metrics) {
        this.inputs = inputs;
        this.byMetric = byMetric;
        this.metrics = metrics;
    }

    static MetricInputs of(RolloutSpec spec) {
        boolean longFormat = spec.data().format() == DataSpec.Format.LONG;
        Set<Key> keepValues = new HashSet<>();
        Set<Key> keepVariance = new HashSet<>();
        List<Key> keys = new ArrayList<>();
        for (MetricSpec m : spec.metrics()) {
            Key key = key(m, longFormat);
            keys.add(key);
            if (m.source() instanceof MetricSource.ColumnAggregate a
                    && (a.aggregate().kind() == Aggregate.Kind.MEDIAN || a.aggregate().kind() == Aggregate.Kind.PERCENTILE)) {
                keepValues.add(key);
            }
            // Mann–Whitney ranks the rows themselves; the other comparisons need only mean and variance.
            if (m.compare().filter(c -> c.test() == dev.rollout.spec.CompareSpec.Test.MANN_WHITNEY).isPresent()) {
                keepValues.add(key);
            }
            // A running variance costs a division per row: only stddev and the comparisons read it.
            if (m.compare().isPresent() || m.source() instanceof MetricSource.ColumnAggregate a
                    && a.aggregate().kind() == Aggregate.Kind.STDDEV) {
                keepVariance.add(key);
            }
        }
        Map<Key, Input> shared = new LinkedHashMap<>();
        List<Input> byMetric = new ArrayList<>();
        for (Key key : keys) {
            byMetric.add(shared.computeIfAbsent(key, k -> {
                Input input = new Input(k.columns());
                for (int v = 0; v < 2; v++) {
                    input.variants[v] = switch (k.kind()) {
                        case NUMBER, TRUTHY -> new ColumnStats(k.kind() == Kind.TRUTHY, keepValues.contains(k),
                                keepVariance.contains(k));
                        case LABELS -> new ConfusionMatrix();
                        case SCORES -> new RocAuc();
                        case REGRESSION -> new RegressionErrors();
                    };
                }
                return input;
            }));
        }
        return new MetricInputs(List.copyOf(shared.values()), byMetric, spec.metrics());
    }

    private static Key key(MetricSpec m, boolean longFormat) {
        MetricSource s = m.source();
        if (s instanceof MetricSource.ColumnAggregate a) {
            return new Key(a.aggregate().kind() == Aggregate.Kind.RATE ? Kind.TRUTHY : Kind.NUMBER, List.of(a.column()));
        }
        if (longFormat) {
            // A long export has one value per row; a label pair or an actual/predicted pair needs two cells of one row.
            throw RolloutException.input(Location.of(null, 0, 0, "metric " + m.name()),
                    "classification and regression metrics need a wide export (one column per field), but data.format is long");
        }
        if (s instanceof MetricSource.Classification c) {
            return c.metric() == MetricSource.ClassificationMetric.AUC
                    ? new Key(Kind.SCORES, List.of(c.actual(), c.score()))
                    : new Key(Kind.LABELS, List.of(c.actual(), c.predicted()));
        }
        MetricSource.Regression r = (MetricSource.Regression) s;
        return new Key(Kind.REGRESSION, List.of(r.actual(), r.predicted()));
    }

    List<Input> all() {
        return inputs;
    }

    Input of(int metricIndex) {
        return byMetric.get(metricIndex);
    }

    /** Long format: the inputs fed by rows whose metric cell is {@code name}. */
    Map<String, List<Input>> byColumnName() {
        Map<String, List<Input>> map = new LinkedHashMap<>();
        for (Input input : inputs) {
            map.computeIfAbsent(input.columns.get(0), c -> new ArrayList<>()).add(input);
        }
        return map;
    }

    /**
     * A metric whose columns no export has is a typo in the spec or the wrong file, not a
     * metric without data: say which. (A file that lacks a metric's columns is fine — exports
     * may split metrics across files.)
     */
    void requireEveryMetricFound(List<Path> files, Set<String> headerColumns, boolean longFormat, String metricColumn,
                                 long dataRows) {
        if (longFormat && dataRows == 0) {
            return;
        }
        String exports = String.join(", ", files.stream().map(Path::toString).toList());
        for (int i = 0; i < metrics.size(); i++) {
            Input input = byMetric.get(i);
            if (input.found) {
                continue;
            }
            MetricSpec m = metrics.get(i);
            Location where = Location.of(null, 0, 0, "metric " + m.name());
            if (longFormat) {
                throw RolloutException.input(where, "no row of " + exports + " has '" + Row.shown(input.columns.get(0))
                        + "' in its '" + Row.shown(metricColumn) + "' column");
            }
            List<String> absent = input.columns.stream().filter(c -> !headerColumns.contains(c)).toList();
            if (absent.isEmpty()) {
                throw RolloutException.input(where, "columns " + quotedList(input.columns)
                        + " are never in the header of the same export (" + exports + ")");
            }
            throw RolloutException.input(where, (absent.size() == 1 ? "column " : "columns ") + quotedList(absent)
                    + (absent.size() == 1 ? " is" : " are") + " not in the header of " + (files.size() == 1 ? "" : "any of ")
                    + exports);
        }
    }

    private static String quotedList(List<String> columns) {
        return String.join(" and ", columns.stream().map(Row::quoted).toList());
    }
}
