package dev.rollout.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each rule of the decision (DESIGN.md §2), end to end through `rollout evaluate` on real files. */
class DecisionRulesTest {

    @TempDir
    Path tmp;

    static final String SPEC = """
            version: 1
            name: rules
            model: {baseline: a, candidate: b}
            stages:
              - {name: canary, traffic: 5, minSamples: 3, bake: 1h}
              - {name: full, traffic: 100}
            data: {timestamp: ts, variant: {column: v}}
            metrics:
              - {name: acc, weight: 0.7, gate: {min: 0.5, critical: true}}
              - {name: lat, column: latency, aggregate: p95, direction: lower, normalize: {best: 0, worst: 1000}, weight: 0.3, gate: {max: 900}}
              - {name: tox, column: unsafe, aggregate: rate, direction: lower, weight: 0, advisory: true, gate: {max: 0.1, critical: true}}
            scoring: {promote: 0.8, rollback: 0.6}
            """;

    /** Rows as "acc latency unsafe" for the candidate; the baseline always has good rows. */
    CliRunner.Result evaluate(String candidateRows, String at) throws Exception {
        Path spec = tmp.resolve("rules.yaml");
        Files.writeString(spec, SPEC);
        StringBuilder csv = new StringBuilder("ts,v,acc,latency,unsafe\n");
        for (int i = 0; i < 3; i++) {
            csv.append("2026-01-01T00:1").append(i).append(":00Z,a,0.9,100,0\n");
        }
        int i = 0;
        for (String row : candidateRows.split(";")) {
            if (row.isBlank()) {
                continue;
            }
            String[] f = row.split(" ", -1);
            csv.append("2026-01-01T00:2").append(i++).append(":00Z,b,").append(f[0]).append(',').append(f[1]).append(',')
                    .append(f[2]).append('\n');
        }
        Path data = tmp.resolve("data.csv");
        Files.writeString(data, csv.toString());
        CliRunner cli = new CliRunner().at("2026-01-01T00:00:00Z");
        if (!Files.exists(tmp.resolve(".rollout/rules.state.json"))) {
            assertEquals(0, cli.run("advance", spec.toString()).exit());
        }
        return cli.at(at).run("evaluate", spec.toString(), "--metrics", data.toString(), "-o", "json");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            too few rows, even with a failing critical gate | 0.1 100 0;0.1 100 0           | 2026-01-01T02:00:00Z | HOLD     | 3 | only 2 candidate rows in the window; stage canary needs minSamples 3
            critical gate fails during the bake time        | 0.4 100 0;0.4 100 0;0.4 100 0 | 2026-01-01T00:30:00Z | ROLLBACK | 4 | critical gate failed: acc = 0.4 < min 0.5
            score below the rollback threshold              | 0.6 900 0;0.6 900 0;0.6 900 0 | 2026-01-01T02:00:00Z | ROLLBACK | 4 | score 0.45 < rollback threshold 0.6
            bake time not over                              | 0.9 100 0;0.9 100 0;0.9 100 0 | 2026-01-01T00:30:00Z | HOLD     | 3 | bake time not over: 30m of 1h in stage canary (30m left)
            score between the thresholds                    | 0.7 300 0;0.7 300 0;0.7 300 0 | 2026-01-01T02:00:00Z | HOLD     | 3 | score 0.7 is below the promote threshold 0.8 (rollback below 0.6)
            a non-critical gate failed                      | 1 950 0;1 950 0;1 950 0       | 2026-01-01T02:00:00Z | HOLD     | 3 | lat = 950 > max 900
            a metric with no data                           | ' 100 0; 100 0;NaN 100 0'     | 2026-01-01T02:00:00Z | HOLD     | 3 | no score: acc has no value
            everything passes                               | 0.9 100 0;0.9 100 0;0.9 100 0 | 2026-01-01T02:00:00Z | PROMOTE  | 0 | score 0.9 >= promote threshold 0.8 and every gate passed
            an advisory gate fails but does not decide      | 0.9 100 1;0.9 100 0;0.9 100 0 | 2026-01-01T02:00:00Z | PROMOTE  | 0 | advisory, not enforced: tox = 0.333333 > max 0.1
            """)
    void decidesByTheRulesInOrder(String rule, String rows, String at, String decision, int exit, String reason) throws Exception {
        CliRunner.Result r = evaluate(rows, at);
        assertEquals(exit, r.exit(), r.toString());
        JsonNode j = r.json();
        assertEquals(decision, j.get("decision").asText(), rule);
        List<String> reasons = new java.util.ArrayList<>();
        j.get("reasons").forEach(x -> reasons.add(x.asText()));
        assertTrue(reasons.contains(reason), rule + ": " + reasons);
        assertTrue(j.get("recorded").asBoolean(), "a started rollout records every evaluation");
    }

    @Test
    void aMetricWithNoDataIsNullInJsonWithANote() throws Exception {
        CliRunner.Result r = evaluate(" 100 0; 100 0;NaN 100 0", "2026-01-01T02:00:00Z");
        JsonNode acc = r.json().get("metrics").get(0);
        assertTrue(acc.get("candidate").isNull());
        assertTrue(acc.get("p").isNull());
        assertTrue(r.json().get("score").isNull());
        assertEquals("no candidate values in the window (3 empty or NaN cells)", acc.get("notes").get(0).asText());
        assertFalse(acc.get("gate").get("passed").asBoolean());
        assertFalse(acc.get("gate").get("failed").asBoolean(), "not checked is not failed: no rollback on missing data");
    }

    @Test
    void theRegressedFraudCanaryRollsBackAsTheReadmeShows() throws Exception {
        Path dir = CliRunner.copyExample("fraud-detector", tmp);
        CliRunner.Result r = new CliRunner().run("evaluate", dir.resolve("rollout.yaml").toString(), "--metrics",
                dir.resolve("exports/canary-25-regressed.csv").toString(), "--dry-run");
        assertEquals(4, r.exit(), r.toString());
        assertTrue(r.out().contains("critical gate failed: error_rate = 0.03 > max 0.01"), r.out());
    }
}
