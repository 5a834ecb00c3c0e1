package dev.rollout.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rollout.spec.MetricSource.Average;
import dev.rollout.spec.MetricSource.ClassificationMetric;
import dev.rollout.spec.MetricSource.RegressionMetric;
import dev.rollout.spec.RolloutSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every metric equals what numpy 1.24.2 and scikit-learn 1.2.1 compute from the same files.
 * The files and expected.json in src/test/resources/reference were written by generate.py
 * there; rerun it with {@code /usr/bin/python3 src/test/resources/reference/generate.py}.
 */
class ReferenceValuesTest {

    static final Path DIR = Path.of("src/test/resources/reference");
    static final List<Path> FILES = List.of(DIR.resolve("classification.csv"), DIR.resolve("regression.csv.gz"),
            DIR.resolve("serving.csv"));

    /**
     * Relative tolerance. Not exact because numpy sums pairwise over the whole array and the
     * reader sums in one streaming pass (compensated), and computes the variance with
     * Welford's update instead of numpy's two passes, and AUC as a rank statistic instead of a
     * trapezoid sum: each is correct to about 1e-15, but the last bits may differ.
     */
    static final double TOLERANCE = 1e-12;

    static JsonNode expected;
    static RolloutSpec spec;

    @BeforeAll
    static void load() throws Exception {
        expected = new ObjectMapper().readTree(DIR.resolve("expected.json").toFile());
        Specs s = Specs.spec().timestamp("ts").variant("model_version", "41", "42")
                .classification("accuracy", "y_true", "y_pred", ClassificationMetric.ACCURACY, Average.BINARY)
                .classification("accuracy_animal", "animal", "animal_pred", ClassificationMetric.ACCURACY, Average.BINARY)
                .auc("auc", "y_true", "score", "1");
        for (ClassificationMetric m : List.of(ClassificationMetric.PRECISION, ClassificationMetric.RECALL, ClassificationMetric.F1)) {
            String name = m.name().toLowerCase(Locale.ROOT);
            s.classification(name + "_binary", "y_true", "y_pred", m, Average.BINARY, "1");
            for (Average avg : List.of(Average.MICRO, Average.MACRO, Average.WEIGHTED)) {
                s.classification(name + "_" + avg.name().toLowerCase(Locale.ROOT), "animal", "animal_pred", m, avg);
            }
        }
        for (RegressionMetric m : RegressionMetric.values()) {
            s.regression(m.name().toLowerCase(Locale.ROOT), "actual", "predicted", m);
        }
        for (String a : List.of("count", "mean", "sum", "min", "max", "median", "stddev", "last",
                "p0", "p25", "p50", "p90", "p95", "p99", "p99.9", "p100")) {
            s.column("latency_" + a, "latency_ms", a);
        }
        s.column("error_rate", "is_error", "rate");
        spec = s.build();
    }

    static Window window(JsonNode w) {
        return new Window(instant(w.get("since")), instant(w.get("until")));
    }

    static Optional<Instant> instant(JsonNode n) {
        return n == null || n.isNull() ? Optional.empty() : Optional.of(Instant.parse(n.asText()));
    }

    /** One pass, and chunks of 4 KiB on three threads (classification.csv is cut; serving.csv has quotes, regression is gzipped). */
    static Reading reading(long chunk) {
        return new Reading(3, chunk, Reading.Progress.NONE);
    }

