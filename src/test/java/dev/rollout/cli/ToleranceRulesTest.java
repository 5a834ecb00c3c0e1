package dev.rollout.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * promoteAfter, rollbackAfter, immediate critical gates, deadlines and onMissing, end to end
 * through {@code evaluate}, {@code advance} and {@code status} on real files.
 */
class ToleranceRulesTest {

    @TempDir
    Path tmp;

    static final String T0 = "2026-03-02T09:00:00Z";

    static final String SPEC = """
            version: 1
            name: tolerant
            model: {baseline: a, candidate: b}
            stages:
              - {name: canary-5, traffic: 5, bake: 2h, promoteAfter: 3, rollbackAfter: 2, deadline: 48h}
              - {name: full, traffic: 100, promoteAfter: 2}
            data: {timestamp: ts, variant: {column: v}}
            metrics:
              - {name: acc, gate: {min: 0.5, critical: true}}
            """;

    Path spec(String text) throws Exception {
        Path spec = tmp.resolve("tolerant.yaml");
        Files.writeString(spec, text);
        return spec;
    }

    /** An export whose candidate rows all have accuracy {@code acc}, written at {@code at}. */
    Path export(String acc, String at) throws Exception {
        StringBuilder csv = new StringBuilder("ts,v,acc\n");
        for (int i = 0; i < 3; i++) {
            csv.append(at).append(",a,0.9\n").append(at).append(",b,").append(acc).append('\n');
        }
        Path data = tmp.resolve("export.csv");
        Files.writeString(data, csv.toString());
        return data;
    }

    CliRunner.Result evaluate(Path spec, String acc, String at) throws Exception {
        return new CliRunner().at(at).run("evaluate", spec.toString(), "--metrics", export(acc, "2026-03-02T09:30:00Z").toString(),
                "-o", "json");
    }

    JsonNode streaks(Path spec, String at) {
        CliRunner.Result r = new CliRunner().at(at).run("status", spec.toString(), "-o", "json");
        assertEquals(0, r.exit(), r.toString());
        return r.json().get("stage").get("streaks");
    }

    Path started(String text) throws Exception {
        Path spec = spec(text);
        assertEquals(0, new CliRunner().at(T0).run("advance", spec.toString()).exit());
        return spec;
    }

    @Test
    void aRollbackWaitsForRollbackAfterEvaluationsInARow() throws Exception {
        Path spec = started(SPEC);
        CliRunner.Result first = evaluate(spec, "0.4", "2026-03-02T10:00:00Z");
        assertEquals(3, first.exit(), first.toString());
        assertEquals("HOLD", first.json().get("decision").asText());
        assertEquals("ROLLBACK", first.json().get("rules").get("decision").asText());
        assertTrue(first.json().get("reasons").get(0).asText().startsWith("1 of 2 consecutive rollback evaluations"),
                first.toString());
        assertEquals(1, streaks(spec, "2026-03-02T10:00:00Z").get("rollback").asInt());
        // A good reading in between ends the streak: the next bad one is the first again.
        assertEquals(3, evaluate(spec, "0.9", "2026-03-02T10:10:00Z").exit(), "bake time not over: HOLD");
        assertEquals(0, streaks(spec, "2026-03-02T10:10:00Z").get("rollback").asInt());
        assertEquals(3, evaluate(spec, "0.4", "2026-03-02T10:20:00Z").exit());
        CliRunner.Result second = evaluate(spec, "0.4", "2026-03-02T10:30:00Z");
        assertEquals(4, second.exit(), second.toString());
        assertEquals("ROLLBACK", second.json().get("decision").asText());
        assertTrue(second.json().get("reasons").get(0).asText().startsWith("2 consecutive rollback evaluations"), second.toString());
        CliRunner.Result text = new CliRunner().at("2026-03-02T10:30:00Z").run("status", spec.toString());
        assertTrue(text.out().contains("in a row in this stage: 0 of 3 PROMOTE (promoteAfter), 2 of 2 ROLLBACK (rollbackAfter)"),
                text.out());
        CliRunner.Result advance = new CliRunner().at("2026-03-02T10:31:00Z").run("advance", spec.toString(), "--rollback-on-fail");
        assertEquals(4, advance.exit(), advance.toString());
        assertTrue(advance.out().startsWith("ROLLED_BACK\n"), advance.toString());
    }

