package dev.rollout.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rollout.state.PgServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postgresql.PGConnection;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code sql:} sources and Parquet files through every command that evaluates: the fraud
 * rollout's prediction log as CSV exports, as one Parquet file, in DuckDB (the example
 * {@code rollouts/fraud-detector-sql/}) and in a real PostgreSQL table gives the same evaluation;
 * a source that cannot be read is exit 1 naming it, with nothing written.
 */
class SqlSourceCliTest {

    @TempDir
    Path tmp;

    private final CliRunner cli = new CliRunner();

    @Test
    void walksTheSqlExampleWithoutMetricsFilesAsTheReadmeShows() throws Exception {
        Path dir = CliRunner.copyExample("fraud-detector-sql", tmp);
        String spec = dir.resolve("rollout.yaml").toString();
        assertEquals(0, cli.at("2026-03-02T08:00:00Z").run("advance", spec).exit());
        CliRunner.Result offline = cli.at("2026-03-02T09:00:00Z").run("advance", spec);
        assertEquals(0, offline.exit(), offline.toString());
        assertTrue(offline.out().contains("moved from offline to shadow"), offline.out());
        assertTrue(offline.out().contains("read lake: sql 'jdbc:duckdb:' (1400 rows, 1400 in window)"), offline.out());
        assertEquals(0, cli.at("2026-03-02T11:00:00Z").run("advance", spec).exit());
        assertEquals(0, cli.at("2026-03-02T14:00:00Z").run("advance", spec).exit());
        CliRunner.Result needsApproval = cli.at("2026-03-02T21:00:00Z").run("advance", spec);
        assertEquals(3, needsApproval.exit(), needsApproval.toString());
        assertEquals(0, cli.actor("alice@laptop").run("approve", spec, "--by", "alice", "--reason", "dashboards look fine").exit());
        assertEquals(0, cli.actor("ci@test").run("advance", spec, "--if-stage", "canary-25").exit());
        CliRunner.Result done = cli.at("2026-03-03T00:00:00Z").run("advance", spec, "-o", "json");
        assertEquals(0, done.exit(), done.toString());
        assertEquals("PROMOTED", done.json().path("status").asText(), done.out());

        Path page = tmp.resolve("report.html");
        CliRunner.Result report = cli.run("report", spec, "--out", page.toString());
        assertEquals(0, report.exit(), report.toString());
        assertTrue(Files.readString(page).contains("canary-25"));
        String history = Files.readString(dir.resolve(".rollout/fraud-detector-sql.history.jsonl"));
        assertTrue(history.contains("\"kind\":\"sql\"") && history.contains("\"source\":\"lake\""), history);
    }

    @Test
    void csvParquetDuckDbAndPostgresqlGiveTheSameEvaluation() throws Exception {
        Examples ex = examples();
        Path csvDir = ex.csvDir();
        Path sqlDir = ex.sqlDir();
        String csvSpec = ex.csvSpec();
        String sqlSpec = sqlDir.resolve("rollout.yaml").toString();
        String parquet = ex.parquet();
        Path pgSpec = pgSpec(sqlDir, "url: \"" + pgUrl() + "\"\n      table: " + pgTable(csvDir));
        for (String spec : new String[] {csvSpec, sqlSpec, pgSpec.toString()}) {
            CliRunner.Result start = cli.at("2026-03-02T08:00:00Z").run("advance", spec);
            assertEquals(0, start.exit(), start.toString());
        }
        cli.at("2026-03-02T09:00:00Z").env("ROLLOUT_SOURCE_WH_USER", PgServer.USER).env("ROLLOUT_SOURCE_WH_PASSWORD", PgServer.PASSWORD);
        JsonNode csv = evaluation(cli.run("evaluate", csvSpec, "--metrics", csvDir.resolve("exports/offline.csv").toString(),
                "--dry-run", "-o", "json"));
        JsonNode fromParquet = evaluation(cli.run("evaluate", csvSpec, "--metrics", parquet, "--dry-run", "-o", "json"));
        JsonNode duck = evaluation(cli.run("evaluate", sqlSpec, "--dry-run", "-o", "json"));
        CliRunner.Result pgRun = cli.run("evaluate", pgSpec.toString(), "--dry-run", "-o", "json");
        JsonNode pg = evaluation(pgRun);
        assertEquals(csv.path("metrics"), fromParquet.path("metrics"));
        assertEquals(csv.path("metrics"), duck.path("metrics"));
        assertEquals(csv.path("metrics"), pg.path("metrics"));
        assertEquals(csv.path("score"), pg.path("score"));
        assertEquals(csv.path("rows"), pg.path("rows"));
        assertFalse(pgRun.out().contains(PgServer.PASSWORD), "the password is never shown");

        CliRunner.Result advanced = cli.run("advance", csvSpec, "--metrics", parquet, "-o", "json");
        assertEquals(0, advanced.exit(), advanced.toString());
        JsonNode input = advanced.json().path("evaluation").path("inputs").path(0);
        assertEquals("parquet", input.path("kind").asText(), advanced.out());
        assertEquals(64, input.path("sha256").asText().length(), advanced.out());
        assertEquals(8460, input.path("rows").asLong(), advanced.out());
    }

