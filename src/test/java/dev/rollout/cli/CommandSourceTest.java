package dev.rollout.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A spec's {@code sources:} through every command that evaluates, with a command source (a real
 * {@code sh}) beside {@code --metrics} files: what is judged, what the audit trail says was read,
 * and that a failing source writes nothing.
 */
class CommandSourceTest {

    @TempDir
    Path tmp;

    /** What export.sh prints: two rows per variant, the candidate more accurate. */
    static final String PRINTED = """
            ts,model_version,acc
            2026-01-01T01:00:00Z,41,0.80
            2026-01-01T02:00:00Z,41,0.82
            2026-01-01T01:00:00Z,42,0.90
            2026-01-01T02:00:00Z,42,0.92
            """;

    /** The --metrics file: three rows per variant, the candidate faster. */
    static final String FILE = """
            ts,model_version,latency_ms,errors
            2026-01-01T01:00:00Z,41,120,0.02
            2026-01-01T02:00:00Z,41,130,0.02
            2026-01-01T03:00:00Z,41,125,0.02
            2026-01-01T01:00:00Z,42,100,0.01
            2026-01-01T02:00:00Z,42,110,0.01
            2026-01-01T03:00:00Z,42,105,0.01
            """;

    final CliRunner cli = new CliRunner().at("2026-01-02T00:00:00Z").env("PATH", System.getenv("PATH"))
            .env("ROLLOUT_SOURCE_NIGHTLY_TOKEN", "own-token").env("ROLLOUT_SOURCE_WAREHOUSE_PASSWORD", "not-for-commands");

    /** A spec whose metrics, in order, are {@code metrics}; {@code export.sh} is the command source {@code nightly}. */
    Path spec(String metrics, String script) throws Exception {
        Files.writeString(tmp.resolve("export.sh"), script);
        Files.writeString(tmp.resolve("day.csv"), FILE);
        Path spec = tmp.resolve("rollout.yaml");
        Files.writeString(spec, """
                version: 1
                name: sourced
                model: {baseline: "41", candidate: "42"}
                stages:
                  - {name: shadow, traffic: 0, minSamples: 1}
                  - {name: all, traffic: 100, minSamples: 1}
                data:
                  timestamp: ts
                  variant: {column: model_version}
                sources:
                  nightly:
                    command: {run: [sh, export.sh], timeout: 30s}
                metrics:
                """ + metrics);
        return spec;
    }

    static final String MIXED = """
              - {name: latency, column: latency_ms, direction: lower, normalize: {best: 50, worst: 400}, gate: {maxRegressionPct: 10}}
              - {name: acc, source: nightly, gate: {min: 0.5}}
              - {name: errors, direction: lower}
            """;

    static final String ALL_FROM_COMMAND = """
              - {name: acc, source: nightly, gate: {min: 0.5}}
            """;

    /** Prints {@link #PRINTED}, having written its ROLLOUT_ variables to env.log. */
    static String printing() {
        return "env | grep '^ROLLOUT_' | sort > env.log\nprintf '%s' '" + PRINTED + "'\n";
    }