    @Test
    void anImmediateCriticalGateRollsBackAtOnce() throws Exception {
        Path spec = started(SPEC.replace("critical: true}", "critical: true, immediate: true}"));
        CliRunner.Result r = evaluate(spec, "0.4", "2026-03-02T10:00:00Z");
        assertEquals(4, r.exit(), r.toString());
        assertEquals("ROLLBACK", r.json().get("decision").asText());
        assertTrue(r.json().get("rules").get("immediate").asBoolean());
        assertFalse(r.out().contains("consecutive rollback evaluations"), r.out());
    }

    @Test
    void advanceWaitsForPromoteAfterPromotesInARowAndTheStreaksStartAgainInTheNextStage() throws Exception {
        Path spec = started(SPEC);
        assertEquals(0, evaluate(spec, "0.9", "2026-03-02T11:00:00Z").exit());
        assertEquals(0, evaluate(spec, "0.9", "2026-03-02T11:10:00Z").exit());
        CliRunner.Result early = new CliRunner().at("2026-03-02T11:11:00Z").run("advance", spec.toString());
        assertEquals(3, early.exit(), early.toString());
        assertTrue(early.out().contains("only 2 of 3 consecutive PROMOTE evaluations in stage canary-5 (promoteAfter 3)"),
                early.out());
        // A HOLD in between ends the streak.
        assertEquals(3, evaluate(spec, "0.45", "2026-03-02T11:20:00Z").exit(), "1 of 2 rollbacks: HOLD");
        assertEquals(0, evaluate(spec, "0.9", "2026-03-02T11:30:00Z").exit());
        assertEquals(1, streaks(spec, "2026-03-02T11:30:00Z").get("promote").asInt());
        assertEquals(0, evaluate(spec, "0.9", "2026-03-02T11:40:00Z").exit());
        CliRunner.Result stillEarly = new CliRunner().at("2026-03-02T11:41:00Z").run("advance", spec.toString());
        assertEquals(3, stillEarly.exit(), stillEarly.toString());
        // advance --metrics counts its own evaluation before it decides.
        CliRunner.Result moved = new CliRunner().at("2026-03-02T11:50:00Z").run("advance", spec.toString(), "--metrics",
                export("0.9", "2026-03-02T09:30:00Z").toString());
        assertEquals(0, moved.exit(), moved.toString());
        assertTrue(moved.out().contains("moved from canary-5 to full"), moved.out());
        JsonNode fresh = streaks(spec, "2026-03-02T11:50:00Z");
        assertEquals(0, fresh.get("promote").asInt());
        assertEquals(0, fresh.get("rollback").asInt());
    }

    @Test
    void pastItsDeadlineAStageRollsBackEvenWithoutData() throws Exception {
        Path spec = started(SPEC.replace("bake: 2h,", "bake: 2h, minSamples: 1000,"));
        CliRunner.Result before = evaluate(spec, "0.9", "2026-03-04T08:59:00Z");
        assertEquals(3, before.exit(), "too few rows: HOLD " + before);
        CliRunner.Result late = evaluate(spec, "0.9", "2026-03-04T09:00:00Z");
        assertEquals(4, late.exit(), late.toString());
        assertEquals("canary-5 entered 2026-03-02T09:00Z, deadline 48h passed", late.json().get("reasons").get(0).asText());
        assertTrue(late.json().get("rules").get("immediate").asBoolean(), "rollbackAfter does not wait out a deadline");
    }

