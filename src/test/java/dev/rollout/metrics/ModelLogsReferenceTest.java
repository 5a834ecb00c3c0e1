package dev.rollout.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rollout.spec.RolloutSpec;
import dev.rollout.spec.SpecLoader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Prediction logs of real models trained on scikit-learn's bundled data sets, written the way
 * pandas and monitoring jobs write them (BOM + CRLF, quoted, gzipped, ';', long, string and
 * numeric-looking labels, NaN cells, ties, three versions in one file), read with the specs
 * beside them: every value equals scikit-learn's or numpy's to 1e-9, in one pass and in
 * 1 KiB chunks on three threads. The files, specs and expected.json in
 * src/test/resources/reference/models were written by generate.py there.
 */
class ModelLogsReferenceTest {

    static final Path DIR = Path.of("src/test/resources/reference/models");
    static final double TOLERANCE = 1e-9;

    static JsonNode expected;

    @BeforeAll
    static void load() throws Exception {
        expected = new ObjectMapper().readTree(DIR.resolve("expected.json").toFile());
    }

    /** Counts the files read in chunks. */
    static final class Chunked implements Reading.Progress {
        final Map<String, Integer> chunks = new HashMap<>();
        String current;

        @Override
        public void start(String file, long bytes) {
            current = file;
        }

        @Override
        public void at(long bytesRead) {
        }

        @Override
        public void chunked(int n) {
            chunks.put(Path.of(current).getFileName().toString(), n);
        }

        @Override
        public void end() {
        }
    }

    @ParameterizedTest(name = "{0}, chunk {1}")
    @CsvSource({"iris, 0", "iris, 1024", "breast_cancer, 0", "breast_cancer, 1024", "wine, 0", "wine, 1024",
            "digits, 0", "digits, 1024", "diabetes, 0", "diabetes, 1024", "linnerud, 0", "linnerud, 1024"})
    void everyValueEqualsScikitLearnAndNumpyOnRealModelsLogs(String name, long chunk) {
        JsonNode c = expected.get("cases").get(name);
        RolloutSpec spec = SpecLoader.load(DIR.resolve(c.get("spec").asText()));
        List<Path> files = new ArrayList<>();
        c.get("files").forEach(f -> files.add(DIR.resolve(f.asText())));
        Chunked progress = new Chunked();
        MetricsReport report = MetricsReader.read(spec, files, Window.ALL, new Reading(3, chunk, progress));
        if (chunk > 0) {
            for (Path f : files) {
                // Quoted files are read in one pass whatever the setting; every other one here is cut, gzipped ones included.
                boolean onePass = f.getFileName().toString().equals("breast_cancer.csv");
                assertEquals(!onePass, progress.chunks.getOrDefault(f.getFileName().toString(), 0) > 1, f + " chunked");
            }
        }
        List<String> wrong = new ArrayList<>();
        int values = 0;
        check(wrong, "baseline rows", c.get("baseline").get("rows").asLong(), report.baselineRows());
        check(wrong, "candidate rows", c.get("candidate").get("rows").asLong(), report.candidateRows());
        check(wrong, "other rows", c.get("other").asLong(), report.otherRows());
        for (String variant : List.of("baseline", "candidate")) {
            for (Iterator<Map.Entry<String, JsonNode>> it = c.get(variant).get("metrics").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String what = name + " " + e.getKey() + " " + variant;
                Measurement m = report.measurement(e.getKey()).orElseThrow(() -> new AssertionError("no metric " + what));
                JsonNode want = e.getValue();
                var got = variant.equals("baseline") ? m.baseline() : m.candidate();
                values++;
                if (want.get("value").isNull()) {
                    if (got.isPresent() || m.notes().isEmpty()) {
                        wrong.add(what + ": expected no value and a note, got " + got + " " + m.notes());
                    }
                } else {
                    double v = want.get("value").asDouble();
                    if (got.isEmpty() || !(Math.abs(got.getAsDouble() - v) <= TOLERANCE * Math.max(1, Math.abs(v)))) {
                        wrong.add(what + ": expected " + v + ", got " + got + " " + m.notes());
                    }
                }
                check(wrong, what + " samples", want.get("samples").asLong(),
                        variant.equals("baseline") ? m.baselineSamples() : m.candidateSamples());
                check(wrong, what + " missing", want.get("missing").asLong(),
                        variant.equals("baseline") ? m.baselineMissing() : m.candidateMissing());
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = c.get("positive").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String got = report.measurement(e.getKey()).orElseThrow().positive().orElse(null);
            if (!numericallyEqual(e.getValue().asText(), got)) {
                wrong.add(name + " " + e.getKey() + " positive: expected " + e.getValue().asText() + ", got " + got);
            }
        }
        System.out.println("reference " + name + " chunk " + chunk + ": " + (values - countValues(wrong)) + " of " + values
                + " values equal scikit-learn/numpy to 1e-9");
        assertTrue(wrong.isEmpty(), wrong.size() + " differences:\n" + String.join("\n", wrong));
    }

    private static long countValues(List<String> wrong) {
        return wrong.stream().filter(w -> w.contains(": expected") && !w.contains(" samples:") && !w.contains(" missing:")
                && !w.contains(" positive:") && !w.contains(" rows:")).count();
    }

    private static void check(List<String> wrong, String what, long want, long got) {
        if (want != got) {
            wrong.add(what + ": expected " + want + ", got " + got);
        }
    }

    /** pandas writes a numeric label as 1 or 1.0: the same label. */
    private static boolean numericallyEqual(String want, String got) {
        if (want.equals(got)) {
            return true;
        }
        try {
            return got != null && Double.parseDouble(want) == Double.parseDouble(got);
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
