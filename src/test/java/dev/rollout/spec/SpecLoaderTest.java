package dev.rollout.spec;

import dev.rollout.RolloutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpecLoaderTest {

    /** A valid spec; each bad case below replaces one line of it. Line numbers are 1-based. */
    static final String VALID = """
            version: 1
            name: fraud-detector
            model:
              baseline: "41"
              candidate: "42"
            stages:
              - name: offline
                traffic: 0
                minSamples: 500
              - name: canary-5
                traffic: 5
                bake: 2h
                segment: {region: eu}
              - name: full
                traffic: 100
                approval: true
            data:
              timestamp: ts
              variant: {column: model_version}
            metrics:
              - name: accuracy
                weight: 0.4
                gate: {min: 0.85, maxRegression: 0.01, critical: true}
              - name: latency_p95
                column: latency_ms
                aggregate: p99.9
                direction: lower
                normalize: {best: 50, worst: 400}
              - name: f1
                classification: {actual: y_true, predicted: y_pred, metric: f1, average: weighted}
            scoring:
              normalizeBy: count
              promote: 0.8
              rollback: 0.6
            """;

    static RolloutSpec parse(String yaml) {
        return SpecLoader.parse("spec.yaml", yaml.getBytes(StandardCharsets.UTF_8));
    }

    static String replaceLine(int line, String text) {
        String[] lines = VALID.split("\n", -1);
        lines[line - 1] = text;
        return String.join("\n", lines);
    }

    @Test
    void readsEveryFieldOfAValidSpec() {
        RolloutSpec spec = parse(VALID);
        assertEquals("fraud-detector", spec.name());
        assertEquals(3, spec.stages().size());
        assertEquals(Duration.ofHours(2), spec.stages().get(1).bake());
        assertEquals("eu", spec.stages().get(1).segment().get("region"));
        assertTrue(spec.stages().get(2).approval());
        assertEquals(500, spec.stages().get(0).minSamples());
        assertEquals(1, spec.stages().get(1).minSamples());
        assertEquals("42", spec.data().variant().orElseThrow().candidate());
        MetricSource.ColumnAggregate latency = (MetricSource.ColumnAggregate) spec.metrics().get(1).source();
        assertEquals(99.9, latency.aggregate().percentile());
        assertEquals("p99.9(latency_ms)", latency.label());
        assertEquals(1.0, spec.metrics().get(2).weight());
        assertEquals(ScoringSpec.ScoreFormula.COUNT, spec.scoring().normalizeBy());
        assertEquals(64, spec.digest().length());
    }

    @ParameterizedTest(name = "line {0} ''{1}'' -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            1 | 'version: 2' | 1 | 'unsupported spec version 2'
            2 | 'name: Fraud_Detector' | 2 | 'is not a valid name: lower-case letters'
            8 | '    traffic: 101' | 8 | 'stages[0].traffic (line 8, column 14): must be between 0 and 100'
            8 | '    traffic: "50"' | 8 | 'stages[0].traffic (line 8, column 14): must be a whole number in decimal, found a string ''50'''
            8 | '    traffic: 50.7' | 8 | 'must be a whole number in decimal, found a number ''50.7'''
            8 | '    traffic: 010' | 8 | 'must be a whole number in decimal'
            15 | '    traffic: 3' | 15 | 'stages[2].traffic (line 15, column 14): traffic never decreases from one stage to the next: 3 after 5'
            9 | '    minSamples: 0' | 9 | 'stages[0].minSamples (line 9, column 17): must be >= 1'
            12 | '    bake: soon' | 12 | 'stages[1].bake (line 12, column 11): ''soon'' is not a duration'
            10 | '  - name: offline' | 10 | 'stages[1].name (line 10, column 11): duplicate stage name ''offline'''
            16 | '    approval: on' | 16 | 'stages[2].approval (line 16, column 15): must be true or false, found a string ''on'''
            16 | '    aproval: true' | 16 | 'stages[2].aproval (line 16, column 5): unknown key ''aproval'''
            22 | '    weight: -1' | 22 | 'metrics[0].weight (line 22, column 13): must be >= 0'
            23 | '    gate: {min: 0.85, min: 0.9}' | 23 | 'duplicate key ''min'''
            26 | '    aggregate: p101' | 26 | 'metrics[1].aggregate (line 26, column 16): percentile p101 is outside 0..100'
            26 | '    aggregate: avg' | 26 | 'is not an aggregate: use mean'
            27 | '    direction: up' | 27 | 'metrics[1].direction (line 27, column 16): ''up'' is not one of higher, lower'
            28 | '    normalize: {best: 5, worst: 5}' | 28 | 'metrics[1].normalize.worst (line 28, column 33): best and worst must differ'
            30 | '    classification: {actual: y, predicted: z, metric: f2}' | 30 | 'is not one of accuracy, precision, recall, f1, auc'
            34 | '  rollback: 0.9' | 34 | 'scoring.rollback (line 34, column 13): rollback (0.9) must not exceed promote (0.8)'
            32 | '  normalizeBy: median' | 32 | 'is not one of weights, count'
            19 | '  variant: &v {column: model_version}' | 19 | 'YAML anchors (&v) are not allowed'
            19 | '  variant: !!java.util.Date {column: model_version}' | 19 | 'YAML tags'
            """)
    void rejectsABadKeyOrValueNamingPathAndLine(int line, String text, int expectedLine, String message) {
        RolloutException e = assertThrows(RolloutException.class, () -> parse(replaceLine(line, text)));
        assertEquals(RolloutException.Kind.INPUT, e.kind());
        String described = e.describe();
        assertTrue(described.startsWith("spec.yaml: "), described);
        assertTrue(described.contains(message), described);
        assertEquals(expectedLine, e.location().line(), described);
    }

    @Test
    void dataMissingListsTheCellsThatMeanNoValueAndReplacesTheDefault() {
        assertEquals(List.of("", "NaN", "nan"), parse(VALID).data().missing(), "the default, without NA");
        RolloutSpec spec = parse(VALID.replace("  timestamp: ts\n", "  timestamp: ts\n  missing: [\"\", NA, \"-\", -999, NA]\n"));
        assertEquals(List.of("", "NA", "-", "-999"), spec.data().missing());
        RolloutException blanks = assertThrows(RolloutException.class,
                () -> parse(VALID.replace("  timestamp: ts\n", "  timestamp: ts\n  missing: [\" NA\"]\n")));
        assertTrue(blanks.describe().contains("data.missing[0] (line 19, column 13): ' NA' has blanks around it"), blanks.describe());
        RolloutException empty = assertThrows(RolloutException.class,
                () -> parse(VALID.replace("  timestamp: ts\n", "  timestamp: ts\n  missing: [~]\n")));
        assertTrue(empty.describe().contains("data.missing[0] (line 19, column 13): must be a plain value"), empty.describe());
        RolloutException scalar = assertThrows(RolloutException.class,
                () -> parse(VALID.replace("  timestamp: ts\n", "  timestamp: ts\n  missing: NA\n")));
        assertTrue(scalar.describe().contains("data.missing (line 19, column 12): must be a list"), scalar.describe());
    }

    @Test
    void positiveIsEmptyUnlessTheSpecNamesIt() {
        MetricSource.Classification f1 = (MetricSource.Classification) parse(VALID).metrics().get(2).source();
        assertTrue(f1.positive().isEmpty(), "chosen from the labels when the metric is read");
        MetricSource.Classification given = (MetricSource.Classification) parse(VALID.replace("average: weighted}",
                "average: binary, positive: malignant}")).metrics().get(2).source();
        assertEquals(java.util.Optional.of("malignant"), given.positive());
    }

    @Test
    void rejectsMissingRequiredKeys() {
        RolloutException e = assertThrows(RolloutException.class, () -> parse(VALID.replace("  candidate: \"42\"\n", "")));
        assertTrue(e.describe().contains("model") && e.describe().contains("missing required key 'candidate'"), e.describe());
    }

    @Test
    void rejectsAllWeightsZero() {
        String yaml = VALID.replace("    weight: 0.4\n", "    weight: 0\n")
                .replace("    normalize: {best: 50, worst: 400}\n", "    normalize: {best: 50, worst: 400}\n    weight: 0\n")
                .replace("average: weighted}\n", "average: weighted}\n    weight: 0\n");
        RolloutException e = assertThrows(RolloutException.class, () -> parse(yaml));
        assertTrue(e.describe().contains("every metric has weight 0"), e.describe());
    }

    @Test
    void rejectsAliasesAndASecondDocument() {
        assertTrue(assertThrows(RolloutException.class, () -> parse(VALID.replace("timestamp: ts", "timestamp: *ts")))
                .describe().contains("aliases"));
        assertTrue(assertThrows(RolloutException.class, () -> parse(VALID + "---\nversion: 1\n"))
                .describe().contains("second YAML document"));
    }

    @Test
    void rejectsDeepNestingAndHugeInputQuickly() {
        String deep = "version: 1\nname: x\nmodel: " + "[".repeat(200) + "]".repeat(200) + "\n";
        long t0 = System.nanoTime();
        RolloutException e = assertThrows(RolloutException.class, () -> parse(deep));
        assertTrue(e.describe().contains("nest"), e.describe());
        String huge = "version: 1\nname: x\nmodel: \"" + "a".repeat(2 << 20) + "\"\n";
        assertTrue(assertThrows(RolloutException.class, () -> parse(huge)).describe().contains("1 MiB"));
        assertTrue(System.nanoTime() - t0 < 2_000_000_000L, "both rejected well within a second each");
    }

    @Test
    void hostileYamlIsRejectedBeforeItIsExpanded(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path huge = tmp.resolve("huge.yaml");
        try (var w = Files.newBufferedWriter(huge)) {
            w.write("version: 1\nname: x\nnote: \"");
            char[] chunk = new char[1 << 16];
            java.util.Arrays.fill(chunk, 'a');
            for (int i = 0; i < 320; i++) {
                w.write(chunk);
            }
            w.write("\"\n");
        }
        StringBuilder laughs = new StringBuilder("version: 1\nname: x\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (char c = 'b'; c <= 'j'; c++) {
            laughs.append(c).append(": &").append(c).append(" [");
            for (int i = 0; i < 9; i++) {
                laughs.append(i == 0 ? "" : ",").append('*').append((char) (c - 1));
            }
            laughs.append("]\n");
        }
        String deep = "version: 1\nname: x\nmodel: " + "{a: ".repeat(1000) + "1" + "}".repeat(1000) + "\n";
        for (java.util.function.Supplier<RolloutSpec> hostile : List.<java.util.function.Supplier<RolloutSpec>>of(
                () -> SpecLoader.load(huge), () -> parse(laughs.toString()), () -> parse(deep))) {
            // What is refused says why: the size limit, the alias, the depth. Expanded, the laughs would be 10^9
            // strings and the stack would overflow on the depth; the bound only catches that, it times nothing
            // (a loaded CI machine took 237 ms against the 200 ms this test asked before).
            RolloutException e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(30),
                    () -> assertThrows(RolloutException.class, hostile::get));
            assertTrue(e.location().line() > 0 || e.describe().contains("1 MiB"), e.describe());
            assertTrue(e.describe().contains("1 MiB") || e.describe().contains("alias") || e.describe().contains("anchor")
                    || e.describe().contains("deep") || e.describe().contains("nest"), e.describe());
        }
    }

    @Test
    void hooksAreAnArgvListOrOneShellString() {
        HooksSpec hooks = parse(VALID + "hooks: {apply: [./set-traffic.sh, --weights], notify: \"cat >> log\", timeout: 30s}\n").hooks();
        assertEquals(List.of("./set-traffic.sh", "--weights"), hooks.apply().orElseThrow().processArgs());
        assertEquals(List.of("/bin/sh", "-c", "cat >> log"), hooks.notifyHook().orElseThrow().processArgs());
        assertEquals(Duration.ofSeconds(30), hooks.timeout());
        RolloutException empty = assertThrows(RolloutException.class, () -> parse(VALID + "hooks:\n  apply: []\n"));
        assertTrue(empty.describe().contains("hooks.apply (line 36"), empty.describe());
    }

    @Test
    void compareTakesATestAMarginAbsoluteOrPercentAndOnlyForValueColumns() {
        CompareSpec c = parse(VALID.replace("    normalize: {best: 50, worst: 400}\n",
                "    normalize: {best: 50, worst: 400}\n    compare: {test: welch, margin: 5%, confidence: 0.9}\n"))
                .metrics().get(1).compare().orElseThrow();
        assertEquals(CompareSpec.Test.WELCH, c.test());
        assertEquals(10.0, c.absoluteMargin(200), 1e-12);
        assertEquals(0.9, c.confidence());
        CompareSpec d = parse(VALID.replace("    weight: 0.4\n", "    weight: 0.4\n    compare: {margin: 0.01}\n"))
                .metrics().get(0).compare().orElseThrow();
        assertEquals(CompareSpec.Test.SEQUENTIAL, d.test());
        assertEquals(0.01, d.absoluteMargin(0.9), 0.0);
        for (String[] bad : new String[][] {
                {"    weight: 0.4\n", "    weight: 0.4\n    compare: {test: welch}\n", "metrics[0].compare.margin (line 23", "missing required key 'margin'"},
                {"    weight: 0.4\n", "    weight: 0.4\n    compare: {test: t-test, margin: 1}\n", "metrics[0].compare.test (line 23", "not one of sequential, mann-whitney, welch"},
                {"    weight: 0.4\n", "    weight: 0.4\n    compare: {margin: lots}\n", "metrics[0].compare.margin (line 23", "must be a number"},
                {"    weight: 0.4\n", "    weight: 0.4\n    compare: {margin: 0}\n", "metrics[0].compare.margin (line 23", "give tau"},
                {"average: weighted}\n", "average: weighted}\n    compare: {margin: 1}\n", "metrics[2].compare (line 31", "needs a metric with a value column"}}) {
            RolloutException e = assertThrows(RolloutException.class, () -> parse(VALID.replace(bad[0], bad[1])));
            assertTrue(e.describe().contains(bad[2]) && e.describe().contains(bad[3]), e.describe());
        }
    }

    @Test
    void everyExampleInRolloutsLoads() throws Exception {
        Path root = Path.of("rollouts");
        try (Stream<Path> files = Files.walk(root)) {
            // rollouts/metrics holds a library, not a spec: it loads through the specs that include it.
            long n = files.filter(p -> p.toString().endsWith(".yaml") && !p.startsWith(root.resolve("metrics")))
                    .peek(SpecLoader::load).count();
            assertTrue(n >= 3, "at least three examples");
        }
    }

    @Test
    void durationsReadBothForms() {
        assertEquals(Duration.ofMinutes(90), DurationText.parse("1h30m").orElseThrow());
        assertEquals(Duration.ofHours(2), DurationText.parse("PT2H").orElseThrow());
        assertEquals(Duration.ofDays(1), DurationText.parse("1d").orElseThrow());
        assertEquals("1h30m", DurationText.format(Duration.ofMinutes(90)));
        assertTrue(DurationText.parse("2 hours").isEmpty());
    }
}