    static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aSpecMixingFilesAndACommandJudgesEveryMetricInTheSpecsOrderAndRecordsBothInputs() throws Exception {
        Path spec = spec(MIXED, printing());
        CliRunner.Result r = cli.run("evaluate", spec.toString(), "--metrics", tmp.resolve("day.csv").toString(),
                "--since", "2026-01-01T00:00:00Z", "--until", "2026-01-02T00:00:00Z", "-o", "json");
        assertEquals(0, r.exit(), r.toString());
        JsonNode json = r.json();
        List<String> names = new ArrayList<>();
        json.get("metrics").forEach(m -> names.add(m.get("name").asText()));
        assertEquals(List.of("latency", "acc", "errors"), names, "the spec's order, though acc came from another source");
        assertEquals(0.81, json.get("metrics").get(1).get("baseline").asDouble(), 1e-12);
        assertEquals(0.91, json.get("metrics").get(1).get("candidate").asDouble(), 1e-12);
        assertEquals(105.0, json.get("metrics").get(0).get("candidate").asDouble(), 1e-12);
        assertEquals(2, json.get("rows").get("baseline").asLong(), "the smallest source's count: " + json.get("rows"));
        assertEquals(2, json.get("rows").get("candidate").asLong(), json.get("rows").toString());

        JsonNode inputs = json.get("inputs");
        assertEquals(2, inputs.size(), inputs.toString());
        JsonNode file = inputs.get(0);
        assertEquals("csv", file.get("kind").asText());
        assertFalse(file.has("source"), file.toString());
        assertEquals(tmp.resolve("day.csv").toString(), file.get("path").asText());
        assertEquals(sha256(FILE), file.get("sha256").asText());
        assertEquals(6, file.get("rows").asLong());
        JsonNode command = inputs.get(1);
        assertEquals("command", command.get("kind").asText());
        assertEquals("nightly", command.get("source").asText());
        assertEquals("sh export.sh", command.get("path").asText());
        assertEquals(sha256(PRINTED), command.get("sha256").asText(), "the SHA-256 of the bytes it printed");
        assertEquals(4, command.get("rows").asLong());
        assertEquals(4, command.get("rowsInWindow").asLong());

        List<String> env = Files.readAllLines(tmp.resolve("env.log"));
        assertTrue(env.contains("ROLLOUT_SINCE=2026-01-01T00:00:00Z") && env.contains("ROLLOUT_UNTIL=2026-01-02T00:00:00Z")
                && env.contains("ROLLOUT_BASELINE=41") && env.contains("ROLLOUT_CANDIDATE=42"), env.toString());
        assertTrue(env.contains("ROLLOUT_SOURCE_NIGHTLY_TOKEN=own-token"), "its own secret: " + env);
        assertTrue(env.stream().noneMatch(v -> v.startsWith("ROLLOUT_SOURCE_WAREHOUSE_")), "not another source's: " + env);

        CliRunner.Result text = cli.run("evaluate", spec.toString(), "--metrics", tmp.resolve("day.csv").toString());
        assertEquals(0, text.exit(), text.toString());
        assertTrue(text.out().contains("  read " + tmp.resolve("day.csv") + " (6 rows, 6 in window), nightly: command 'sh export.sh'"
                + " (4 rows, 4 in window)\n"), text.out());
        CliRunner.Result markdown = cli.run("evaluate", spec.toString(), "--metrics", tmp.resolve("day.csv").toString(),
                "-o", "markdown");
        assertTrue(markdown.out().contains("- read nightly\\: command \\'sh export\\.sh\\' (4 rows, 4 in window)\n"), markdown.out());
    }

    @Test
    void theWindowIsEmptyInTheEnvironmentWhenUnbounded() throws Exception {
        Path spec = spec(ALL_FROM_COMMAND, printing());
        CliRunner.Result r = cli.run("evaluate", spec.toString(), "-o", "json");
        assertEquals(0, r.exit(), r.toString());
        List<String> env = Files.readAllLines(tmp.resolve("env.log"));
        assertTrue(env.contains("ROLLOUT_SINCE=") && env.contains("ROLLOUT_UNTIL="), "not in a stage: every row counts: " + env);
    }

    @Test
    void evaluateNeedsNoMetricsWhenEveryMetricHasASource() throws Exception {
        Path spec = spec(ALL_FROM_COMMAND, printing());
        CliRunner.Result r = cli.run("evaluate", spec.toString(), "-o", "json");
        assertEquals(0, r.exit(), r.toString());
        JsonNode inputs = r.json().get("inputs");
        assertEquals(1, inputs.size(), inputs.toString());
        assertEquals("command", inputs.get(0).get("kind").asText());
        assertEquals(2, r.json().get("rows").get("candidate").asLong());
        assertFalse(Files.exists(tmp.resolve(".rollout")), "no rollout in a stage: nothing recorded");
    }

