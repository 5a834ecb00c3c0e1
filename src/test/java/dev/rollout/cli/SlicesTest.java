package dev.rollout.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.rollout.cli.CliRunner.metric;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Per-slice gates through the real CLI: rollouts/fraud-regions, small slices, maxGap and Holm across slices. */
class SlicesTest {

    static final String NOW = "2026-03-01T07:00:00Z";

    @TempDir
    Path tmp;

    private static CliRunner.Result evaluate(Path spec, Path export, String... output) {
        return new CliRunner().at(NOW).evaluateDryRun(spec, export, output);
    }

    @Test
    void oneRegionThatRegressesRollsBackWhatTheOverallScoreWouldPromote() throws Exception {
        Path dir = CliRunner.copyExample("fraud-regions", tmp);
        Path spec = dir.resolve("rollout.yaml");
        Path export = dir.resolve("exports/canary.csv");
        CliRunner.Result r = evaluate(spec, export, "-o", "json");
        assertEquals(4, r.exit(), r.toString());
        JsonNode e = r.json();
        assertEquals("ROLLBACK", e.get("decision").asText());
        assertTrue(e.get("score").asDouble() >= 0.8, "the score, on all rows, is above promote: " + e.get("score"));
        JsonNode recall = metric(e, "recall");
        assertTrue(recall.get("candidate").asDouble() > recall.get("baseline").asDouble(), "better on average: " + recall);
        JsonNode worst = recall.get("slices").get(0);
        assertEquals("region=apac", worst.get("key").asText(), "worst slice first: " + recall.get("slices"));
        assertTrue(worst.get("gate").get("failed").asBoolean(), worst.toString());
        assertTrue(worst.get("baseline").isNumber() && worst.get("candidate").isNumber() && worst.get("samples").isObject(),
                worst.toString());
        assertEquals(3, recall.get("slices").size());
        assertFalse(recall.get("maxGap").get("passed").asBoolean(), recall.toString());
        assertTrue(e.get("reasons").toString().contains("critical gate failed: recall in region=apac regressed by"),
                e.get("reasons").toString());

        // The same rows without slices: the overall values promote.
        String text = Files.readString(spec);
        String withoutSlices = text.substring(0, text.indexOf("\nslices:") + 1) + text.substring(text.indexOf("\nmetrics:\n") + 1);
        Path overall = dir.resolve("overall.yaml");
        Files.writeString(overall, withoutSlices);
        CliRunner.Result promote = evaluate(overall, export);
        assertEquals(0, promote.exit(), promote.toString());

        CliRunner.Result shown = evaluate(spec, export);
        String out = shown.out();
        assertTrue(out.indexOf("region=apac") < out.indexOf("region=eu"), "text shows the worst slice first:\n" + out);
        assertTrue(out.contains("recall per slice, worst first"), out);
        CliRunner.Result markdown = evaluate(spec, export, "-o", "markdown");
        assertTrue(markdown.out().contains("| region\\=apac |"), markdown.out());
    }

    @Test
    void theReportShowsTheLastEvaluationsSlices() throws Exception {
        Path dir = CliRunner.copyExample("fraud-regions", tmp);
        String spec = dir.resolve("rollout.yaml").toString();
        CliRunner cli = new CliRunner();
        assertEquals(0, cli.at("2026-03-01T00:00:00Z").run("advance", spec).exit());
        CliRunner.Result evaluated = cli.at(NOW).run("evaluate", spec, "--metrics", dir.resolve("exports/canary.csv").toString());
        assertEquals(4, evaluated.exit(), evaluated.toString());
        Path out = tmp.resolve("report.html");
        CliRunner.Result r = cli.at(NOW).run("report", spec, "--out", out.toString());
        assertEquals(0, r.exit(), r.toString());
        String html = Files.readString(out);
        assertTrue(html.contains("<h3>recall per slice</h3>"), html);
        assertTrue(html.indexOf("<td>region=apac</td>") < html.indexOf("<td>region=eu</td>"), "worst first");
    }

    @Test
    void aSliceWithTooFewRowsIsListedNotJudgedNeverDropped() {
        Path dir = Path.of("src/test/resources/reference");
        CliRunner.Result r = evaluate(dir.resolve("slices.yaml"), dir.resolve("slices.csv"), "-o", "json");
        JsonNode accuracy = metric(r.json(), "accuracy");
        JsonNode latam = null;
        for (JsonNode s : accuracy.get("slices")) {
            if (s.get("key").asText().equals("region=latam, device=ios")) {
                latam = s;
            }
        }
        assertTrue(latam != null, "the 12-row slice is listed: " + accuracy.get("slices"));
        assertFalse(latam.get("judged").asBoolean());
        assertTrue(latam.get("gate").isNull(), latam.toString());
        assertTrue(latam.get("candidate").isNumber(), "its value is still reported: " + latam);
        assertTrue(latam.get("notes").toString().contains("reported, not judged: 12 baseline and 12 candidate rows;"
                + " slices.minRows is 30"), latam.toString());
        assertEquals("region=latam, device=ios", accuracy.get("slices").get(accuracy.get("slices").size() - 1).get("key").asText(),
                "a slice not judged comes last");
    }

