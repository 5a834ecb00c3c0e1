package dev.rollout.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Drift (psi, ks, js), agreement and the split check equal what numpy 1.24 and scipy 1.10
 * compute from the same rows: src/test/resources/reference/outputs.py wrote outputs.json and
 * the small cases' files; the 10⁶-row case is made here by the same seeded generator, which
 * must first write the small files byte for byte.
 */
class OutputsReferenceTest {

    static final Path DIR = Path.of("src/test/resources/reference");

    static JsonNode expected;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() throws IOException {
        expected = new ObjectMapper().readTree(DIR.resolve("outputs.json").toFile()).get("cases");
    }

    /** outputs.py's generator, operation for operation: splitmix64 and integer arithmetic, no floating point. */
    static void rows(long seed, int requests, Writer out) throws IOException {
        String[] labels = {"bird", "cat", "dog", "fish"};
        boolean noisy = requests >= 10;
        out.write("request_id,variant,score,tied,label,calm\n");
        StringBuilder line = new StringBuilder();
        for (long i = 0; i < 2L * requests; i++) {
            long x = mix(seed * 1_000_003 + i);
            long y = mix(seed * 1_000_003 + 2 * (i / 2));
            boolean candidate = i % 2 == 1;
            if (noisy && Long.remainderUnsigned(x >>> 1, 100) < (candidate ? 10 : 8)) {
                candidate = !candidate;
            }
            long k = Long.remainderUnsigned(y >>> 8, 10000);
            long skewed = k * k / 10000 * k / 10000;
            long tied = Long.remainderUnsigned(y >>> 24, 7);
            long label = Long.remainderUnsigned(y >>> 32, 4);
            if (candidate) {
                skewed = Math.min(9999, skewed + Long.remainderUnsigned(x >>> 40, 600));
                tied += Long.remainderUnsigned(x >>> 50, 3) == 0 ? 1 : 0;
                label += Long.remainderUnsigned(x >>> 44, 5) == 0 ? 1 : 0;
            }
            String score = noisy && Long.remainderUnsigned(x >>> 56, 50) == 0 ? "" : String.format("0.%04d", skewed);
            String text = noisy && Long.remainderUnsigned(x >>> 58, 60) == 0 ? "" : labels[(int) (label % 4)];
            line.setLength(0);
            line.append('r').append(i / 2).append(',').append(candidate ? 'b' : 'a').append(',').append(score).append(',')
                    .append(tied).append(',').append(text).append(',').append(Long.remainderUnsigned(x >>> 12, 300)).append('.')
                    .append(String.format("%02d", Long.remainderUnsigned(x >>> 4, 100))).append('\n');
            out.write(line.toString());
        }
    }

