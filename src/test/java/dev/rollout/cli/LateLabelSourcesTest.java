package dev.rollout.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rollout.state.PgServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * rollouts/fraud-late-labels with its labels from somewhere else than CSV files: Parquet label
 * files, a sql source (DuckDB over the files, a PostgreSQL table) and a command source give the
 * same metrics, coverage and decision as the CSV label files, and say in {@code inputs} what they
 * read; a key twice, a missing column, a Prometheus or unknown labels source are exit 1 in one
 * line, with nothing written.
 */
class LateLabelSourcesTest {

    static final String NOW = "2026-03-03T00:00:00Z";
    /** day-1.csv's sixth line, its fifth label: a key the tests give a second time. */
    static final int DAY_ONE_ROW = 5;

    @TempDir
    Path tmp;

    private final CliRunner cli = new CliRunner();
    private Path dir;

    private Path dir() throws Exception {
        if (dir == null) {
            dir = CliRunner.copyExample("fraud-late-labels", tmp);
            copy("SELECT * FROM read_csv_auto(" + literal(dir.resolve("labels/day-1.csv")) + ")", dir.resolve("labels/day-1.parquet"));
            copy("SELECT * FROM read_csv_auto(" + literal(dir.resolve("labels/day-2.csv.gz")) + ")", dir.resolve("labels/day-2.parquet"));
        }
        return dir;
    }

    @Test
    void parquetLabelFilesJudgeAsTheCsvOnes() throws Exception {
        Path d = dir();
        JsonNode early = evaluate("rollout.yaml", "labels/day-1.csv");
        JsonNode earlyParquet = evaluate("rollout.yaml", "labels/day-1.parquet");
        assertEquals("HOLD", early.path("decision").asText(), early.path("reasons").toString());
        assertSameJudgement(early, earlyParquet);

        JsonNode csv = evaluate("rollout.yaml", "labels/day-1.csv", "labels/day-2.csv.gz");
        assertEquals("PROMOTE", csv.path("decision").asText(), csv.path("reasons").toString());
        JsonNode parquet = evaluate("rollout.yaml", "labels/day-1.parquet", "labels/day-2.parquet");
        assertSameJudgement(csv, parquet);
        assertSameJudgement(csv, evaluate("rollout.yaml", "labels/day-1.csv", "labels/day-2.parquet"));

        // The predictions keep their input's shape; each label file follows it, as labels, with its digest and rows.
        JsonNode inputs = parquet.path("inputs");
        assertEquals(3, inputs.size(), inputs.toString());
        assertEquals("csv", inputs.get(0).path("kind").asText());
        assertTrue(inputs.get(0).path("role").isMissingNode(), inputs.toString());
        long dayOne = Files.readAllLines(d.resolve("labels/day-1.csv")).size() - 1;
        JsonNode first = inputs.get(1);
        assertEquals("parquet", first.path("kind").asText(), inputs.toString());
        assertEquals("labels", first.path("role").asText(), inputs.toString());
        assertEquals(d.resolve("labels/day-1.parquet").toString(), first.path("path").asText());
        assertEquals(64, first.path("sha256").asText().length(), inputs.toString());
        assertEquals(dayOne, first.path("rows").asLong(), inputs.toString());
        JsonNode csvLabels = csv.path("inputs").get(1);
        assertEquals("csv", csvLabels.path("kind").asText());
        assertEquals("labels", csvLabels.path("role").asText());
        assertEquals(dayOne, csvLabels.path("rows").asLong());
    }

