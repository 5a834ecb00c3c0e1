package dev.rollout.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The commands end to end, in-process, on real files; every exit code of the contract. */
class CliTest {

    @TempDir
    Path tmp;

    final CliRunner cli = new CliRunner().at("2026-03-02T08:00:00Z");

    @Test
    void quickStartEvaluatesTheSvmExampleEqualToScikitLearn() {
        CliRunner.Result r = cli.run("evaluate", "rollouts/svm-classifier/rollout.yaml",
                "--metrics", "rollouts/svm-classifier/predictions.csv", "--state", tmp.resolve("s.json").toString(), "-o", "json");
        assertEquals(0, r.exit(), r.toString());
        JsonNode j = r.json();
        assertEquals("PROMOTE", j.get("decision").asText());
        // Values printed by rollouts/svm-classifier/generate.py (scikit-learn 1.2.1), kept in sklearn-values.txt.
        assertEquals(0.9, j.get("metrics").get(0).get("candidate").asDouble(), 0.0);
        assertEquals(0.9, j.get("metrics").get(1).get("candidate").asDouble(), 0.0);
        assertEquals(0.8996411483253589, j.get("metrics").get(2).get("candidate").asDouble(), 0.0);
        assertEquals(60, j.get("metrics").get(0).get("samples").get("candidate").asLong());
        assertFalse(j.get("recorded").asBoolean());
        assertFalse(Files.exists(tmp.resolve("s.json")), "no rollout started: nothing written");
        assertFalse(Files.exists(tmp.resolve("s.json.lock")), "not even a lock file");
    }

    @Test
    void theDocumentsExamplePrints0285WithItsFormulaAnd0855WithWeights() {
        CliRunner.Result count = cli.run("evaluate", "rollouts/svm-classifier/document.yaml",
                "--metrics", "rollouts/svm-classifier/document-scores.csv", "--state", tmp.resolve("a.json").toString());
        assertEquals(0, count.exit(), count.toString());
        assertTrue(count.out().contains("score P = (1/N) * sum(w*p) = 0.285"), count.out());
        CliRunner.Result weights = cli.run("evaluate", "rollouts/svm-classifier/document-weighted.yaml",
                "--metrics", "rollouts/svm-classifier/document-scores.csv", "--state", tmp.resolve("b.json").toString(), "-o", "json");
        assertEquals(0.855, weights.json().get("score").asDouble(), 0.0);
        assertEquals("weights", weights.json().get("normalizeBy").asText());
    }

    @Test
    void walksTheFraudRolloutThroughEveryStageAsTheReadmeShows() throws Exception {
        Path dir = CliRunner.copyExample("fraud-detector", tmp);
        String spec = dir.resolve("rollout.yaml").toString();
        String exports = dir.resolve("exports").toString();

        CliRunner.Result start = cli.at("2026-03-02T08:00:00Z").run("advance", spec);
        assertEquals(0, start.exit(), start.toString());
        assertTrue(start.out().contains("STARTED"), start.out());

        CliRunner.Result offline = cli.at("2026-03-02T09:00:00Z").run("advance", spec, "--metrics", exports + "/offline.csv");
        assertEquals(0, offline.exit(), offline.toString());
        assertTrue(offline.out().contains("moved from offline to shadow"), offline.out());

        CliRunner.Result thin = cli.at("2026-03-02T09:30:00Z").run("evaluate", spec, "--metrics", exports + "/shadow.csv");
        assertEquals(3, thin.exit(), thin.toString());
        assertTrue(thin.out().contains("only 178 candidate rows in the window; stage shadow needs minSamples 500"), thin.out());
        CliRunner.Result early = cli.run("evaluate", spec, "--metrics", exports + "/offline.csv", "--metrics",
                exports + "/shadow.csv", "--since", "2026-03-02T08:00:00Z");
        assertEquals(3, early.exit(), early.toString());
        assertTrue(early.out().contains("bake time not over: 30m of 1h in stage shadow (30m left)"), early.out());

        assertEquals(0, cli.at("2026-03-02T11:00:00Z").run("advance", spec, "--metrics", exports + "/shadow.csv").exit());
        assertEquals(0, cli.at("2026-03-02T14:00:00Z").run("advance", spec, "--metrics", exports + "/canary-5.csv").exit());

        CliRunner.Result needsApproval = cli.at("2026-03-02T21:00:00Z").run("advance", spec, "--metrics", exports + "/canary-25.csv");
        assertEquals(3, needsApproval.exit(), needsApproval.toString());
        assertTrue(needsApproval.out().contains("stage canary-25 needs an approval"), needsApproval.out());

        assertEquals(0, cli.actor("alice@laptop").run("approve", spec, "--by", "alice", "--reason", "dashboards look fine").exit());
        CliRunner.Result full = cli.actor("ci@test").run("advance", spec, "--if-stage", "canary-25", "-o", "json");
        assertEquals(0, full.exit(), full.toString());
        assertEquals("full", full.json().get("stage").get("name").asText());
        assertEquals(100, full.json().get("traffic").asInt());

        CliRunner.Result retried = cli.run("advance", spec, "--if-stage", "canary-25");
        assertEquals(5, retried.exit(), "a retried CI job never advances twice: " + retried);

        CliRunner.Result done = cli.at("2026-03-03T00:00:00Z").run("advance", spec, "--metrics", exports + "/full.csv", "-o", "json");
        assertEquals(0, done.exit(), done.toString());
        assertEquals("PROMOTED", done.json().get("status").asText());
        byte[] before = Files.readAllBytes(dir.resolve(".rollout/fraud-detector.state.json"));
        assertEquals(0, cli.run("advance", spec).exit(), "advance on a promoted rollout: exit 0");
        assertArrayEquals(before, Files.readAllBytes(dir.resolve(".rollout/fraud-detector.state.json")), "nothing written");

        CliRunner.Result history = cli.run("history", spec, "-o", "json");
        List<String> events = new ArrayList<>();
        history.json().get("events").forEach(e -> events.add(e.get("event").asText() + ":" + e.get("stage").asText()));
        assertEquals(List.of("STARTED:offline", "EVALUATED:offline", "ADVANCED:offline", "EVALUATED:shadow",
                "EVALUATED:shadow", "EVALUATED:shadow", "ADVANCED:shadow", "EVALUATED:canary-5", "ADVANCED:canary-5", "EVALUATED:canary-25",
                "APPROVED:canary-25", "ADVANCED:canary-25", "EVALUATED:full", "PROMOTED:full"), events);
        JsonNode approved = history.json().get("events").get(10);
        assertEquals("alice@laptop", approved.get("actor").asText());
        assertEquals("alice: dashboards look fine", approved.get("reason").asText());
    }

