package dev.rollout.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The history file is a format: other tools read it, and old files must read back. Every kind
 * of event is written here and its line compared byte for byte, keys and their order, nesting
 * and numbers; only what differs from run to run is replaced (the temp folder, the lineages,
 * the write ids).
 */
class HistoryFormatTest {

    @TempDir
    Path tmp;

    static final String SPEC = """
            version: 1
            name: pin
            model: {baseline: "1", candidate: "2"}
            stages:
              - {name: a, traffic: 0}
              - {name: b, traffic: 50, approval: true}
              - {name: c, traffic: 100}
            metrics:
              - {name: acc, gate: {min: 0.5, critical: true}}
              - {name: lat, column: latency, aggregate: p95, direction: lower, normalize: {best: 0, worst: 100}, weight: 0}
            data: {variant: {column: model_version}}
            """;

    static final String EXPORT = """
            model_version,acc,latency
            1,0.8,40
            2,0.9,30
            2,1.0,
            """;

    @Test
    void everyKindOfEventKeepsItsLineByteForByte() throws Exception {
        Path spec = tmp.resolve("pin.yaml");
        Files.writeString(spec, SPEC);
        Path csv = tmp.resolve("m.csv");
        Files.writeString(csv, EXPORT);
        CliRunner cli = new CliRunner().at("2026-03-02T08:00:00Z").actor("ci@test");
        String s = spec.toString();
        int[] exits = {
            cli.run("advance", s, "--reason", "go").exit(),
            cli.run("evaluate", s, "--metrics", csv.toString()).exit(),
            cli.run("advance", s).exit(),
            cli.at("2026-03-02T09:00:00Z").run("approve", s, "--by", "alice", "--reason", "fine").exit(),
            cli.run("rollback", s, "--to-previous", "--reason", "wait").exit(),
            cli.run("advance", s, "--force", "--reason", "f1").exit(),
            cli.run("advance", s, "--force", "--reason", "f2").exit(),
            cli.run("advance", s, "--force", "--reason", "f3").exit(),
        };
        Files.writeString(spec, SPEC.replace("traffic: 100}", "traffic: 100, minSamples: 2}"));
        int restart = cli.at("2026-03-02T10:00:00Z").run("advance", s, "--restart", "--reason", "again").exit();
        int rollback = cli.run("rollback", s, "--reason", "stop").exit();
        int fresh = cli.run("advance", s, "--restart", "--state", tmp.resolve("other.state.json").toString()).exit();
        assertEquals("[0, 0, 0, 0, 0, 0, 0, 0] 0 0 0", java.util.Arrays.toString(exits) + " " + restart + " " + rollback + " " + fresh);

        assertEquals("""
                {"at":"2026-03-02T08:00:00Z","event":"STARTED","rollout":"pin","lineage":"L1","serial":1,"stage":"a","actor":"ci@test","reason":"go","reasons":[],"details":{"traffic":0,"baseline":"1","candidate":"2"}}
                {"at":"2026-03-02T08:00:00Z","event":"EVALUATED","rollout":"pin","lineage":"L1","serial":2,"stage":"a","score":0.95,"decision":"PROMOTE","actor":"ci@test","reasons":["score 0.95 >= promote threshold 0.8 and every gate passed"],"details":{"inputs":[{"kind":"csv","path":"TMP/m.csv","sha256":"e7a6a593d236ec4cb1d92d9ecdc9dbfc314884b892ba2d30a82f7f1564c16f93","rows":3,"rowsInWindow":3}],"rows":{"baseline":1,"candidate":2,"other":0,"notes":[]},"metrics":[{"name":"acc","source":"mean(acc)","weight":1.0,"direction":"higher","advisory":false,"baseline":0.8,"candidate":0.95,"delta":0.15,"p":0.95,"samples":{"baseline":1,"candidate":2},"gate":{"passed":true,"failed":false,"critical":true,"reasons":[]},"notes":[]},{"name":"lat","source":"p95(latency)","weight":0.0,"direction":"lower","advisory":false,"baseline":40.0,"candidate":30.0,"delta":-10.0,"samples":{"baseline":1,"candidate":1},"gate":{"passed":true,"failed":false,"critical":false,"reasons":[]},"notes":["1 of the candidate's 2 rows left out: 'latency' is missing (empty, NaN or nan)"]}]}}
                {"at":"2026-03-02T08:00:00Z","event":"ADVANCED","rollout":"pin","lineage":"L1","serial":3,"stage":"a","toStage":"b","score":0.95,"decision":"PROMOTE","actor":"ci@test","reasons":[],"details":{"traffic":50,"previousTraffic":0}}
                {"at":"2026-03-02T09:00:00Z","event":"APPROVED","rollout":"pin","lineage":"L1","serial":4,"stage":"b","actor":"ci@test","reason":"alice: fine","reasons":[],"details":{"approvedBy":"alice"}}
                {"at":"2026-03-02T09:00:00Z","event":"ROLLED_BACK","rollout":"pin","lineage":"L1","serial":5,"stage":"b","toStage":"a","actor":"ci@test","reason":"wait","reasons":[],"details":{"traffic":0,"previousTraffic":50}}
                {"at":"2026-03-02T09:00:00Z","event":"FORCED","rollout":"pin","lineage":"L1","serial":6,"stage":"a","toStage":"b","actor":"ci@test","reason":"f1","reasons":[],"details":{"traffic":50,"previousTraffic":0}}
                {"at":"2026-03-02T09:00:00Z","event":"FORCED","rollout":"pin","lineage":"L1","serial":7,"stage":"b","toStage":"c","actor":"ci@test","reason":"f2","reasons":[],"details":{"traffic":100,"previousTraffic":50}}
                {"at":"2026-03-02T09:00:00Z","event":"FORCED","rollout":"pin","lineage":"L1","serial":8,"stage":"c","actor":"ci@test","reason":"f3","reasons":[],"details":{}}
                {"at":"2026-03-02T09:00:00Z","event":"PROMOTED","rollout":"pin","lineage":"L1","serial":8,"stage":"c","actor":"ci@test","reason":"f3","reasons":[],"details":{"candidate":"2"}}
                {"at":"2026-03-02T10:00:00Z","event":"SPEC_CHANGED","rollout":"pin","lineage":"L2","serial":9,"stage":"c","actor":"ci@test","reasons":[],"details":{"previousDigest":"540348a8b36de2ffe9b1ad0eb0edbc1cd55be7d24cc9fd7950a43c46d76bd9f4","digest":"191c105bf74972728165d95a2ba999b506b806ad5253bab7f526eb23023260f1"}}
                {"at":"2026-03-02T10:00:00Z","event":"RESTARTED","rollout":"pin","lineage":"L2","serial":9,"stage":"a","actor":"ci@test","reason":"again","reasons":[],"details":{"traffic":0,"candidate":"2","previousLineage":"L1"}}
                {"at":"2026-03-02T10:00:00Z","event":"ROLLED_BACK","rollout":"pin","lineage":"L2","serial":10,"stage":"a","actor":"ci@test","reason":"stop","reasons":[],"details":{"traffic":0,"previousTraffic":0}}
                """, normalized(tmp.resolve(".rollout/pin.history.jsonl")));
        assertEquals("""
                {"at":"2026-03-02T10:00:00Z","event":"STARTED","rollout":"pin","lineage":"L1","serial":1,"stage":"a","actor":"ci@test","reasons":[],"details":{"traffic":0,"candidate":"2"}}
                """, normalized(tmp.resolve("other.history.jsonl")));

        // Read back, each event says what its line says: history -o json adds only nulls for absent values.
        JsonNode shown = cli.run("history", s, "-o", "json").json().get("events");
        String[] recorded = Files.readString(tmp.resolve(".rollout/pin.history.jsonl")).split("\n");
        assertEquals(recorded.length, shown.size());
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < recorded.length; i++) {
            ObjectNode line = (ObjectNode) json.readTree(recorded[i]);
            line.remove("write");
            assertEquals(line, withoutNulls(shown.get(i)), recorded[i]);
        }
    }

    private static JsonNode withoutNulls(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            node.fields().forEachRemaining(f -> {
                if (!f.getValue().isNull()) {
                    out.set(f.getKey(), withoutNulls(f.getValue()));
                }
            });
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.forEach(n -> out.add(withoutNulls(n)));
            return out;
        }
        return node;
    }

    @Test
    void aLineWhoseDetailsLackWhatItsEventRecordsIsRefusedNamingTheLine() throws Exception {
        Path spec = tmp.resolve("pin.yaml");
        Files.writeString(spec, SPEC);
        CliRunner cli = new CliRunner().at("2026-03-02T08:00:00Z");
        assertEquals(0, cli.run("advance", spec.toString()).exit());
        Path history = tmp.resolve(".rollout/pin.history.jsonl");
        String started = Files.readString(history);
        Files.writeString(history, started.replace("\"event\":\"STARTED\"", "\"event\":\"ADVANCED\"")
                .replace("\"traffic\":0,", "") + started);
        CliRunner.Result r = cli.run("history", spec.toString());
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("pin.history.jsonl (line 1): not a valid history event (") && r.err().contains("ADVANCED details need 'traffic'"),
                r.err());
    }

    /** The file with the temp folder, the lineages (L1, L2, … by first appearance) and the write ids replaced. */
    private String normalized(Path file) throws Exception {
        String text = Files.readString(file).replace(tmp.toString(), "TMP").replaceAll(",\"write\":\"[^\"]*\"", "");
        Map<String, String> lineages = new LinkedHashMap<>();
        Matcher m = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}").matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, lineages.computeIfAbsent(m.group(), k -> "L" + (lineages.size() + 1)));
        }
        m.appendTail(out);
        return out.toString();
    }
}
