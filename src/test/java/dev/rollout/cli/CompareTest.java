package dev.rollout.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `compare:` end to end: verdicts drive the decision, JSON carries them, looks share their memory. */
class CompareTest {

    @TempDir
    Path tmp;

    Path spec(String compare, boolean critical) throws Exception {
        Path spec = tmp.resolve("c.yaml");
        Files.writeString(spec, """
                version: 1
                name: cmp
                model: {baseline: a, candidate: b}
                stages: [{name: canary, traffic: 5}, {name: all, traffic: 100}]
                data: {timestamp: ts, variant: {column: v}}
                metrics:
                  - {name: acc, weight: 1}
                  - name: latency
                    column: latency_ms
                    direction: lower
                    weight: 0
                """ + "    gate: {max: 100000, critical: " + critical + "}\n    compare: " + compare + "\n");
        return spec;
    }

    Path data(double candidateShift, int rows, long seed, int minuteOffset) throws Exception {
        Random r = new Random(seed);
        StringBuilder csv = new StringBuilder("ts,v,acc,latency_ms\n");
        for (int i = 0; i < rows; i++) {
            String ts = java.time.Instant.parse("2026-01-01T00:00:00Z").plusSeconds(60L * minuteOffset + i).toString();
            csv.append(ts).append(",a,0.9,").append(String.format(java.util.Locale.ROOT, "%.3f", 100 + 10 * r.nextGaussian())).append('\n');
            csv.append(ts).append(",b,0.9,").append(String.format(java.util.Locale.ROOT, "%.3f", 100 + candidateShift + 10 * r.nextGaussian())).append('\n');
        }
        Path p = tmp.resolve("d" + seed + ".csv");
        Files.writeString(p, csv.toString());
        return p;
    }

    CliRunner.Result evaluate(Path spec, Path data) {
        CliRunner cli = new CliRunner().at("2026-01-01T00:00:00Z");
        if (!Files.exists(tmp.resolve(".rollout/cmp.state.json"))) {
            cli.run("advance", spec.toString());
        }
        return cli.at("2026-01-01T06:00:00Z").run("evaluate", spec.toString(), "--metrics", data.toString(), "-o", "json");
    }

    @Test
    void aCriticalMetricThatIsWorseRollsBackWithTheComparisonInJson() throws Exception {
        CliRunner.Result r = evaluate(spec("{test: welch, margin: 2}", true), data(15, 400, 1, 0));
        assertEquals(4, r.exit(), r.toString());
        JsonNode c = r.json().get("metrics").get(1).get("compare");
        assertEquals("welch", c.get("test").asText());
        assertEquals("WORSE", c.get("verdict").asText());
        for (String field : new String[] {"estimate", "lower", "upper", "pValue"}) {
            assertTrue(c.get(field).isNumber(), field + " in " + c);
        }
        assertEquals(400, c.get("samples").get("candidate").asLong());
        assertTrue(r.json().get("reasons").get(0).asText().startsWith("critical gate failed: latency +1"), r.out());
    }

    @Test
    void aNonCriticalWorseHoldsAndInconclusiveHolds() throws Exception {
        CliRunner.Result worse = evaluate(spec("{test: mann-whitney, margin: 2}", false), data(15, 400, 2, 0));
        assertEquals(3, worse.exit(), worse.toString());
        assertEquals("WORSE", worse.json().get("metrics").get(1).get("compare").get("verdict").asText());
        CliRunner.Result unsure = new CliRunner().at("2026-01-01T06:00:00Z").run("evaluate", tmp.resolve("c.yaml").toString(),
                "--metrics", data(2, 60, 3, 0).toString(), "-o", "json");
        assertEquals(3, unsure.exit(), unsure.toString());
        assertEquals("INCONCLUSIVE", unsure.json().get("metrics").get(1).get("compare").get("verdict").asText());
    }

    @Test
    void aBetterCandidateIsNotWorseAndPromotes() throws Exception {
        CliRunner.Result r = evaluate(spec("{test: sequential, margin: 5%}", true), data(-3, 500, 4, 0));
        assertEquals(0, r.exit(), r.toString());
        assertEquals("NOT_WORSE", r.json().get("metrics").get(1).get("compare").get("verdict").asText());
    }

    @Test
    void sequentialLooksInAStageKeepTheSmallestPValueInTheState() throws Exception {
        Path spec = spec("{test: sequential, margin: 2, tau: 2}", false);
        CliRunner cli = new CliRunner().at("2026-01-01T00:00:00Z");
        cli.run("advance", spec.toString());
        Path early = data(6, 120, 5, 0);
        CliRunner.Result first = cli.at("2026-01-01T01:00:00Z").run("evaluate", spec.toString(), "--metrics", early.toString(), "-o", "json");
        double p1 = first.json().get("metrics").get(1).get("compare").get("pValue").asDouble();
        Path noisy = data(0, 60, 6, 0);
        CliRunner.Result second = cli.at("2026-01-01T02:00:00Z").run("evaluate", spec.toString(), "--metrics", noisy.toString(), "-o", "json");
        double p2 = second.json().get("metrics").get(1).get("compare").get("pValue").asDouble();
        assertTrue(p2 <= p1, "the reported p-value never grows within a stage: " + p1 + " then " + p2);
        JsonNode state = new com.fasterxml.jackson.databind.ObjectMapper().readTree(tmp.resolve(".rollout/cmp.state.json").toFile());
        assertEquals(p2, state.get("lastEvaluation").get("sequential").get("latency").get("pValue").asDouble(), 0.0);
        String text = cli.run("evaluate", spec.toString(), "--metrics", noisy.toString(), "--dry-run").out();
        assertTrue(text.contains("  latency ") && text.contains("(95 % CI ") && text.contains(", sequential, p "), text);
    }
}