    @Test
    void aRegressedCanaryRollsBackWithItsReasonsAndCanRestart() throws Exception {
        Path dir = CliRunner.copyExample("fraud-detector", tmp);
        String spec = dir.resolve("rollout.yaml").toString();
        String exports = dir.resolve("exports").toString();
        cli.at("2026-03-02T14:00:00Z").run("advance", spec);
        for (String stage : List.of("offline", "shadow", "canary-5")) {
            assertEquals(0, cli.run("advance", spec, "--force", "--reason", "skip " + stage + " in this test").exit());
        }
        CliRunner.Result bad = cli.at("2026-03-02T21:00:00Z").run("evaluate", spec, "--metrics", exports + "/canary-25-regressed.csv",
                "--since", "2026-03-02T14:00:00Z");
        assertEquals(4, bad.exit(), bad.toString());
        assertTrue(bad.out().contains("critical gate failed: error_rate = "), bad.out());

        CliRunner.Result advance = cli.run("advance", spec);
        assertEquals(4, advance.exit(), advance.toString());
        CliRunner.Result rolled = cli.run("advance", spec, "--rollback-on-fail", "-o", "json");
        assertEquals(4, rolled.exit(), rolled.toString());
        assertEquals("ROLLED_BACK", rolled.json().get("status").asText());
        assertEquals(0, rolled.json().get("traffic").asInt());

        assertEquals(0, cli.run("rollback", spec, "--reason", "again").exit(), "rolling back a rolled-back rollout is a no-op");
        CliRunner.Result blocked = cli.run("advance", spec);
        assertEquals(5, blocked.exit(), blocked.toString());
        assertTrue(blocked.err().contains("advance --restart"), blocked.err());

        CliRunner.Result restarted = cli.run("advance", spec, "--restart", "--reason", "fixed the latency regression", "-o", "json");
        assertEquals(0, restarted.exit(), restarted.toString());
        assertEquals("offline", restarted.json().get("stage").get("name").asText());
        CliRunner.Result history = cli.run("history", spec, "-o", "json");
        JsonNode events = history.json().get("events");
        assertEquals("RESTARTED", events.get(events.size() - 1).get("event").asText());
        assertTrue(history.json().toString().contains("FORCED"));
        assertTrue(history.json().toString().contains("ROLLED_BACK"));
        String oldLineage = events.get(0).get("lineage").asText();
        assertFalse(oldLineage.equals(events.get(events.size() - 1).get("lineage").asText()), "a restart is a new lineage");
    }

