package dev.rollout.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.rollout.cli.CliRunner.metric;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Late labels through the real CLI on rollouts/fraud-late-labels: joined on request_id, mature
 * predictions only, coverage below minCoverage holds, and a key twice is an error naming both lines.
 */
class LabelsTest {

    static final String NOW = "2026-03-03T00:00:00Z";

    @TempDir
    Path tmp;

    private Path dir;

    private CliRunner.Result evaluate(String... args) throws Exception {
        dir = dir == null ? CliRunner.copyExample("fraud-late-labels", tmp) : dir;
        List<String> all = new ArrayList<>(List.of("evaluate", dir.resolve("rollout.yaml").toString(), "--metrics",
                dir.resolve("exports/predictions.csv").toString(), "--dry-run"));
        for (String a : args) {
            all.add(a.startsWith("labels/") ? dir.resolve(a).toString() : a);
        }
        return new CliRunner().at(NOW).run(all.toArray(String[]::new));
    }

    @Test
    void holdsUntilEightyPercentOfTheMaturePredictionsHaveTheirLabel() throws Exception {
        CliRunner.Result early = evaluate("--labels", "labels/day-1.csv");
        assertEquals(3, early.exit(), early.toString());
        assertTrue(early.out().contains("labels for 643 of the candidate's 1015 mature predictions (63.3498 %); minCoverage is 80 %"),
                early.out());
        CliRunner.Result later = evaluate("--labels", "labels/day-1.csv", "labels/day-2.csv.gz");
        assertEquals(0, later.exit(), later.toString());

        // advance takes --labels too, and moves only once the labels are in.
        String spec = dir.resolve("rollout.yaml").toString();
        String predictions = dir.resolve("exports/predictions.csv").toString();
        CliRunner cli = new CliRunner();
        assertEquals(0, cli.at("2026-03-01T00:00:00Z").run("advance", spec).exit());
        CliRunner.Result held = cli.at(NOW).run("advance", spec, "--metrics", predictions, "--labels",
                dir.resolve("labels/day-1.csv").toString());
        assertEquals(3, held.exit(), held.toString());
        CliRunner.Result moved = cli.at(NOW).run("advance", spec, "--metrics", predictions, "--labels",
                dir.resolve("labels/day-1.csv").toString(), dir.resolve("labels/day-2.csv.gz").toString());
        assertEquals(0, moved.exit(), moved.toString());
        assertTrue(moved.out().contains("full"), moved.out());
    }

    @Test
    void labelMetricsUseTheJoinedMaturePredictionsOnlyAsPandasMergeDoes() throws Exception {
        JsonNode e = evaluate("--labels", "labels/day-1.csv", "-o", "json").json();
        JsonNode expected = new ObjectMapper().readTree(dir.resolve("expected.json").toFile());
        JsonNode labels = e.get("labels");
        assertEquals(expected.get("fraud-v8").get("mature").asLong(), labels.get("candidateMature").asLong());
        assertEquals(expected.get("fraud-v8").get("labeled").asLong(), labels.get("candidateLabeled").asLong());
        assertEquals(expected.get("fraud-v7").get("mature").asLong(), labels.get("baselineMature").asLong());
        assertEquals(expected.get("fraud-v7").get("labeled").asLong(), labels.get("baselineLabeled").asLong());
        assertEquals("2026-03-02T00:00:00Z", labels.get("matureUntil").asText());
        for (String name : List.of("recall", "precision", "auc", "brier")) {
            JsonNode m = metric(e, name);
            for (String[] v : List.of(new String[] {"fraud-v7", "baseline"}, new String[] {"fraud-v8", "candidate"})) {
                double want = expected.get(v[0]).get(name).asDouble();
                assertEquals(want, m.get(v[1]).asDouble(), Math.abs(want) * 1e-12, name + " " + v[1]);
                assertEquals(expected.get(v[0]).get("labeled").asLong(), m.get("samples").get(v[1]).asLong(), name + " samples");
            }
        }
        // A metric that reads no label keeps every prediction in the window, mature or not.
        assertEquals(2000, metric(e, "latency_p95").get("samples").get("candidate").asLong());
    }

    @Test
    void aKeyTwiceIsAnErrorNamingBothLines() throws Exception {
        CliRunner.Result first = evaluate("--labels", "labels/day-1.csv");
        assertEquals(3, first.exit());
        List<String> lines = Files.readAllLines(dir.resolve("labels/day-1.csv"));
        String again = lines.get(5); // line 6 of day-1.csv
        Path extra = dir.resolve("labels/again.csv");
        Files.writeString(extra, "request_id,is_fraud\nreq-99999,0\n" + again + "\n");
        CliRunner.Result r = evaluate("--labels", "labels/day-1.csv", "labels/again.csv");
        assertEquals(1, r.exit(), r.toString());
        String key = again.substring(0, again.indexOf(','));
        assertTrue(r.err().contains("again.csv") && r.err().contains("line 3") && r.err().contains("'" + key + "'")
                && r.err().contains("day-1.csv line 6"), r.err());
    }

    @Test
    void labelsAndTheSpecMustAgree() throws Exception {
        CliRunner.Result none = evaluate();
        assertEquals(1, none.exit(), none.toString());
        assertTrue(none.err().contains("--labels FILE"), none.err());
        Path spec = dir.resolve("rollout.yaml");
        String text = Files.readString(spec);
        Files.writeString(spec, text.substring(0, text.indexOf("  labels:")) + text.substring(text.indexOf("metrics:\n")));
        CliRunner.Result unexpected = evaluate("--labels", "labels/day-1.csv");
        assertEquals(1, unexpected.exit(), unexpected.toString());
        assertTrue(unexpected.err().contains("--labels needs data.labels"), unexpected.err());
        Files.writeString(spec, text.replace("actual: is_fraud       #", "actual: chargeback     #"));
        CliRunner.Result column = evaluate("--labels", "labels/day-1.csv");
        assertEquals(1, column.exit(), column.toString());
        assertTrue(column.err().contains("day-1.csv") && column.err().contains("column 'chargeback' (data.labels.actual"),
                column.err());
    }
}
