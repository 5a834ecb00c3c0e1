package dev.rollout.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rollout.spec.RolloutSpec;
import dev.rollout.spec.SpecLoader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every metric equals what scikit-learn 1.2.1 and numpy 1.24.2 compute on the same file:
 * src/test/resources/reference/generate.py made predictions.csv and expected.json.
 * The tolerance is 1e-12 relative: sums are compensated here and pairwise in numpy, so the
 * last bit can differ; classification ratios and order statistics are compared the same way.
 */
class ScikitLearnEqualityTest {

    static final Path DIR = Path.of("src/test/resources/reference");

    /** metric name in the spec -> key in expected.json. */
    static final Map<String, String> METRICS = new java.util.LinkedHashMap<>();
    static final StringBuilder YAML = new StringBuilder("""
            version: 1
            name: reference
            model: {baseline: "41", candidate: "42"}
            stages: [{name: s, traffic: 5}]
            data: {timestamp: ts, variant: {column: model_version}}
            metrics:
            """);

    static void metric(String key, String yaml) {
        METRICS.put(key.replace('.', '_'), key);
        YAML.append("  - {name: ").append(key.replace('.', '_')).append(", weight: 0, ").append(yaml).append("}\n");
    }

    static {
        metric("accuracy", "classification: {actual: y_true, predicted: y_pred, metric: accuracy}");
        metric("accuracy_animal", "classification: {actual: animal, predicted: animal_pred, metric: accuracy}");
        for (String m : List.of("precision", "recall", "f1")) {
            metric(m + "_binary", "classification: {actual: y_true, predicted: y_pred, metric: " + m + ", average: binary}");
            for (String avg : List.of("micro", "macro", "weighted")) {
                metric(m + "_" + avg, "classification: {actual: animal, predicted: animal_pred, metric: " + m + ", average: " + avg + "}");
            }
        }
        metric("auc", "classification: {actual: y_true, score: score, metric: auc}");
        for (String m : List.of("mae", "rmse", "mape")) {
            metric(m, "regression: {actual: actual, predicted: predicted, metric: " + m + "}");
        }
        for (String a : List.of("count", "mean", "sum", "min", "max", "median", "stddev", "last", "p50", "p90", "p95", "p99", "p99.9")) {
            metric("latency_" + a, "column: latency_ms, aggregate: " + a);
        }
        metric("error_rate", "column: is_error, aggregate: rate");
        YAML.append("  - {name: score_in, weight: 1, column: y_true}\n");
    }

    @ParameterizedTest(name = "window {0}")
    @ValueSource(strings = {"all", "since_noon"})
    void everyMetricEqualsScikitLearnAndNumpy(String window) throws Exception {
        RolloutSpec spec = SpecLoader.parse("reference.yaml", YAML.toString().getBytes(StandardCharsets.UTF_8));
        Window w = window.equals("all") ? Window.ALL
                : new Window(Optional.of(Instant.parse("2026-03-01T12:00:00Z")), Optional.empty());
        MetricsReport report = MetricsReader.read(spec, List.of(DIR.resolve("predictions.csv")), w);
        JsonNode expected = new ObjectMapper().readTree(DIR.resolve("expected.json").toFile()).get(window);
        assertEquals(expected.get("baseline").get("rows").asLong(), report.baselineRows());
        assertEquals(expected.get("candidate").get("rows").asLong(), report.candidateRows());
        List<String> checked = new ArrayList<>();
        for (Map.Entry<String, String> e : METRICS.entrySet()) {
            Measurement m = report.measurement(e.getKey()).orElseThrow();
            for (String variant : List.of("baseline", "candidate")) {
                double want = expected.get(variant).get(e.getValue()).asDouble();
                double got = (variant.equals("baseline") ? m.baseline() : m.candidate()).orElseThrow();
                assertEquals(want, got, Math.abs(want) * 1e-12, e.getKey() + " " + variant + " (" + window + ")");
                checked.add(e.getKey());
            }
        }
        Measurement latency = report.measurement("latency_mean").orElseThrow();
        assertEquals(expected.get("candidate").get("latency_missing").asLong(), latency.candidateMissing(),
                "empty and NaN cells are missing values, counted, never zeros");
        assertEquals(expected.get("candidate").get("latency_count").asLong(), latency.candidateSamples());
        assertTrue(checked.size() >= 60, "checked " + checked.size());
    }
}