    @Test
    void theHistoryRecordsTheLabelInputsAndReadsThemBack() throws Exception {
        Path d = dir();
        String spec = d.resolve("rollout.yaml").toString();
        assertEquals(0, cli.at("2026-03-01T00:00:00Z").run("advance", spec).exit());
        CliRunner.Result moved = cli.at(NOW).run("advance", spec, "--metrics", d.resolve("exports/predictions.csv").toString(),
                "--labels", d.resolve("labels/day-1.parquet").toString(), d.resolve("labels/day-2.csv.gz").toString());
        assertEquals(0, moved.exit(), moved.toString());
        CliRunner.Result history = cli.run("history", spec, "-o", "json");
        assertEquals(0, history.exit(), history.toString());
        List<JsonNode> inputs = history.json().findValues("inputs");
        JsonNode recorded = inputs.stream().filter(i -> i.size() == 3).findFirst().orElseThrow(() -> new AssertionError(history.out()));
        assertTrue(recorded.get(0).path("role").isMissingNode(), recorded.toString());
        assertEquals("labels", recorded.get(1).path("role").asText(), recorded.toString());
        assertEquals("parquet", recorded.get(1).path("kind").asText(), recorded.toString());
        assertEquals("labels", recorded.get(2).path("role").asText(), recorded.toString());
        assertEquals("csv", recorded.get(2).path("kind").asText(), recorded.toString());
        Path page = tmp.resolve("report.html");
        CliRunner.Result report = cli.run("report", spec, "--out", page.toString());
        assertEquals(0, report.exit(), report.toString());
        assertTrue(Files.readString(page).contains("labels from " + d.resolve("labels/day-1.parquet") + " (2414 rows, sha256 "),
                "the report names the labels");
        CliRunner.Result markdown = cli.run("evaluate", spec, "--metrics", d.resolve("exports/predictions.csv").toString(), "--labels",
                d.resolve("labels/day-1.parquet").toString(), "--dry-run", "-o", "markdown");
        assertTrue(markdown.out().contains(" (2414 rows)\n"), markdown.out());
    }

    @Test
    void aSqlSourceOfLabelsJudgesAsTheCsvFiles() throws Exception {
        JsonNode csv = fromTheCsvFiles();
        Path duck = spec("duck.yaml", "  labels:\n    sql:\n      url: \"jdbc:duckdb:\"\n      query: \"select * from"
                + " read_parquet('labels/day-1.parquet') union all select * from read_parquet('labels/day-2.parquet')\"\n");
        JsonNode input = labelsInput(csv, duck, "sql");
        assertEquals("labels", input.path("source").asText(), input.toString());
        assertTrue(input.path("query").asText().contains("read_parquet('labels/day-2.parquet')"), input.toString());
        assertEquals(csv.path("labels").path("labels").asLong(), input.path("rows").asLong(), input.toString());

        String schema = PgServer.freshSchema();
        try (Connection c = PgServer.admin(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema + " AUTHORIZATION " + PgServer.USER);
            // Typed: an integer label joins and compares as the CSV file's text does.
            s.execute("CREATE TABLE " + schema + ".chargebacks (request_id text, is_fraud integer)");
            for (String line : labelLines()) {
                String[] cells = line.split(",");
                s.execute("INSERT INTO " + schema + ".chargebacks VALUES ('" + cells[0] + "', " + cells[1] + ")");
            }
            s.execute("GRANT SELECT ON " + schema + ".chargebacks TO " + PgServer.USER);
        }
        Path pg = spec("pg.yaml", "  labels:\n    sql:\n      url: \"jdbc:postgresql://127.0.0.1:" + PgServer.port()
                + "/postgres\"\n      table: " + schema + ".chargebacks\n");
        cli.env("ROLLOUT_SOURCE_LABELS_USER", PgServer.USER).env("ROLLOUT_SOURCE_LABELS_PASSWORD", PgServer.PASSWORD);
        CliRunner.Result run = run(pg.getFileName().toString(), List.of());
        assertEquals(0, run.exit(), run.toString());
        assertFalse(run.out().contains(PgServer.PASSWORD), "the password is never shown");
        assertSameJudgement(csv, run.json());
        CliRunner.Result text = run(pg.getFileName().toString(), List.of(), "-o", "text");
        assertTrue(text.out().contains(", labels from labels: sql 'jdbc:postgresql://127.0.0.1:" + PgServer.port() + "/postgres'"
                + " (3718 rows)"), text.out());
        assertTrue(text.out().contains(" labels from source labels; mature"), text.out());
        assertFalse(text.out().contains(PgServer.PASSWORD), "the password is never shown");
    }

    @Test
    void aCommandSourceOfLabelsJudgesAsTheCsvFiles() throws Exception {
        JsonNode csv = fromTheCsvFiles();
        Path spec = spec("command.yaml", "  labels:\n    command: {run: \"cat labels/day-1.csv; gzip -dc labels/day-2.csv.gz"
                + " | tail -n +2\"}\n");
        JsonNode input = labelsInput(csv, spec, "command");
        assertEquals(64, input.path("sha256").asText().length(), input.toString());

        // --labels files are read besides the source: day-2 from the file, day-1 from the command.
        Path dayOne = spec("day-one.yaml", "  labels:\n    command: {run: \"cat labels/day-1.csv\"}\n");
        assertSameJudgement(csv, evaluate(dayOne.getFileName().toString(), "labels/day-2.csv.gz"));
        assertFails(dayOne.getFileName().toString(), List.of("labels/day-1.csv"), "has a label already, on source labels line ");

        // The command runs as a metrics command does: a non-zero exit is refused with its stderr.
        Path fails = spec("fails.yaml", "  labels:\n    command: {run: \"echo no labels today >&2; exit 3\"}\n");
        assertFails(fails.getFileName().toString(), List.of(), "source labels: command sh -c 'echo no labels today >&2; exit 3'"
                + " exited with 3");
        assertFails(fails.getFileName().toString(), List.of(), "no labels today");

        // Without --labels and without a source, the spec still asks for one.
        assertFails("rollout.yaml", List.of(), "with --labels FILE, or their source with data.labels.source");
    }