    static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @ParameterizedTest
    @ValueSource(strings = {"n1", "n2", "n50"})
    void theGeneratorWritesTheScriptsFilesByteForByte(String name) throws IOException {
        JsonNode c = expected.get(name);
        java.io.StringWriter out = new java.io.StringWriter();
        rows(c.get("seed").asLong(), c.get("requests").asInt(), out);
        assertEquals(Files.readString(DIR.resolve("outputs/" + name + ".csv")), out.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"n1", "n2", "n50", "big"})
    void driftAgreementAndSplitEqualNumpyAndScipy(String name) throws IOException {
        JsonNode want = expected.get(name);
        Path csv = DIR.resolve("outputs/" + name + ".csv");
        if (!Files.exists(csv)) {
            csv = tmp.resolve(name + ".csv");
            try (BufferedWriter w = Files.newBufferedWriter(csv)) {
                rows(want.get("seed").asLong(), want.get("requests").asInt(), w);
            }
        }
        CliRunner.Result r = new CliRunner().at("2026-01-01T00:00:00Z").run("evaluate", DIR.resolve("outputs/spec.yaml").toString(),
                "--metrics", csv.toString(), "--dry-run", "-o", "json");
        assertTrue(r.exit() == 0 || r.exit() == 3, r.toString());
        JsonNode got = r.json();
        assertEquals(want.get("baselineRows").asLong(), got.get("rows").get("baseline").asLong());
        assertEquals(want.get("candidateRows").asLong(), got.get("rows").get("candidate").asLong());
        Map<String, JsonNode> metrics = new HashMap<>();
        got.get("metrics").forEach(m -> metrics.put(m.get("name").asText(), m));
        for (String column : new String[] {"score", "tied", "calm"}) {
            JsonNode w = want.get(column);
            String what = name + " " + column;
            close(w.get("psi"), metrics.get("psi_" + column).get("candidate"), 1e-12, what + " psi");
            close(w.get("js"), metrics.get("js_" + column).get("candidate"), 1e-12, what + " js");
            JsonNode ks = metrics.get("ks_" + column).get("drift");
            // D is a ratio of counts; scipy's and the test's are the same double.
            assertEquals(w.get("ks").asDouble(), ks.get("value").asDouble(), 1e-15, what + " ks D");
            assertEquals(w.get("ksP").asDouble(), ks.get("pValue").asDouble(), 1e-6, what + " ks p-value");
            JsonNode bins = metrics.get("psi_" + column).get("drift").get("bins");
            assertEquals(w.get("bins").size(), bins.size(), what + " bins: " + bins);
            for (int i = 0; i < bins.size(); i++) {
                JsonNode wb = w.get("bins").get(i);
                JsonNode gb = bins.get(i);
                assertEquals(wb.get("lower").isNull() ? null : wb.get("lower").asDouble(),
                        gb.get("lower").isNull() ? null : gb.get("lower").asDouble(), what + " bin " + i + " lower");
                assertEquals(wb.get("upper").isNull() ? null : wb.get("upper").asDouble(),
                        gb.get("upper").isNull() ? null : gb.get("upper").asDouble(), what + " bin " + i + " upper");
                assertEquals(wb.get("baselineRows").asLong(), gb.get("baselineRows").asLong(), what + " bin " + i);
                assertEquals(wb.get("candidateRows").asLong(), gb.get("candidateRows").asLong(), what + " bin " + i);
            }
            assertEquals(w.get("baselineValues").asLong(), metrics.get("psi_" + column).get("samples").get("baseline").asLong());
            assertEquals(w.get("candidateValues").asLong(), metrics.get("psi_" + column).get("samples").get("candidate").asLong());
        }
        JsonNode label = want.get("label");
        close(label.get("psi"), metrics.get("psi_label").get("candidate"), 1e-12, name + " label psi");
        close(label.get("js"), metrics.get("js_label").get("candidate"), 1e-12, name + " label js");
        JsonNode labelBins = metrics.get("psi_label").get("drift").get("bins");
        for (int i = 0; i < label.get("labels").size(); i++) {
            assertEquals(label.get("labels").get(i).asText(), labelBins.get(i).get("label").asText());
            assertEquals(label.get("baselineRows").get(i).asLong(), labelBins.get(i).get("baselineRows").asLong());
            assertEquals(label.get("candidateRows").get(i).asLong(), labelBins.get(i).get("candidateRows").asLong());
        }
        for (String[] a : new String[][] {{"agreeLabel", "agree_label"}, {"agreeScore", "agree_score"}}) {
            JsonNode w = want.get(a[0]);
            JsonNode g = metrics.get(a[1]).get("agreement");
            for (String field : new String[] {"pairs", "agreeing", "baselineUnmatched", "candidateUnmatched",
                    "baselineRepeated", "candidateRepeated"}) {
                assertEquals(w.get(field).asLong(), g.get(field).asLong(), name + " " + a[0] + " " + field);
            }
            close(w.get("rate"), g.get("rate"), 1e-15, name + " " + a[0] + " rate");
        }
        JsonNode split = got.get("split");
        assertEquals(want.get("split").get("pValue").asDouble(), split.get("pValue").asDouble(), 1e-9, name + " split p");
        close(want.get("split").get("chiSquare"), split.get("chiSquare"), 1e-12, name + " split chi-square");
    }

    /** Equal within {@code relative} of the expected value, or absolutely near 0. */
    static void close(JsonNode want, JsonNode got, double relative, String what) {
        assertTrue(got != null && got.isNumber(), what + ": no value, got " + got);
        double w = want.asDouble();
        assertEquals(w, got.asDouble(), Math.max(Math.abs(w) * relative, 1e-15), what);
    }

    @Test
    void aConstantBaselineHasThreeBinsBelowAtAndAboveIt() throws IOException {
        // n1: one baseline value (0.5643), so every quantile is that value; the candidate's 0.6190 is above it.
        CliRunner.Result r = new CliRunner().run("evaluate", DIR.resolve("outputs/spec.yaml").toString(), "--metrics",
                DIR.resolve("outputs/n1.csv").toString(), "--dry-run", "-o", "json");
        JsonNode bins = r.json().get("metrics").get(0).get("drift").get("bins");
        assertEquals(3, bins.size(), bins.toString());
        assertEquals(0.5643, bins.get(1).get("lower").asDouble());
        assertEquals(0.5643, bins.get(1).get("upper").asDouble());
        assertEquals(1, bins.get(1).get("baselineRows").asLong());
        assertEquals(1, bins.get(2).get("candidateRows").asLong());
    }
}
