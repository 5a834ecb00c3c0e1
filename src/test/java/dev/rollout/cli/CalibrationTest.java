package dev.rollout.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.rollout.cli.CliRunner.metric;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** brier, log_loss and ece through the real CLI: lower is better, and a score that is no probability is an error. */
class CalibrationTest {

    static final String NOW = "2026-03-02T00:00:00Z";

    @TempDir
    Path tmp;

    private Path spec(String metrics) throws Exception {
        Path spec = tmp.resolve("rollout.yaml");
        Files.writeString(spec, """
                version: 1
                name: fraud
                model: {baseline: v1, candidate: v2}
                stages:
                  - {name: canary, traffic: 10}
                data:
                  variant: {column: model_version}
                metrics:
                """ + metrics);
        return spec;
    }

    private Path export(String rows) throws Exception {
        Path csv = tmp.resolve("export.csv");
        Files.writeString(csv, "model_version,y_true,fraud_score\n" + rows);
        return csv;
    }

    @Test
    void brierLogLossAndEceAreLossesComputedFromTheScore() throws Exception {
        Path spec = spec("""
                  - name: brier
                    classification: {actual: y_true, score: fraud_score, metric: brier}
                  - name: log_loss
                    classification: {actual: y_true, score: fraud_score, metric: log_loss}
                    weight: 0
                  - name: ece
                    classification: {actual: y_true, score: fraud_score, metric: ece}
                    weight: 0
                """);
        // Baseline perfectly sure and right; candidate: y 1 at 0.5 and y 0 at 0.5.
        Path csv = export("v1,1,1.0\nv1,0,0.0\nv2,1,0.5\nv2,0,0.5\n");
        CliRunner.Result r = new CliRunner().at(NOW).run("evaluate", spec.toString(), "--metrics", csv.toString(),
                "--dry-run", "-o", "json");
        assertEquals(3, r.exit(), r.toString());
        JsonNode e = r.json();
        assertEquals(0.0, metric(e, "brier").get("baseline").asDouble(), 0.0);
        assertEquals(0.25, metric(e, "brier").get("candidate").asDouble(), 0.0);
        assertEquals("lower", metric(e, "brier").get("direction").asText());
        // log(2): the two-column [0.5, 0.5] of each row.
        assertEquals(Math.log(2), metric(e, "log_loss").get("candidate").asDouble(), 1e-15);
        // log_loss clips 1.0 and 0.0 to 1 - eps and eps, as scikit-learn does: not 0, not infinite.
        assertTrue(metric(e, "log_loss").get("baseline").asDouble() > 0, r.out());
        // Both candidate rows in bin 5: |mean(y) - mean(s)| = |0.5 - 0.5| = 0.
        assertEquals(0.0, metric(e, "ece").get("candidate").asDouble(), 0.0);
        assertEquals("brier(y_true, fraud_score)", metric(e, "brier").get("source").asText());
    }

    @Test
    void aScoreOutsideZeroToOneIsAnErrorNamingTheRow() throws Exception {
        Path spec = spec("""
                  - name: brier
                    classification: {actual: y_true, score: fraud_score, metric: brier}
                """);
        Path csv = export("v1,1,0.9\nv2,0,1.5\n");
        CliRunner.Result r = new CliRunner().at(NOW).run("evaluate", spec.toString(), "--metrics", csv.toString(), "--dry-run");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("export.csv") && r.err().contains("line 3") && r.err().contains("fraud_score")
                && r.err().contains("outside [0, 1]"), r.err());
    }

    @Test
    void calibrationMetricsReadAScoreNotPredictions() throws Exception {
        Path spec = spec("""
                  - name: ece
                    classification: {actual: y_true, predicted: y_pred, score: fraud_score, metric: ece}
                """);
        CliRunner.Result r = new CliRunner().at(NOW).run("plan", spec.toString());
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("ece is computed from the score column"), r.err());
    }
}