    @Test
    void rollbackToPreviousAndToANamedStage() throws Exception {
        Path dir = CliRunner.copyExample("fraud-detector", tmp);
        String spec = dir.resolve("rollout.yaml").toString();
        cli.run("advance", spec);
        for (int i = 0; i < 3; i++) {
            cli.run("advance", spec, "--force", "--reason", "test");
        }
        CliRunner.Result prev = cli.run("rollback", spec, "--to-previous", "--reason", "errors", "-o", "json");
        assertEquals(0, prev.exit(), prev.toString());
        assertEquals("canary-5", prev.json().get("stage").get("name").asText());
        CliRunner.Result named = cli.run("rollback", spec, "--to", "offline", "--reason", "needs offline work", "-o", "json");
        assertEquals("offline", named.json().get("stage").get("name").asText());
        assertEquals("PROGRESSING", named.json().get("status").asText());
        assertEquals(5, cli.run("rollback", spec, "--to", "full", "--reason", "x").exit(), "a rollback never moves forward");
        assertEquals(1, cli.run("rollback", spec, "--to", "nope", "--reason", "x").exit());
        assertEquals(2, cli.run("rollback", spec).exit(), "--reason is required: a usage error");
    }

    @Test
    void forceNeedsAReasonAndIsRecordedAsForced() throws Exception {
        Path dir = CliRunner.copyExample("fraud-detector", tmp);
        String spec = dir.resolve("rollout.yaml").toString();
        cli.run("advance", spec);
        CliRunner.Result noReason = cli.run("advance", spec, "--force");
        assertEquals(1, noReason.exit());
        assertTrue(noReason.err().contains("--force needs --reason"), noReason.err());
        CliRunner.Result forced = cli.run("advance", spec, "--force", "--reason", "incident 123", "-o", "json");
        assertEquals("FORCED", forced.json().get("action").asText());
        assertTrue(cli.run("history", spec).out().contains("FORCED"));
    }

    @Test
    void dryRunAndIfStageMismatchWriteNothing() throws Exception {
        Path dir = CliRunner.copyExample("fraud-detector", tmp);
        String spec = dir.resolve("rollout.yaml").toString();
        Path state = dir.resolve(".rollout/fraud-detector.state.json");
        CliRunner.Result dry = cli.run("advance", spec, "--dry-run");
        assertEquals(0, dry.exit());
        assertFalse(Files.exists(state), "dry run wrote nothing");
        cli.run("advance", spec);
        byte[] before = Files.readAllBytes(state);
        assertEquals(5, cli.run("advance", spec, "--if-stage", "shadow").exit());
        assertEquals(0, cli.run("advance", spec, "--force", "--reason", "x", "--dry-run").exit());
        assertEquals(0, cli.run("rollback", spec, "--reason", "x", "--dry-run").exit());
        assertArrayEquals(before, Files.readAllBytes(state));
    }

    @Test
    void aChangedCandidateOrAMissingStageIsAConflictUntilRestart() throws Exception {
        Path dir = CliRunner.copyExample("fraud-detector", tmp);
        Path spec = dir.resolve("rollout.yaml");
        cli.run("advance", spec.toString());
        String text = Files.readString(spec);
        Files.writeString(spec, text.replace("candidate: \"42\"", "candidate: \"43\""));
        CliRunner.Result changed = cli.run("advance", spec.toString());
        assertEquals(5, changed.exit(), changed.toString());
        assertTrue(changed.err().contains("candidate is 43 but this rollout is of candidate 42"), changed.err());
        assertEquals(0, cli.run("advance", spec.toString(), "--restart").exit());

        Files.writeString(spec, Files.readString(spec).replace("name: offline ", "name: replay "));
        CliRunner.Result gone = cli.run("advance", spec.toString());
        assertEquals(5, gone.exit(), gone.toString());
        assertTrue(gone.err().contains("stage 'offline', which is no longer in the spec"), gone.err());
        CliRunner.Result status = cli.run("status", spec.toString(), "-o", "json");
        assertTrue(status.json().get("specChanged").asBoolean());
    }

    @Test
    void aBadSpecIsExitOneWithPathAndLineAndTheStateIsUntouched() throws Exception {
        Path dir = CliRunner.copyExample("fraud-detector", tmp);
        Path spec = dir.resolve("rollout.yaml");
        cli.run("advance", spec.toString());
        Path state = dir.resolve(".rollout/fraud-detector.state.json");
        byte[] before = Files.readAllBytes(state);
        Files.writeString(spec, Files.readString(spec).replace("traffic: 25", "traffic: 125"));
        CliRunner.Result r = cli.run("advance", spec.toString(), "--force", "--reason", "x");
        assertEquals(1, r.exit());
        assertEquals("rollout: " + spec + ": stages[3].traffic (line 24, column 14): must be between 0 and 100, found 125\n", r.err());
        CliRunner.Result json = cli.run("plan", spec.toString(), "-o", "json");
        assertEquals(1, json.json().get("error").get("code").asInt());
        assertTrue(json.json().get("error").get("message").asText().contains("stages[3].traffic (line 24"));
        assertArrayEquals(before, Files.readAllBytes(state));
    }

