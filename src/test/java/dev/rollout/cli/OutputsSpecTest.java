package dev.rollout.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The drift:, agreement: and splitCheck: keys: what the spec refuses, and the rules a reference value does not show. */
class OutputsSpecTest {

    @TempDir
    Path tmp;

    static final String HEAD = """
            version: 1
            name: out
            model: {baseline: a, candidate: b}
            """;

    Path write(String name, String text) throws Exception {
        Path p = tmp.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    CliRunner.Result evaluate(String spec, String csv) throws Exception {
        return new CliRunner().at("2026-01-01T00:00:00Z").run("evaluate", write("s.yaml", spec).toString(), "--metrics",
                write("d.csv", csv).toString(), "--dry-run", "-o", "json");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            no variant column  | data: {}|metrics:\\n  - {name: d, drift: {column: s}}\\n  - {name: m, column: s}         | metrics[0].drift (line 7, column 22): drift compares the candidate's outputs with the baseline's, so it needs data.variant
            ks of labels       | data: {variant: {column: v}}|metrics:\\n  - {name: d, drift: {column: s, test: ks, labels: true}}\\n  - {name: m, column: s} | metrics[0].drift.test (line 7, column 40): ks compares numbers
            bins of labels     | data: {variant: {column: v}}|metrics:\\n  - {name: d, drift: {column: s, labels: true, bins: 4}}\\n  - {name: m, column: s} | metrics[0].drift.bins (line 7, column 54): a label column has one bin per label
            two columns        | data: {variant: {column: v}}|metrics:\\n  - {name: d, agreement: {key: k, predicted: p, score: s}}\\n  - {name: m, column: s} | metrics[0].agreement.score (line 7, column 56): agreement compares one column
            tolerance of labels| data: {variant: {column: v}}|metrics:\\n  - {name: d, agreement: {key: k, predicted: p, tolerance: 1}}\\n  - {name: m, column: s} | metrics[0].agreement.tolerance (line 7, column 60): 'tolerance' applies to 'score'
            regression gate    | data: {variant: {column: v}}|metrics:\\n  - {name: d, drift: {column: s}, gate: {maxRegression: 0.1}}\\n  - {name: m, column: s} | metrics[0].gate (line 7, column 41): drift and agreement already compare
            two sources        | data: {variant: {column: v}}|metrics:\\n  - {name: d, drift: {column: s}, agreement: {key: k, score: s}}\\n  - {name: m, column: s} | metrics[0].drift (line 7, column 22): a metric takes its value from one of
            split share        | data: {variant: {column: v}}\\nsplitCheck: {expected: 100}|metrics:\\n  - {name: m, column: s} | splitCheck.expected (line 6, column 24): the candidate's expected share of rows is a percent strictly between 0 and 100
            split p            | data: {variant: {column: v}}\\nsplitCheck: {pValue: 0}|metrics:\\n  - {name: m, column: s} | splitCheck.pValue (line 6, column 22): must be above 0
            """)
    void aBadKeyIsOneLineNamingFileLineAndField(String what, String data, String metrics, String message) throws Exception {
        String spec = HEAD + "stages: [{name: c, traffic: 5}]\n" + data.replace("\\n", "\n") + "\n" + metrics.replace("\\n", "\n") + "\n";
        CliRunner.Result r = new CliRunner().run("plan", write("bad.yaml", spec).toString());
        assertEquals(1, r.exit(), r.toString());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("bad.yaml: " + message), spec + "\n" + r.err());
    }

    static final String SPLIT_ROWS;

    static {
        // 70 baseline rows and 30 candidate rows: a 30 % split.
        StringBuilder csv = new StringBuilder("v,s\n");
        for (int i = 0; i < 100; i++) {
            csv.append(i < 70 ? "a" : "b").append(",0.5\n");
        }
        SPLIT_ROWS = csv.toString();
    }

    @Test
    void theSplitCheckIsOffByDefault() throws Exception {
        CliRunner.Result r = evaluate(HEAD + "stages: [{name: c, traffic: 5}]\ndata: {variant: {column: v}}\n"
                + "metrics: [{name: s}]\nscoring: {promote: 0.5, rollback: 0.1}\n", SPLIT_ROWS);
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.json().get("split").isNull(), r.out());
    }

    @Test
    void aTopLevelCheckAppliesToEveryStageWithoutItsOwnAndUsesTheStagesTraffic() throws Exception {
        String spec = HEAD + "stages: [{name: c, traffic: 5}, {name: d, traffic: 30, splitCheck: {pValue: 0.5}}]\n"
                + "splitCheck: {pValue: 0.001}\ndata: {variant: {column: v}}\n"
                + "metrics: [{name: s}]\nscoring: {promote: 0.5, rollback: 0.1}\n";
        CliRunner.Result r = evaluate(spec, SPLIT_ROWS);
        assertEquals(3, r.exit(), r.toString());
        JsonNode split = r.json().get("split");
        assertEquals(5.0, split.get("expectedPercent").asDouble());
        assertEquals(30.0, split.get("observedPercent").asDouble());
        // scipy.stats.chisquare([30, 70], f_exp=[5, 95]): statistic 131.57894736842104, p 1.8497000640816906e-30.
        assertEquals(131.57894736842104, split.get("chiSquare").asDouble(), 1e-9);
        assertEquals(1.8497000640816906e-30, split.get("pValue").asDouble(), 1e-9 * 1.85e-30);
        assertTrue(r.json().get("reasons").get(0).asText().startsWith(
                "expected 5 % candidate rows, found 30.0 % of 100; χ² p = 1.8e-30 < splitCheck.pValue 0.001"), r.out());
        assertFalse(r.out().contains("every gate passed"), r.out());
    }

    @Test
    void expectedReplacesTheTrafficAndAStageWithAllOrNoTrafficHasNothingToCheck() throws Exception {
        String spec = HEAD + "stages: [{name: c, traffic: 5, splitCheck: {expected: 30}}]\ndata: {variant: {column: v}}\n"
                + "metrics: [{name: s}]\nscoring: {promote: 0.5, rollback: 0.1}\n";
        CliRunner.Result r = evaluate(spec, SPLIT_ROWS);
        assertEquals(0, r.exit(), r.toString());
        assertEquals(1.0, r.json().get("split").get("pValue").asDouble(), 1e-12);
        CliRunner.Result shadow = evaluate(spec.replace("traffic: 5", "traffic: 0"), SPLIT_ROWS);
        assertEquals(0, shadow.exit(), shadow.toString());
        assertTrue(shadow.json().get("split").isNull(), shadow.out());
    }

    @Test
    void scoresAgreeWithinTheToleranceAsDecimalsReadIt() throws Exception {
        // 0.30 - 0.25 is 0.04999999999999999 in binary and 0.05 in decimal; 0.36 - 0.30 is beyond it.
        String csv = "k,v,s\nr1,a,0.25\nr1,b,0.30\nr2,a,0.30\nr2,b,0.36\nr3,a,0.1\nr3,b,0.1\nr4,a,0.2\nr5,b,0.2\n";
        String spec = HEAD + "stages: [{name: c, traffic: 0}]\ndata: {variant: {column: v}}\n"
                + "metrics:\n  - {name: agree, agreement: {key: k, score: s, tolerance: 0.05}}\n";
        JsonNode a = evaluate(spec, csv).json().get("metrics").get(0).get("agreement");
        assertEquals(3, a.get("pairs").asLong());
        assertEquals(2, a.get("agreeing").asLong());
        assertEquals(1, a.get("baselineUnmatched").asLong());
        assertEquals(1, a.get("candidateUnmatched").asLong());
    }

    @Test
    void aDriftColumnIsLabelsWhenAnotherMetricReadsItAsLabelsOrTheSpecSaysSo() throws Exception {
        String csv = "k,v,y\nr1,a,0\nr1,b,1\nr2,a,0\nr2,b,0\n";
        String spec = HEAD + "stages: [{name: c, traffic: 0}]\ndata: {variant: {column: v}}\nmetrics:\n"
                + "  - {name: inferred, drift: {column: y}, weight: 0}\n"
                + "  - {name: numbers, drift: {column: y, bins: 4}, weight: 0}\n"
                + "  - {name: agree, agreement: {key: k, predicted: y}}\n";
        JsonNode m = evaluate(spec, csv).json().get("metrics");
        assertEquals("psi(y, labels)", m.get(0).get("source").asText());
        assertEquals("0", m.get(0).get("drift").get("bins").get(0).get("label").asText());
        assertEquals("psi(y, 4 bins)", m.get(1).get("source").asText());
        assertTrue(m.get(1).get("drift").get("bins").get(0).get("label").isNull());
        assertEquals(0.5, m.get(2).get("candidate").asDouble());
    }
}
