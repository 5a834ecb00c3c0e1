package dev.rollout.metrics;

import dev.rollout.spec.Aggregate;
import dev.rollout.spec.DataSpec;
import dev.rollout.spec.HooksSpec;
import dev.rollout.spec.MetricSource;
import dev.rollout.spec.MetricSource.Average;
import dev.rollout.spec.MetricSource.ClassificationMetric;
import dev.rollout.spec.MetricSource.RegressionMetric;
import dev.rollout.spec.MetricSpec;
import dev.rollout.spec.ModelSpec;
import dev.rollout.spec.RolloutSpec;
import dev.rollout.spec.ScoringSpec;
import dev.rollout.spec.StageSpec;

import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds {@link RolloutSpec} records for the metrics tests directly, without the YAML loader:
 * only the parts the reader looks at (data, metrics) vary.
 */
final class Specs {

    private Optional<String> timestamp = Optional.empty();
    private Optional<DataSpec.VariantSpec> variant = Optional.empty();
    private DataSpec.Format format = DataSpec.Format.WIDE;
    private String metricColumn = "metric";
    private String valueColumn = "value";
    private char delimiter = ',';
    private List<String> missing = DataSpec.DEFAULT_MISSING;
    private final List<MetricSpec> metrics = new ArrayList<>();

    static Specs spec() {
        return new Specs();
    }

    /** The usual shape: a timestamp column {@code ts}, a variant column {@code v} with a (baseline) and b (candidate). */
    static Specs logs() {
        return spec().timestamp("ts").variant("v", "a", "b");
    }

    Specs timestamp(String column) {
        timestamp = Optional.of(column);
        return this;
    }

    Specs variant(String column, String baseline, String candidate) {
        variant = Optional.of(new DataSpec.VariantSpec(column, baseline, candidate));
        return this;
    }

    Specs longFormat(String metric, String value) {
        format = DataSpec.Format.LONG;
        metricColumn = metric;
        valueColumn = value;
        return this;
    }

    Specs delimiter(char c) {
        delimiter = c;
        return this;
    }

    Specs missing(String... words) {
        missing = List.of(words);
        return this;
    }

    /** {@code aggregate} as the spec spells it: mean, p95, p99.9, median, rate, … */
    Specs column(String name, String column, String aggregate) {
        return metric(name, new MetricSource.ColumnAggregate(column, aggregate(aggregate)));
    }

    Specs classification(String name, String actual, String predicted, ClassificationMetric metric, Average average) {
        return classification(name, actual, predicted, metric, average, "1");
    }

    Specs classification(String name, String actual, String predicted, ClassificationMetric metric, Average average,
                         String positive) {
        return metric(name, new MetricSource.Classification(actual, predicted, null, metric, average,
                Optional.ofNullable(positive)));
    }

    Specs auc(String name, String actual, String score, String positive) {
        return metric(name, new MetricSource.Classification(actual, null, score, ClassificationMetric.AUC, Average.BINARY,
                Optional.ofNullable(positive)));
    }

    Specs regression(String name, String actual, String predicted, RegressionMetric metric) {
        return metric(name, new MetricSource.Regression(actual, predicted, metric));
    }

    Specs metric(String name, MetricSource source) {
        metrics.add(record(MetricSpec.class, Map.of("name", name, "source", source, "weight", 1.0,
                "direction", MetricSpec.Direction.HIGHER)));
        return this;
    }

    static Aggregate aggregate(String text) {
        if (text.startsWith("p")) {
            return new Aggregate(Aggregate.Kind.PERCENTILE, Double.parseDouble(text.substring(1)));
        }
        Aggregate.Kind kind = Aggregate.Kind.valueOf(text.toUpperCase(java.util.Locale.ROOT));
        return new Aggregate(kind, kind == Aggregate.Kind.MEDIAN ? 50 : Double.NaN);
    }

    RolloutSpec build() {
        return record(RolloutSpec.class, Map.of(
                "version", 1,
                "name", "test",
                "model", record(ModelSpec.class, Map.of("name", "model", "baseline", "a", "candidate", "b")),
                "stages", List.of(record(StageSpec.class, Map.of("name", "canary", "traffic", 5, "minSamples", 1L,
                        "bake", Duration.ZERO))),
                "data", record(DataSpec.class, Map.of("timestamp", timestamp, "variant", variant, "format", format,
                        "metricColumn", metricColumn, "valueColumn", valueColumn, "delimiter", delimiter,
                        "missing", missing)),
                "metrics", metrics,
                "scoring", record(ScoringSpec.class, Map.of("normalizeBy", ScoringSpec.ScoreFormula.WEIGHTS,
                        "promote", 0.8, "rollback", 0.6)),
                "hooks", HooksSpec.NONE,
                "digest", "0".repeat(64)));
    }

    /**
     * A record from its components by name; the others get a neutral value (empty Optional,
     * empty collection, false, 0, null). The spec records grow fields as other parts of the
     * tool need them; the reader's tests should not break each time they do.
     */
    static <R extends Record> R record(Class<R> type, Map<String, Object> values) {
        RecordComponent[] components = type.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        Object[] args = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            args[i] = values.containsKey(components[i].getName()) ? values.get(components[i].getName())
                    : neutral(components[i].getType());
        }
        try {
            return type.getDeclaredConstructor(types).newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + type.getSimpleName(), e);
        }
    }

    private static Object neutral(Class<?> type) {
        if (type == Optional.class) {
            return Optional.empty();
        }
        if (type == java.util.OptionalDouble.class) {
            return java.util.OptionalDouble.empty();
        }
        if (type == List.class) {
            return List.of();
        }
        if (type == Map.class) {
            return Map.of();
        }
        if (type == boolean.class) {
            return false;
        }
        if (type == int.class) {
            return 0;
        }
        if (type == long.class) {
            return 0L;
        }
        if (type == double.class) {
            return 0.0;
        }
        if (type == char.class) {
            return ',';
        }
        return null;
    }
}
