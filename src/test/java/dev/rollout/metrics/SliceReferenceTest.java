package dev.rollout.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rollout.spec.RolloutSpec;
import dev.rollout.spec.SpecLoader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * brier, log_loss and ece equal scikit-learn 1.2's {@code brier_score_loss} and {@code log_loss}
 * and numpy's binned ECE, overall and per slice, where the slices are pandas' groupby over
 * region and device. slices.csv and slices.json in src/test/resources/reference were written
 * by slices.py there ({@code /usr/bin/python3 src/test/resources/reference/slices.py}).
 */
class SliceReferenceTest {

    static final Path DIR = Path.of("src/test/resources/reference");
    static final double TOLERANCE = 1e-12;
    static final List<String> METRICS = List.of("accuracy", "recall", "latency_p95", "brier", "log_loss", "ece");

    static JsonNode expected;
    static RolloutSpec spec;

    @BeforeAll
    static void load() throws Exception {
        expected = new ObjectMapper().readTree(DIR.resolve("slices.json").toFile());
        spec = SpecLoader.load(DIR.resolve("slices.yaml"));
    }

    static MetricsReport read(long chunk) {
        return MetricsReader.read(spec, List.of(DIR.resolve("slices.csv")), Window.ALL, new Reading(3, chunk, Reading.Progress.NONE));
    }

    static void check(JsonNode want, String metric, OptionalDouble got, long samples, String what) {
        JsonNode w = want.get(metric);
        assertTrue(got.isPresent(), what + ": no value");
        double v = w.get("value").asDouble();
        assertEquals(v, got.getAsDouble(), Math.max(Math.abs(v), 1e-3) * TOLERANCE, what);
        assertEquals(w.get("samples").asLong(), samples, what + " samples");
    }

    @ParameterizedTest(name = "chunk {0}")
    @ValueSource(longs = {0, 8192})
    void overallValuesEqualScikitLearn(long chunk) {
        MetricsReport report = read(chunk);
        for (String metric : METRICS) {
            Measurement m = report.measurement(metric).orElseThrow();
            check(expected.get("overall").get("v1"), metric, m.baseline(), m.baselineSamples(), metric + " baseline");
            check(expected.get("overall").get("v2"), metric, m.candidate(), m.candidateSamples(), metric + " candidate");
        }
    }

    @ParameterizedTest(name = "chunk {0}")
    @ValueSource(longs = {0, 8192})
    void everySliceEqualsPandasGroupbyAndScikitLearn(long chunk) {
        MetricsReport report = read(chunk);
        JsonNode slices = expected.get("slices");
        for (String metric : METRICS) {
            Measurement m = report.measurement(metric).orElseThrow();
            assertEquals(slices.size(), m.slices().size(), metric + ": one slice per region and device seen");
            for (Slice slice : m.slices()) {
                JsonNode want = slices.get(slice.key());
                assertTrue(want != null, "no reference for slice " + slice.key());
                String what = metric + " in " + slice.key();
                assertEquals(want.get("v1").get("rows").asLong(), slice.baselineRows(), what + " baseline rows");
                assertEquals(want.get("v2").get("rows").asLong(), slice.candidateRows(), what + " candidate rows");
                Measurement sm = slice.measurement();
                check(want.get("v1"), metric, sm.baseline(), sm.baselineSamples(), what + " baseline");
                check(want.get("v2"), metric, sm.candidate(), sm.candidateSamples(), what + " candidate");
            }
        }
    }
}