    @Test
    void aKeyTwiceInParquetOrInASourceNamesBothPlaces() throws Exception {
        Path d = dir();
        String key = labelLines().get(DAY_ONE_ROW - 1).split(",")[0];
        copy("SELECT * FROM (VALUES ('req-99999', 0), ('" + key + "', 1)) t(request_id, is_fraud)", d.resolve("labels/again.parquet"));
        assertFails("rollout.yaml", List.of("labels/day-1.parquet", "labels/again.parquet"), d.resolve("labels/again.parquet") + ": request_id: row 2: key '" + key
                + "' has a label already, on " + d.resolve("labels/day-1.parquet") + " row " + DAY_ONE_ROW);

        Path sql = spec("twice.yaml", "  labels:\n    sql:\n      url: \"jdbc:duckdb:\"\n      query: \"select * from"
                + " read_parquet('labels/day-1.parquet') union all select '" + key + "', 1\"\n");
        assertFails(sql.getFileName().toString(), List.of(), "source labels: request_id: row ");
        assertFails(sql.getFileName().toString(), List.of(), "key '" + key + "' has a label already, on source labels row ");
    }

    @Test
    void aMissingColumnNamesTheFileAndTheColumn() throws Exception {
        Path d = dir();
        copy("SELECT request_id FROM read_parquet(" + literal(d.resolve("labels/day-1.parquet")) + ")", d.resolve("labels/keys.parquet"));
        assertFails("rollout.yaml", List.of("labels/keys.parquet"), d.resolve("labels/keys.parquet") + ": column is_fraud: column 'is_fraud' (data.labels.actual in"
                + " the spec) is not in the columns of " + d.resolve("labels/keys.parquet") + " (request_id)");
        Path sql = spec("nokey.yaml", "  labels:\n    sql:\n      url: \"jdbc:duckdb:\"\n      query: \"select is_fraud as y"
                + " from read_parquet('labels/day-1.parquet')\"\n");
        assertFails(sql.getFileName().toString(), List.of(), "source labels: column request_id: column 'request_id'"
                + " (data.labels.key in the spec) is not in the columns of source labels (y)");
    }

    @Test
    void aLabelsSourceMustBeOneThatGivesRows() throws Exception {
        dir();
        Path prometheus = spec("prom.yaml", "  labels:\n    prometheus: {url: \"http://127.0.0.1:1\", variantLabel: version}\n");
        int line = lineOf(prometheus, "source: labels");
        assertFails(prometheus.getFileName().toString(), List.of(), "prom.yaml: data.labels.source (line " + line
                + ", column 13): source 'labels' is a Prometheus server");
        Path unknown = spec("unknown.yaml", "  labels:\n    command: {run: \"cat labels/day-1.csv\"}\n");
        Files.writeString(unknown, Files.readString(unknown).replace("source: labels", "source: chargebacks"));
        assertFails(unknown.getFileName().toString(), List.of(), "unknown.yaml: data.labels.source (line " + line
                + ", column 13): no source 'chargebacks' in sources: (defined: labels)");
        CliRunner.Result plan = cli.run("plan", unknown.toString());
        assertEquals(1, plan.exit(), plan.toString());
    }

    /** The example's spec with {@code data.labels.source: labels} and {@code sources:} holding {@code labels}, as {@code name}. */
    private Path spec(String name, String labelsSource) throws Exception {
        String text = Files.readString(dir().resolve("rollout.yaml"));
        text = text.replace("    minCoverage: 0.8\n", "    minCoverage: 0.8\n    source: labels\n")
                .replace("metrics:\n", "sources:\n" + labelsSource + "metrics:\n");
        Path file = dir().resolve(name);
        Files.writeString(file, text);
        return file;
    }