    @Test
    void csvAndParquetFilesAreNotMixed() throws Exception {
        Examples ex = examples();
        CliRunner.Result r = cli.at("2026-03-02T09:00:00Z").run("evaluate", ex.csvSpec(), "--metrics",
                ex.csvDir().resolve("exports/offline.csv").toString(), "--metrics", ex.parquet(), "--since",
                "2026-03-02T08:00:00Z");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("CSV and Parquet files cannot be mixed"), r.err());
    }

    /** A Parquet file that is not there, or second of two, is said plainly before the engine starts; one that is read is hashed. */
    @Test
    void aMissingParquetFileIsSaidPlainly() throws Exception {
        Examples ex = examples();
        String spec = ex.csvSpec();
        String parquet = ex.parquet();
        Path missing = tmp.resolve("gone.parquet");
        CliRunner.Result r = cli.run("evaluate", spec, "--metrics", parquet, "--metrics", missing.toString(), "--dry-run");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains(missing + ": no such file"), r.err());
        CliRunner.Result read = cli.run("evaluate", spec, "--metrics", parquet, "--dry-run", "-o", "json");
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(Path.of(parquet))));
        assertTrue(read.out().contains("\"sha256\" : \"" + sha256 + "\""), read.out());
    }

    /** Each failure of the source: exit 1 naming it and saying what went wrong; the state and history are untouched. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "unreachable server | url: \"jdbc:postgresql://127.0.0.1:1/postgres\"\\n      table: logs | 1 | source wh: cannot connect to jdbc:postgresql://127.0.0.1:1/postgres",
            "bad query          | url: \"{pg}\"\\n      query: \"select * from no_such_table\" | 1 | source wh: the query failed: ERROR: relation \"no_such_table\" does not exist",
            "missing column     | url: \"{pg}\"\\n      query: \"select ts, model_version, flagged from {table}\" | 1 | source wh: metric recall: column 'is_fraud' is not in the query's result (its columns: ts, model_version, flagged)",
            "timeout            | url: \"{pg}\"\\n      query: \"select l.* from {table} l cross join pg_sleep(5)\"\\n      timeout: 1s | 1 | source wh: the query did not finish within the source's timeout (1 s)",
            "no driver          | url: \"jdbc:nosuch://warehouse/ml\"\\n      table: logs | 1 | source wh: no JDBC driver accepts jdbc:nosuch://warehouse/ml (looked in rollout's own jar); put the driver's jar in ROLLOUT_DRIVERS",
            "empty result       | url: \"{pg}\"\\n      query: \"select * from {table} where false\" | 3 | only 0 candidate rows in the window",
    })
    void aSourceThatCannotBeReadIsExitOneNamingItAndNothingIsWritten(String name, String sql, int exit, String message)
            throws Exception {
        Path csvDir = CliRunner.copyExample("fraud-detector", tmp);
        Path dir = CliRunner.copyExample("fraud-detector-sql", tmp);
        Path spec = pgSpec(dir, sql.replace("\\n", "\n").replace("{pg}", pgUrl()).replace("{table}", pgTable(csvDir)));
        CliRunner.Result start = cli.at("2026-03-02T08:00:00Z").run("advance", spec.toString());
        assertEquals(0, start.exit(), start.toString());
        Path state = dir.resolve(".rollout/fraud-detector-pg.state.json");
        Path history = dir.resolve(".rollout/fraud-detector-pg.history.jsonl");
        byte[] stateBefore = Files.readAllBytes(state);
        byte[] historyBefore = Files.readAllBytes(history);
        cli.at("2026-03-02T09:00:00Z").env("ROLLOUT_SOURCE_WH_USER", PgServer.USER).env("ROLLOUT_SOURCE_WH_PASSWORD", PgServer.PASSWORD);
        CliRunner.Result r = cli.run("advance", spec.toString());
        assertEquals(exit, r.exit(), r.toString());
        assertTrue((r.out() + r.err()).contains(message), r.toString());
        assertFalse((r.out() + r.err()).contains(PgServer.PASSWORD), r.toString());
        if (exit == 1) {
            assertArrayEquals(stateBefore, Files.readAllBytes(state), "nothing written");
            assertArrayEquals(historyBefore, Files.readAllBytes(history), "nothing written");
        }
        CliRunner.Result report = cli.run("evaluate", spec.toString(), "--dry-run", "-o", "json");
        assertEquals(exit, report.exit(), report.toString());
    }

    /**
     * pgjdbc 42.7 reads {@code ~/.pgpass} (or {@code PGPASSFILE}) itself but not {@code PGPASSWORD}: rollout
     * gives the driver {@code PGPASSWORD} when no {@code ROLLOUT_SOURCE_<NAME>_PASSWORD} is set, as libpq would.
     */
    @Test
    void pgpasswordLogsInAPostgresqlSource() throws Exception {
        Path csvDir = CliRunner.copyExample("fraud-detector", tmp);
        Path dir = CliRunner.copyExample("fraud-detector-sql", tmp);
        Path spec = pgSpec(dir, "url: \"" + pgUrl() + "?user=" + PgServer.USER + "\"\n      table: " + pgTable(csvDir));
        assertEquals(0, cli.at("2026-03-02T08:00:00Z").run("advance", spec.toString()).exit());
        CliRunner.Result denied = cli.at("2026-03-02T09:00:00Z").run("evaluate", spec.toString(), "--dry-run");
        assertEquals(1, denied.exit(), denied.toString());
        assertTrue(denied.err().contains("source wh: cannot connect to"), denied.err());
        CliRunner.Result r = cli.env("PGPASSWORD", PgServer.PASSWORD).run("evaluate", spec.toString(), "--dry-run");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("read wh: sql 'jdbc:postgresql://127.0.0.1:"), r.out());
    }

    /** The CSV example and the SQL example copied into the test's folder: the same rows as a CSV export and as Parquet. */
    private record Examples(Path csvDir, Path sqlDir) {
        String csvSpec() {
            return csvDir.resolve("rollout.yaml").toString();
        }

        String parquet() {
            return sqlDir.resolve("logs.parquet").toString();
        }
    }

    private Examples examples() throws Exception {
        return new Examples(CliRunner.copyExample("fraud-detector", tmp), CliRunner.copyExample("fraud-detector-sql", tmp));
    }

    private static JsonNode evaluation(CliRunner.Result r) {
        assertEquals(0, r.exit(), r.toString());
        return r.json();
    }

    private static String pgUrl() {
        return "jdbc:postgresql://127.0.0.1:" + PgServer.port() + "/postgres";
    }

    /** The example's spec with its source {@code lake} replaced by {@code wh}, whose sql: block is {@code sql}. */
    private static Path pgSpec(Path dir, String sql) throws Exception {
        String spec = Files.readString(dir.resolve("rollout.yaml"));
        int from = spec.indexOf("sources:");
        int to = spec.indexOf("metrics:", from);
        spec = spec.substring(0, from) + "sources:\n  wh:\n    sql:\n      " + sql + "\n" + spec.substring(to);
        Path file = dir.resolve("pg.yaml");
        // A rollout of its own: its state is not the example's.
        Files.writeString(file, spec.replace("source: lake", "source: wh").replace("name: fraud-detector-sql\nmodel", "name: fraud-detector-pg\nmodel"));
        return file;
    }

    /** Every stage's export of the fraud rollout in a typed PostgreSQL table of a schema of its own; returns its name. */
    private static String pgTable(Path csvDir) throws Exception {
        String schema = PgServer.freshSchema();
        try (Connection c = PgServer.admin(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema + " AUTHORIZATION " + PgServer.USER);
            s.execute("CREATE TABLE " + schema + ".logs (ts timestamptz, model_version text, is_fraud integer, flagged integer,"
                    + " fraud_score double precision, latency_ms double precision, is_error integer)");
            for (String stage : new String[] {"offline", "shadow", "canary-5", "canary-25", "full"}) {
                try (Reader in = Files.newBufferedReader(csvDir.resolve("exports/" + stage + ".csv"))) {
                    c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + schema + ".logs FROM STDIN (FORMAT csv, HEADER true)", in);
                }
            }
            s.execute("GRANT SELECT ON " + schema + ".logs TO " + PgServer.USER);
        }
        return schema + ".logs";
    }
}