    /**
     * Welch's test per slice, one slice shifted by 2.34 (p about 0.02): alone beside one other
     * slice it is worse after Holm (2 × 0.02 < 0.05) and the critical gate rolls back; among five
     * slices Holm makes it 5 × 0.02 = 0.1, so it is inconclusive and the rollout holds.
     */
    @Test
    void comparisonsPerSliceAreAdjustedAcrossSlicesWithHolm() throws Exception {
        Path spec = tmp.resolve("rollout.yaml");
        Files.writeString(spec, """
                version: 1
                name: latency-slices
                model: {baseline: v1, candidate: v2}
                stages:
                  - {name: canary, traffic: 10}
                data:
                  variant: {column: v}
                slices:
                  by: [zone]
                  minRows: 100
                  metrics: [latency]
                metrics:
                  - name: latency
                    column: latency_ms
                    direction: lower
                    normalize: {best: 0, worst: 1000}
                    gate: {critical: true}
                    compare: {test: welch, margin: 0}
                """);
        CliRunner.Result two = evaluate(spec, export(2));
        assertEquals(4, two.exit(), two.toString());
        CliRunner.Result five = evaluate(spec, export(5), "-o", "json");
        assertEquals(3, five.exit(), five.toString());
        JsonNode shifted = metric(five.json(), "latency").get("slices").get(0);
        assertEquals("zone=z0", shifted.get("key").asText(), shifted.toString());
        assertEquals("INCONCLUSIVE", shifted.get("compare").get("verdict").asText(), shifted.toString());
        double p = shifted.get("compare").get("pValue").asDouble();
        assertTrue(p < 0.05, "worse before the adjustment: p " + p);
        assertEquals(Math.min(1, 5 * p), shifted.get("pAdjusted").asDouble(), 1e-15, "the smallest of 5 p-values times 5");
        assertTrue(shifted.get("notes").toString().contains("not after Holm's adjustment across 5 slices"), shifted.toString());
    }

    /** 200 rows per variant and zone, values 100 ± 10; zone z0's candidate is 2.34 higher. */
    private Path export(int zones) throws Exception {
        StringBuilder sb = new StringBuilder("v,zone,latency_ms\n");
        for (int z = 0; z < zones; z++) {
            for (int i = 0; i < 200; i++) {
                double noise = (i % 2 == 0 ? 10 : -10) + (i % 7) * 0.5;
                sb.append("v1,z").append(z).append(',').append(100 + noise).append('\n');
                sb.append("v2,z").append(z).append(',').append((z == 0 ? 102.34 : 100) + noise).append('\n');
            }
        }
        Path csv = tmp.resolve("zones-" + zones + ".csv");
        Files.writeString(csv, sb.toString());
        return csv;
    }

    @Test
    void slicesMustNameTheSpecsMetricsAndColumnsTheExportHas() throws Exception {
        Path dir = CliRunner.copyExample("fraud-regions", tmp);
        Path spec = dir.resolve("rollout.yaml");
        String text = Files.readString(spec);
        Files.writeString(spec, text.replace("metrics: [recall, precision, brier]", "metrics: [recall, auc]"));
        CliRunner.Result unknown = new CliRunner().run("plan", spec.toString());
        assertEquals(1, unknown.exit(), unknown.toString());
        assertTrue(unknown.err().contains("slices.metrics") && unknown.err().contains("'auc' is not a metric of this spec"),
                unknown.err());
        Files.writeString(spec, text.replace("maxGap: {recall: 0.2}", "maxGap: {latency_p95: 10}"));
        CliRunner.Result gap = new CliRunner().run("plan", spec.toString());
        assertEquals(1, gap.exit(), gap.toString());
        assertTrue(gap.err().contains("slices.maxGap.latency_p95") && gap.err().contains("not one of slices.metrics"), gap.err());
        Files.writeString(spec, text.replace("by: [region]", "by: [country]"));
        CliRunner.Result column = evaluate(spec, dir.resolve("exports/canary.csv"));
        assertEquals(1, column.exit(), column.toString());
        assertTrue(column.err().contains("column 'country' (slices.by in the spec) is not in the header"), column.err());
    }

    @Test
    void aSliceColumnOfIdsFailsClearlyInsteadOfFillingTheMemory() throws Exception {
        Path dir = CliRunner.copyExample("fraud-regions", tmp);
        StringBuilder csv = new StringBuilder("ts,model_version,region,is_fraud,flagged,fraud_score,latency_ms\n");
        for (int i = 0; i <= 1000; i++) {
            csv.append("2026-03-01T01:00:00Z,fraud-v8,request-").append(i).append(",0,0,0.1,50\n");
        }
        Path export = dir.resolve("ids.csv");
        Files.writeString(export, csv.toString());
        CliRunner.Result r = evaluate(dir.resolve("rollout.yaml"), export);
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("ids.csv") && r.err().contains("line 1002")
                && r.err().contains("more than 1000 slices of region in the candidate's rows"), r.err());
    }
}