    @Test
    void aMalformedExportIsExitOneNamingFileLineAndColumnAndWritesNothing() throws Exception {
        Path dir = CliRunner.copyExample("fraud-detector", tmp);
        String spec = dir.resolve("rollout.yaml").toString();
        cli.run("advance", spec);
        Path state = dir.resolve(".rollout/fraud-detector.state.json");
        byte[] before = Files.readAllBytes(state);
        Path bad = tmp.resolve("bad.csv");
        Files.writeString(bad, "ts,model_version,is_fraud,flagged,fraud_score,latency_ms,is_error\n"
                + "2026-03-02T08:00:01Z,41,0,0,0.02,87.5,0\n"
                + "2026-03-02T08:00:02Z,42,0,0,0.09,fast,0\n");
        CliRunner.Result r = cli.at("2026-03-02T09:00:00Z").run("evaluate", spec, "--metrics", bad.toString());
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains(bad.toString()) && r.err().contains("latency_ms") && r.err().contains("line 3"), r.err());
        assertArrayEquals(before, Files.readAllBytes(state));
    }

    @Test
    void usageErrorsExitTwo() throws Exception {
        assertEquals(2, cli.run("advance").exit());
        String spec = CliRunner.copyExample("fraud-detector", tmp).resolve("rollout.yaml").toString();
        // Whether --metrics is needed is the spec's to say (metrics may name sources): a spec that reads files needs it.
        CliRunner.Result noMetrics = cli.run("evaluate", spec);
        assertEquals(2, noMetrics.exit(), noMetrics.toString());
        assertTrue(noMetrics.err().contains("--metrics"), noMetrics.err());
        CliRunner.Result unknown = cli.run("frobnicate");
        assertEquals(2, unknown.exit());
        assertEquals(0, cli.run("--version").exit());
        assertTrue(cli.run("--help").out().contains("Exit codes"));
    }

    @Test
    void planShowsStagesGatesPositionAndNextStep() throws Exception {
        Path dir = CliRunner.copyExample("search-ranker", tmp);
        String spec = dir.resolve("rollout.yaml").toString();
        CliRunner.Result before = cli.run("plan", spec);
        assertEquals(0, before.exit(), before.toString());
        assertTrue(before.out().contains("Next: start the rollout in stage shadow (0 % traffic)"), before.out());
        assertTrue(before.out().contains("region=eu"), before.out());
        cli.run("advance", spec);
        CliRunner.Result json = cli.run("plan", spec, "-o", "json");
        assertEquals("PROGRESSING", json.json().get("status").asText());
        assertEquals(3, json.json().get("stages").size());
        assertTrue(json.json().get("next").asText().startsWith("hold: bake time not over"), json.out());
    }

    @Test
    void statusOfADirectoryListsEveryRollout() throws Exception {
        Path fraud = CliRunner.copyExample("fraud-detector", tmp);
        cli.run("advance", fraud.resolve("rollout.yaml").toString());
        CliRunner.Result r = cli.run("status", "--dir", fraud.toString(), "-o", "json");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("fraud-detector", r.json().get("rollouts").get(0).get("rollout").asText());
        assertEquals("offline", r.json().get("rollouts").get(0).get("stage").get("name").asText());
        CliRunner.Result text = cli.run("status", fraud.resolve("rollout.yaml").toString());
        assertTrue(text.out().startsWith("fraud-detector  PROGRESSING  stage 1 offline  traffic 0 %  candidate 42 (baseline 41)"), text.out());
    }

    @Test
    void theSegmentedRankerNeedsApprovalToLeaveTheEuStage() throws Exception {
        Path dir = CliRunner.copyExample("search-ranker", tmp);
        String spec = dir.resolve("rollout.yaml").toString();
        String exports = dir.resolve("exports").toString();
        assertEquals(0, cli.at("2026-04-07T09:00:00Z").run("advance", spec).exit());
        CliRunner.Result shadow = cli.at("2026-04-07T12:00:00Z").run("advance", spec, "--metrics", exports + "/shadow.csv");
        assertEquals(0, shadow.exit(), shadow.toString());
        CliRunner.Result eu = cli.at("2026-04-07T16:00:00Z").run("advance", spec, "--metrics", exports + "/eu.csv");
        assertEquals(3, eu.exit(), eu.toString());
        assertTrue(eu.out().contains("needs an approval"), eu.out());
        assertTrue(eu.out().contains("advisory"), "the advisory metric is explained: " + eu.out());
        cli.run("approve", spec, "--by", "bob");
        assertEquals(0, cli.run("advance", spec).exit());
        CliRunner.Result done = cli.at("2026-04-07T18:00:00Z").run("advance", spec, "--metrics", exports + "/global.csv", "-o", "json");
        assertEquals("PROMOTED", done.json().get("status").asText(), done.toString());
    }
}