    private static int lineOf(Path file, String text) throws Exception {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i + 1;
            }
        }
        throw new AssertionError(text + " not in " + file);
    }

    /** day-1's and day-2's label rows, without their headers. */
    private List<String> labelLines() throws Exception {
        List<String> one = Files.readAllLines(dir().resolve("labels/day-1.csv"));
        List<String> lines = new ArrayList<>(one.subList(1, one.size()));
        try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(dir().resolve("labels/day-2.csv.gz")))) {
            List<String> two = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
            lines.addAll(two.subList(1, two.size()));
        }
        return lines;
    }

    private JsonNode evaluate(String spec, String... labels) throws Exception {
        CliRunner.Result r = run(spec, List.of(labels));
        assertTrue(r.exit() == 0 || r.exit() == 3, r.toString());
        return r.json();
    }

    /** {@code evaluate SPEC --metrics predictions.csv [--labels …] --dry-run}, JSON unless {@code output} says otherwise. */
    private CliRunner.Result run(String spec, List<String> labels, String... output) throws Exception {
        List<String> args = arguments(spec, labels);
        args.add("--dry-run");
        args.addAll(output.length == 0 ? List.of("-o", "json") : List.of(output));
        return cli.at(NOW).run(args.toArray(String[]::new));
    }

    private List<String> arguments(String spec, List<String> labels) throws Exception {
        Path d = dir();
        List<String> args = new ArrayList<>(List.of("evaluate", d.resolve(spec).toString(), "--metrics",
                d.resolve("exports/predictions.csv").toString()));
        if (!labels.isEmpty()) {
            args.add("--labels");
            labels.forEach(l -> args.add(d.resolve(l).toString()));
        }
        return args;
    }

    /**
     * {@code evaluate} (not a dry run) in the started rollout fails: exit 1 with one line naming the
     * problem, and nothing written, though the evaluation would have been recorded in its history.
     */
    private void assertFails(String spec, List<String> labels, String message) throws Exception {
        Path d = dir();
        Path state = d.resolve(".rollout/fraud-late-labels.state.json");
        Path history = d.resolve(".rollout/fraud-late-labels.history.jsonl");
        if (!Files.exists(state)) {
            CliRunner.Result start = new CliRunner().at("2026-03-01T00:00:00Z").run("advance", d.resolve("rollout.yaml").toString());
            assertEquals(0, start.exit(), start.toString());
        }
        byte[] stateBefore = Files.readAllBytes(state);
        byte[] historyBefore = Files.readAllBytes(history);
        CliRunner.Result r = cli.at(NOW).run(arguments(spec, labels).toArray(String[]::new));
        assertEquals(1, r.exit(), r.toString());
        String said = r.err().strip();
        assertTrue(said.contains(message), said + "\n  should contain\n" + message);
        assertFalse(said.contains("\n"), "one line: " + said);
        assertArrayEquals(stateBefore, Files.readAllBytes(state), "nothing written");
        assertArrayEquals(historyBefore, Files.readAllBytes(history), "nothing written");
    }

    /** The evaluation with both days' labels from the example's CSV files, which the others must equal. */
    private JsonNode fromTheCsvFiles() throws Exception {
        return evaluate("rollout.yaml", "labels/day-1.csv", "labels/day-2.csv.gz");
    }

    /** Evaluates {@code spec}, which reads its labels from a source of {@code kind}: judged as {@code csv}; its labels' input. */
    private JsonNode labelsInput(JsonNode csv, Path spec, String kind) throws Exception {
        JsonNode e = evaluate(spec.getFileName().toString());
        assertSameJudgement(csv, e);
        JsonNode input = e.path("inputs").get(1);
        assertEquals(kind, input.path("kind").asText(), input.toString());
        assertEquals("labels", input.path("role").asText(), input.toString());
        return input;
    }

    /** The same metrics, coverage (but for where the labels came from) and decision. */
    private static void assertSameJudgement(JsonNode want, JsonNode got) {
        assertEquals(want.path("decision"), got.path("decision"), got.path("reasons").toString());
        assertEquals(want.path("metrics"), got.path("metrics"));
        assertEquals(want.path("score"), got.path("score"));
        ObjectNode a = want.path("labels").deepCopy();
        ObjectNode b = got.path("labels").deepCopy();
        a.remove("files");
        b.remove("files");
        assertEquals(a, b);
        assertTrue(a.path("candidateLabeled").asLong() > 0, a.toString());
    }

    private static String literal(Path p) {
        return "'" + p.toString().replace("'", "''") + "'";
    }

    private static void copy(String select, Path parquet) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("COPY (" + select + ") TO " + literal(parquet) + " (FORMAT parquet)");
        }
    }
}