    @Test
    void evaluateWithoutMetricsIsAUsageErrorWhenAMetricReadsFiles() throws Exception {
        Path spec = spec(MIXED, printing());
        CliRunner.Result r = cli.run("evaluate", spec.toString());
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("--metrics"), r.err());
        assertFalse(Files.exists(tmp.resolve("env.log")), "the command did not run");
        assertFalse(Files.exists(tmp.resolve(".rollout")), "nothing written");
    }

    @Test
    void advanceEvaluatesFromTheSourcesWithoutMetricsAndRecordsWhatWasRead() throws Exception {
        Path spec = spec(ALL_FROM_COMMAND, printing());
        start(spec);
        assertFalse(Files.exists(tmp.resolve("env.log")), "nothing to judge before a stage: the command did not run");
        CliRunner.Result r = cli.run("advance", spec.toString(), "-o", "json");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("all", r.json().get("stage").get("name").asText(), r.out());
        assertEquals("command", r.json().get("evaluation").get("inputs").get(0).get("kind").asText(), r.out());
        List<String> env = Files.readAllLines(tmp.resolve("env.log"));
        assertTrue(env.contains("ROLLOUT_SINCE=2026-01-01T00:00:00Z") && env.contains("ROLLOUT_UNTIL=2026-01-02T00:00:00Z"),
                "the stage's window: " + env);
        JsonNode evaluated = evaluatedEvent(spec);
        assertEquals("sh export.sh", evaluated.get("details").get("inputs").get(0).get("path").asText(), evaluated.toString());
        assertEquals("nightly", evaluated.get("details").get("inputs").get(0).get("source").asText(), evaluated.toString());
    }

    @Test
    void advanceWithMetricsJoinsTheFilesAndTheCommandAndReportShowsBoth() throws Exception {
        Path spec = spec(MIXED, printing());
        start(spec);
        CliRunner.Result r = cli.run("advance", spec.toString(), "--metrics", tmp.resolve("day.csv").toString(), "-o", "json");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("all", r.json().get("stage").get("name").asText(), r.out());
        JsonNode inputs = evaluatedEvent(spec).get("details").get("inputs");
        assertEquals(List.of("csv", "command"), List.of(inputs.get(0).get("kind").asText(), inputs.get(1).get("kind").asText()));

        Path html = tmp.resolve("report.html");
        CliRunner.Result report = cli.run("report", spec.toString(), "--out", html.toString());
        assertEquals(0, report.exit(), report.toString());
        String page = Files.readString(html);
        assertTrue(page.contains("<li>nightly: command &#39;sh export.sh&#39; (4 rows, 4 in window, sha256 " + sha256(PRINTED) + ")</li>"),
                page);
        assertTrue(page.contains(ReportPage.esc(tmp.resolve("day.csv").toString()) + " (6 rows, 6 in window, sha256 " + sha256(FILE)),
                page);
    }

    @Test
    void planShowsWhereEachMetricIsRead() throws Exception {
        Path spec = spec(MIXED, printing());
        CliRunner.Result json = cli.run("plan", spec.toString(), "-o", "json");
        assertEquals(0, json.exit(), json.toString());
        List<String> from = new ArrayList<>();
        json.json().get("metrics").forEach(m -> from.add(m.get("reads").asText()));
        assertEquals(List.of("--metrics", "nightly", "--metrics"), from);
        JsonNode source = json.json().get("sources").get(0);
        assertEquals("nightly", source.get("name").asText());
        assertEquals("command", source.get("kind").asText());
        assertEquals("sh export.sh", source.get("location").asText());
        assertEquals("30s", source.get("timeout").asText());

        CliRunner.Result text = cli.run("plan", spec.toString());
        assertEquals(0, text.exit(), text.toString());
        assertTrue(text.out().lines().anyMatch(l -> l.startsWith("  acc ") && l.contains(" nightly ")), text.out());
        assertTrue(text.out().lines().anyMatch(l -> l.startsWith("  latency ") && l.contains(" --metrics ")), text.out());
        assertTrue(text.out().contains("\nSources\n") && text.out().lines().anyMatch(l -> l.matches("  nightly +command +sh export\\.sh +30s")),
                text.out());
        assertFalse(Files.exists(tmp.resolve("env.log")), "plan runs no command");
    }

    @Test
    void aCommandThatFailsStopsEveryCommandWithItsStderrAndWritesNothing() throws Exception {
        assertFailsWritingNothing("printf 'ts,model_version,acc\\n'; echo 'warehouse: connection refused' >&2; exit 3\n",
                "rollout: source nightly: command sh export.sh exited with 3: warehouse: connection refused; nothing was judged");
    }

    @Test
    void aCommandThatPrintsBadCsvIsAnErrorNamingTheSourceLineAndColumn() throws Exception {
        assertFailsWritingNothing("printf 'ts,model_version,acc\\n2026-01-01T01:00:00Z,41,0.8\\n2026-01-01T01:00:00Z,42\\n'\n",
                "rollout: source nightly: column acc (line 3, column 3): this row has 2 fields, the header has 3");
        assertFailsWritingNothing("printf 'ts,model_version,acc\\n2026-01-01T01:00:00Z,41,zero\\n'\n",
                "rollout: source nightly: column acc (line 2, column 3): ");
        assertFailsWritingNothing("printf 'ts,model_version,accuracy\\n'\n",
                "rollout: metric acc: column 'acc' is not in the header of source nightly");
        assertFailsWritingNothing("true\n", "rollout: source nightly: the file is empty");
    }

    @Test
    void aCommandRefusedMidExportIsEndedAndTheCsvErrorStands() throws Exception {
        // A bad second row, then output that would go on for an hour: ended, not waited for.
        assertFailsWritingNothing("echo $$ > cmd.pid; printf 'ts,model_version,acc\\n2026-01-01T01:00:00Z,41,0.8,9\\n';"
                + " while true; do echo 2026-01-01T01:00:00Z,41,0.8; done\n",
                "rollout: source nightly (line 2, column 4): this row has 4 fields, the header has 3");
        assertFalse(HookProcessTest.running(Long.parseLong(Files.readString(tmp.resolve("cmd.pid")).strip())), "ended");
    }

    @Test
    void aCommandThatCannotStartIsAnErrorNamingTheSource() throws Exception {
        Path spec = spec(ALL_FROM_COMMAND, printing());
        Files.writeString(spec, Files.readString(spec).replace("run: [sh, export.sh]", "run: [./no-such-program, \"it's\"]"));
        CliRunner.Result r = cli.run("evaluate", spec.toString());
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().startsWith("rollout: source nightly: command ./no-such-program 'it'\\''s' "), r.err());
        assertTrue(r.err().contains(" exited with 127: ") || r.err().contains(" could not run: "), "setsid, or Java, says so: " + r.err());
    }

    /** Started, then {@code evaluate} and {@code advance} with {@code script} as the command: exit 1, state and history as they were. */
    private void assertFailsWritingNothing(String script, String message) throws Exception {
        Path spec = spec(ALL_FROM_COMMAND, printing());
        Path state = tmp.resolve(".rollout/sourced.state.json");
        if (!Files.exists(state)) {
            start(spec);
        }
        Files.writeString(tmp.resolve("export.sh"), script);
        byte[] before = Files.readAllBytes(state);
        byte[] history = Files.readAllBytes(tmp.resolve(".rollout/sourced.history.jsonl"));
        for (List<String> command : List.of(List.of("evaluate", spec.toString()), List.of("advance", spec.toString()),
                List.of("evaluate", spec.toString(), "-o", "json"))) {
            CliRunner.Result r = cli.run(command.toArray(String[]::new));
            assertEquals(1, r.exit(), command + ": " + r);
            if (command.contains("json")) {
                assertTrue(r.json().get("error").get("message").asText().contains(message.substring("rollout: ".length())),
                        r.out());
            } else {
                assertTrue(r.err().startsWith(message), command + ": " + r.err());
                assertEquals(1, r.err().lines().count(), r.err());
            }
            assertEquals(new String(before, StandardCharsets.UTF_8), Files.readString(state), "state unchanged");
            assertEquals(new String(history, StandardCharsets.UTF_8),
                    Files.readString(tmp.resolve(".rollout/sourced.history.jsonl")), "history unchanged");
        }
    }

    /** Starts the rollout in shadow the day before the rows; the clock then stands at the end of that day. */
    private void start(Path spec) {
        cli.at("2026-01-01T00:00:00Z");
        assertEquals(0, cli.run("advance", spec.toString()).exit(), "starts in shadow");
        cli.at("2026-01-02T00:00:00Z");
    }

    private JsonNode evaluatedEvent(Path spec) {
        CliRunner.Result h = cli.run("history", spec.toString(), "-o", "json");
        assertEquals(0, h.exit(), h.toString());
        JsonNode found = null;
        for (JsonNode e : h.json().get("events")) {
            if (e.get("event").asText().equals("EVALUATED")) {
                found = e;
            }
        }
        assertTrue(found != null, h.out());
        return found;
    }
}