    @ParameterizedTest(name = "window {0}, chunk {1}")
    @CsvSource({"all, 0", "since, 0", "between, 0", "empty, 0", "all, 4096", "since, 4096", "between, 4096", "empty, 4096"})
    void everyMetricEqualsScikitLearnAndNumpy(String name, long chunk) {
        JsonNode w = expected.get("windows").get(name);
        MetricsReport report = MetricsReader.read(spec, FILES, window(w), reading(chunk));
        assertTrue(report.hasVariant());
        assertEquals(w.get("baseline").get("rows").asLong(), report.baselineRows(), "baseline rows");
        assertEquals(w.get("candidate").get("rows").asLong(), report.candidateRows(), "candidate rows");
        List<String> checked = new ArrayList<>();
        for (String variant : List.of("baseline", "candidate")) {
            Iterator<Map.Entry<String, JsonNode>> it = w.get(variant).get("metrics").fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                String what = e.getKey() + " " + variant + " in window " + name;
                Measurement m = report.measurement(e.getKey()).orElseThrow(() -> new AssertionError("no metric " + e.getKey()));
                JsonNode want = e.getValue();
                var got = variant.equals("baseline") ? m.baseline() : m.candidate();
                if (want.get("value").isNull()) {
                    assertTrue(got.isEmpty(), what + ": expected no value, got " + got);
                    assertTrue(!m.notes().isEmpty(), what + ": an empty value needs a note");
                } else {
                    double expectedValue = want.get("value").asDouble();
                    assertTrue(got.isPresent(), what + ": no value; notes " + m.notes());
                    assertEquals(expectedValue, got.getAsDouble(), Math.abs(expectedValue) * TOLERANCE, what);
                }
                assertEquals(want.get("samples").asLong(), variant.equals("baseline") ? m.baselineSamples() : m.candidateSamples(),
                        what + " samples");
                assertEquals(want.get("missing").asLong(), variant.equals("baseline") ? m.baselineMissing() : m.candidateMissing(),
                        what + " missing (empty and NaN cells)");
                checked.add(what);
            }
        }
        assertEquals(2 * spec.metrics().size(), checked.size(), "every metric of the spec has a reference value");
    }

    /**
     * Where the reader does what scikit-learn does operation for operation — counting label
     * pairs, per-class divisions, numpy's own summation of the per-class arrays, order
     * statistics — the values are equal to the last bit, not only to the tolerance.
     */
    @ParameterizedTest(name = "window {0}, chunk {1}")
    @CsvSource({"all, 0", "since, 0", "between, 0", "all, 4096", "since, 4096", "between, 4096"})
    void classificationMetricsAndOrderStatisticsEqualScikitLearnBitForBit(String name, long chunk) {
        JsonNode w = expected.get("windows").get(name);
        MetricsReport report = MetricsReader.read(spec, FILES, window(w), reading(chunk));
        List<String> exact = new ArrayList<>(List.of("accuracy", "accuracy_animal", "latency_min", "latency_max",
                "latency_median", "latency_last", "latency_count", "error_rate"));
        for (String m : List.of("precision", "recall", "f1")) {
            for (String a : List.of("binary", "micro", "macro", "weighted")) {
                exact.add(m + "_" + a);
            }
        }
        for (String p : List.of("p0", "p25", "p50", "p90", "p95", "p99", "p99.9", "p100")) {
            exact.add("latency_" + p);
        }
        for (String metric : exact) {
            Measurement m = report.measurement(metric).orElseThrow();
            assertEquals(w.get("baseline").get("metrics").get(metric).get("value").asDouble(), m.baseline().orElseThrow(),
                    0.0, metric + " baseline " + name);
            assertEquals(w.get("candidate").get("metrics").get(metric).get("value").asDouble(), m.candidate().orElseThrow(),
                    0.0, metric + " candidate " + name);
        }
    }

    @Test
    void inputFilesRecordDigestAndRowCounts() {
        for (String name : List.of("all", "since")) {
            MetricsReport report = MetricsReader.read(spec, FILES, window(expected.get("windows").get(name)));
            for (InputFile f : report.files()) {
                JsonNode want = expected.get("files").get(Path.of(f.path()).getFileName().toString());
                assertEquals(want.get("sha256").asText(), f.sha256(), "SHA-256 of the bytes as stored, gzip included");
                assertEquals(want.get("rows").asLong(), f.rows(), f.path());
                assertEquals(want.get("rows_in_window").get(name).asLong(), f.rowsInWindow(), f.path() + " " + name);
            }
            assertEquals(FILES.stream().map(Path::toString).toList(), report.files().stream().map(InputFile::path).toList());
        }
    }

    @Test
    void percentilesEqualNumpyLinearInterpolation() {
        for (JsonNode c : expected.get("percentiles")) {
            double[] values = sorted(c.get("values"));
            for (int i = 0; i < c.get("q").size(); i++) {
                double q = c.get("q").get(i).asDouble();
                assertEquals(c.get("linear").get(i).asDouble(), Percentiles.percentile(values, values.length, q), 0.0,
                        "np.percentile(" + c.get("values") + ", " + q + ")");
            }
        }
    }

    @Test
    void medianEqualsNumpyMedianNotPercentile50() {
        for (JsonNode c : expected.get("percentiles")) {
            double[] values = sorted(c.get("values"));
            assertEquals(c.get("median").asDouble(), Percentiles.median(values, values.length), 0.0,
                    "np.median(" + c.get("values") + ")");
        }
    }

    @Test
    void sumsEqualNumpyPairwiseSummation() {
        for (JsonNode c : expected.get("sums")) {
            double[] values = new double[c.get("values").size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = c.get("values").get(i).asDouble();
            }
            assertEquals(c.get("sum").asDouble(), NumpySum.of(values), 0.0, "np.sum of " + values.length + " values");
        }
    }

    private static double[] sorted(JsonNode array) {
        double[] values = new double[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asDouble();
        }
        java.util.Arrays.sort(values);
        return values;
    }
}