    @Test
    void advanceDoesNotLeaveAStagePastItsDeadlineForwards() throws Exception {
        Path spec = started(SPEC.replace("promoteAfter: 3", "promoteAfter: 1"));
        assertEquals(0, evaluate(spec, "0.9", "2026-03-02T11:00:00Z").exit());
        CliRunner.Result held = new CliRunner().at("2026-03-04T10:00:00Z").run("advance", spec.toString());
        assertEquals(4, held.exit(), held.toString());
        assertTrue(held.out().contains("canary-5 entered 2026-03-02T09:00Z, deadline 48h passed"), held.out());
        CliRunner.Result rolled = new CliRunner().at("2026-03-04T10:00:00Z").run("advance", spec.toString(), "--rollback-on-fail",
                "-o", "json");
        assertEquals(4, rolled.exit(), rolled.toString());
        assertEquals("ROLLED_BACK", rolled.json().get("status").asText());
    }

    static final String MISSING = """
            version: 1
            name: missing
            model: {baseline: a, candidate: b}
            stages:
              - {name: canary, traffic: 5}
            data: {variant: {column: v}}
            metrics:
              - {name: acc}
              - {name: lat, direction: lower, normalize: {best: 0, worst: 1000}, onMissing: ONMISSING}
            """;

    CliRunner.Result evaluateMissing(String onMissing) throws Exception {
        Path spec = spec(MISSING.replace("ONMISSING", onMissing));
        Path data = tmp.resolve("missing.csv");
        Files.writeString(data, "v,acc,lat\na,0.9,100\nb,0.9,\nb,0.9,NaN\n");
        return new CliRunner().at(T0).run("evaluate", spec.toString(), "--metrics", data.toString(), "-o", "json");
    }

    @Test
    void onMissingHoldRollbackOrIgnore() throws Exception {
        CliRunner.Result hold = evaluateMissing("hold");
        assertEquals(3, hold.exit(), hold.toString());
        assertTrue(hold.json().get("reasons").toString().contains("no score: lat has no value"), hold.out());
        CliRunner.Result rollback = evaluateMissing("rollback");
        assertEquals(4, rollback.exit(), rollback.toString());
        assertTrue(rollback.json().get("reasons").toString().contains("lat has no candidate value, and its onMissing is rollback"),
                rollback.out());
        CliRunner.Result ignore = evaluateMissing("ignore");
        assertEquals(0, ignore.exit(), ignore.toString());
        assertEquals(0.9, ignore.json().get("score").asDouble(), 1e-12, "the score is acc's alone");
        assertTrue(ignore.json().get("reasons").toString().contains("lat has no candidate value: left out of the score and the gates"),
                ignore.out());
        assertTrue(ignore.json().get("metrics").get(1).get("notes").toString().contains("onMissing: ignore"), ignore.out());
    }

    @Test
    void aSpecWhoseEveryMetricCouldBeIgnoredIsRefused() throws Exception {
        Path spec = spec(MISSING.replace("ONMISSING", "ignore").replace("{name: acc}", "{name: acc, onMissing: ignore}"));
        CliRunner.Result r = new CliRunner().run("plan", spec.toString());
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().startsWith("rollout: " + spec + ": metrics (line 8"), r.err());
        assertTrue(r.err().contains("every metric has onMissing: ignore"), r.err());
    }

    @Test
    void badToleranceKeysAreRefusedWithTheirLine() throws Exception {
        Path spec = spec(SPEC.replace("deadline: 48h", "deadline: 1h"));
        CliRunner.Result r = new CliRunner().run("plan", spec.toString());
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("stages[0].deadline (line 5") && r.err().contains("must be longer than the bake time (2h)"),
                r.err());
        Path immediate = spec(SPEC.replace("critical: true}", "immediate: true}"));
        CliRunner.Result i = new CliRunner().run("plan", immediate.toString());
        assertEquals(1, i.exit(), i.toString());
        assertTrue(i.err().contains("metrics[0].gate.immediate (line 9") && i.err().contains("add critical: true"), i.err());
        Path zero = spec(SPEC.replace("rollbackAfter: 2", "rollbackAfter: 0"));
        assertEquals(1, new CliRunner().run("plan", zero.toString()).exit());
    }
}
