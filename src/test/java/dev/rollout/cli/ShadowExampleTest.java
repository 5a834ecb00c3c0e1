package dev.rollout.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * rollouts/fraud-shadow: a rollout judged before any label exists, on drift and agreement of
 * the two versions' outputs, and a canary whose export does not show the stage's split.
 */
class ShadowExampleTest {

    @TempDir
    Path tmp;

    String spec;
    Path exports;
    final CliRunner cli = new CliRunner();

    @BeforeEach
    void copy() throws Exception {
        Path dir = CliRunner.copyExample("fraud-shadow", tmp);
        spec = dir.resolve("rollout.yaml").toString();
        exports = dir.resolve("exports");
    }

    @Test
    void theExportsHaveNoLabelColumn() throws Exception {
        for (String f : List.of("shadow.csv", "shadow-drifted.csv", "canary-5.csv", "canary-5-wrong-split.csv")) {
            assertEquals("ts,request_id,model_version,fraud_score,flagged,latency_ms",
                    Files.readAllLines(exports.resolve(f)).get(0), f);
        }
    }

    @Test
    void shadowPromotesOnDriftAndAgreementThenAWrongSplitHoldsWithTheNumbers() {
        assertEquals(0, cli.at("2026-03-02T08:00:00Z").run("advance", spec).exit());
        CliRunner.Result shadow = cli.at("2026-03-02T09:00:00Z").run("advance", spec, "--metrics",
                exports.resolve("shadow.csv").toString(), "-o", "json");
        assertEquals(0, shadow.exit(), shadow.toString());
        JsonNode metrics = shadow.json().get("evaluation").get("metrics");
        assertEquals("score_drift", metrics.get(0).get("name").asText());
        assertEquals("psi", metrics.get(0).get("drift").get("test").asText());
        assertEquals(10, metrics.get(0).get("drift").get("bins").size());
        assertEquals(2, metrics.get(2).get("drift").get("bins").size(), "flagged is a label column: bins '0' and '1'");
        JsonNode agreement = metrics.get(3).get("agreement");
        assertEquals(2000, agreement.get("pairs").asLong());
        assertEquals(0, agreement.get("baselineUnmatched").asLong());
        assertTrue(agreement.get("rate").asDouble() >= 0.9, agreement.toString());
        assertTrue(metrics.get(1).get("drift").get("pValue").isNumber(), "ks reports its p-value");

        CliRunner.Result wrong = cli.at("2026-03-02T11:00:00Z").run("evaluate", spec, "--metrics",
                exports.resolve("canary-5-wrong-split.csv").toString(), "-o", "json");
        assertEquals(3, wrong.exit(), wrong.toString());
        JsonNode split = wrong.json().get("split");
        assertFalse(split.get("passed").asBoolean());
        assertEquals(4.762, split.get("expectedPercent").asDouble());
        assertEquals(4460, split.get("rows").asLong());
        String reason = wrong.json().get("reasons").get(0).asText();
        assertTrue(reason.matches("expected 4\\.762 % candidate rows, found 10\\.3 % of 4,460; χ² p = [0-9.]+e-[0-9]+ < "
                + "splitCheck\\.pValue 0\\.001: is the router applying the stage\\?"), reason);

        String text = cli.at("2026-03-02T11:00:00Z").run("evaluate", spec, "--metrics",
                exports.resolve("canary-5.csv").toString(), "--dry-run").out();
        assertTrue(text.contains("  split check: 4.762 % candidate rows expected, 4.7 % found of 4,196, χ² p 0."), text);
        CliRunner.Result right = cli.at("2026-03-02T11:00:00Z").run("advance", spec, "--metrics",
                exports.resolve("canary-5.csv").toString(), "-o", "json");
        assertEquals(0, right.exit(), right.toString());
        assertTrue(right.json().get("evaluation").get("split").get("passed").asBoolean());
        assertEquals("full", right.json().get("stage").get("name").asText());
    }

    @Test
    void aCandidateWhoseScoresDriftRollsBackOnTheCriticalGate() {
        cli.at("2026-03-02T08:00:00Z").run("advance", spec);
        CliRunner.Result r = cli.at("2026-03-02T09:00:00Z").run("evaluate", spec, "--metrics",
                exports.resolve("shadow-drifted.csv").toString());
        assertEquals(4, r.exit(), r.toString());
        assertTrue(r.out().contains("critical gate failed: score_drift = 3.8974 > max 0.2"), r.out());
        assertTrue(r.out().contains("score_drift: psi 3.8974 over 10 bins; most moved: [0.1374, 0.234) baseline 10.0 %, candidate 36.4 %"),
                r.out());
        String markdown = cli.run("evaluate", spec, "--metrics", exports.resolve("shadow-drifted.csv").toString(), "--dry-run",
                "-o", "markdown").out();
        // Markdown escapes its punctuation, as it does in every reason.
        assertTrue(markdown.contains("- flag\\_agreement\\: 1\\,924 of 2\\,000 pairs agree \\(96\\.2 \\%\\)"), markdown);
    }

    @Test
    void theReportPageShowsTheDriftAndAgreementLines() throws Exception {
        cli.at("2026-03-02T08:00:00Z").run("advance", spec);
        cli.at("2026-03-02T09:00:00Z").run("evaluate", spec, "--metrics", exports.resolve("shadow.csv").toString());
        Path page = tmp.resolve("report.html");
        CliRunner.Result r = cli.run("report", spec, "--out", page.toString());
        assertEquals(0, r.exit(), r.toString());
        String html = Files.readString(page);
        assertTrue(html.contains("<li>flag_agreement: 1,990 of 2,000 pairs agree (99.5 %)"), html);
    }
}
