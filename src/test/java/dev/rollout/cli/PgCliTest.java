package dev.rollout.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rollout.state.PgServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every command on a shared state in PostgreSQL (a real server), and the password nowhere it could leak. */
class PgCliTest {

    @TempDir
    Path tmp;

    final CliRunner cli = new CliRunner().at("2026-03-02T08:00:00Z");
    final String schema = PgServer.freshSchema();
    final String url = PgServer.url(schema);
    final List<CliRunner.Result> seen = new ArrayList<>();

    CliRunner.Result run(CliRunner runner, String... args) {
        CliRunner.Result r = runner.run(args);
        seen.add(r);
        return r;
    }

    /** Everything the server holds for this test's schema, as text. */
    String stored() throws Exception {
        StringBuilder all = new StringBuilder();
        try (Connection c = PgServer.admin(); Statement s = c.createStatement()) {
            for (String table : List.of("state", "history", "hook", "holder", "meta")) {
                try (ResultSet rs = s.executeQuery("SELECT t::text FROM " + schema + "." + table + " t")) {
                    while (rs.next()) {
                        all.append(rs.getString(1)).append('\n');
                    }
                }
            }
        }
        return all.toString();
    }

    @Test
    void everyCommandWorksOnTheDatabaseAndThePasswordIsNeverShown() throws Exception {
        Path dir = CliRunner.copyExample("fraud-detector", tmp);
        String spec = dir.resolve("rollout.yaml").toString();
        String exports = dir.resolve("exports").toString();
        CliRunner viaEnv = new CliRunner().at("2026-03-02T09:00:00Z").env("ROLLOUT_STATE", url);

        CliRunner.Result plan = run(cli, "plan", spec, "--state", url, "-o", "json");
        assertEquals(0, plan.exit(), plan.toString());
        assertEquals("NOT_STARTED", plan.json().get("status").asText());
        assertEquals(0, run(cli, "advance", spec, "--state", url).exit());
        CliRunner.Result offline = run(viaEnv, "advance", spec, "--metrics", exports + "/offline.csv");
        assertEquals(0, offline.exit(), offline.toString());
        assertTrue(offline.out().contains("moved from offline to shadow"), offline.out());
        CliRunner.Result thin = run(viaEnv, "evaluate", spec, "--metrics", exports + "/shadow.csv", "-o", "json");
        assertEquals(3, thin.exit(), thin.toString());
        for (String stage : List.of("shadow", "canary-5")) {
            assertEquals(0, run(viaEnv, "advance", spec, "--force", "--reason", "skip " + stage).exit());
        }
        assertEquals(0, run(viaEnv, "approve", spec, "--by", "alice", "--reason", "dashboards look fine").exit());
        CliRunner.Result full = run(viaEnv, "advance", spec, "--if-stage", "canary-25", "--force", "--reason", "go",
                "-o", "json");
        assertEquals(0, full.exit(), full.toString());
        assertEquals("full", full.json().get("stage").get("name").asText());
        CliRunner.Result again = run(viaEnv, "advance", spec, "--if-stage", "canary-25", "--force", "--reason", "go");
        assertEquals(5, again.exit(), "a retried CI job never advances twice: " + again);
        assertEquals(0, run(viaEnv, "rollback", spec, "--reason", "pager").exit());

        CliRunner.Result status = run(viaEnv, "status", spec, "-o", "json");
        assertEquals(0, status.exit(), status.toString());
        assertEquals("ROLLED_BACK", status.json().get("status").asText());
        String shown = status.json().get("state").asText();
        assertEquals("postgresql://" + PgServer.USER + "@127.0.0.1:" + PgServer.port() + "/postgres?schema=" + schema
                + "#fraud-detector", shown);
        CliRunner.Result history = run(viaEnv, "history", spec, "-o", "json");
        List<String> events = new ArrayList<>();
        history.json().get("events").forEach(e -> events.add(e.get("event").asText()));
        assertEquals(List.of("STARTED", "EVALUATED", "ADVANCED", "EVALUATED", "FORCED", "FORCED", "APPROVED", "FORCED",
                "ROLLED_BACK"), events);
        assertEquals(0, run(viaEnv, "history", spec).exit());
        Path report = tmp.resolve("report.html");
        assertEquals(0, run(viaEnv, "report", spec, "--out", report.toString()).exit());
        assertTrue(Files.readString(report).contains("fraud-detector"));
        assertEquals(0, run(viaEnv, "status", spec).exit());

        assertFalse(Files.exists(dir.resolve(".rollout/fraud-detector.state.json")), "no state file beside the spec");
        for (CliRunner.Result r : seen) {
            assertFalse(r.out().contains(PgServer.PASSWORD) || r.err().contains(PgServer.PASSWORD), r.toString());
        }
        String db = stored();
        assertTrue(db.contains("ROLLED_BACK"), db);
        assertFalse(db.contains(PgServer.PASSWORD), "the password is in no row");
        assertFalse(Files.readString(report).contains(PgServer.PASSWORD));
    }

    @Test
    void theStreaksOfAStageAreKeptInTheDatabase() throws Exception {
        Path dir = CliRunner.copyExample("fraud-detector", tmp);
        String spec = dir.resolve("rollout.yaml").toString();
        Files.writeString(dir.resolve("rollout.yaml"), Files.readString(dir.resolve("rollout.yaml"))
                .replace("    minSamples: 500\n  - name: shadow", "    minSamples: 500\n    promoteAfter: 3\n  - name: shadow"));
        CliRunner viaEnv = new CliRunner().at("2026-03-02T09:00:00Z").env("ROLLOUT_STATE", url);
        assertEquals(0, run(cli, "advance", spec, "--state", url).exit());
        for (int i = 0; i < 2; i++) {
            assertEquals(0, run(viaEnv, "evaluate", spec, "--metrics", dir.resolve("exports/offline.csv").toString()).exit());
        }
        CliRunner.Result held = run(viaEnv, "advance", spec);
        assertEquals(3, held.exit(), held.toString());
        assertTrue(held.out().contains("only 2 of 3 consecutive PROMOTE evaluations in stage offline"), held.out());
        CliRunner.Result status = run(viaEnv, "status", spec, "-o", "json");
        assertEquals(2, status.json().get("stage").get("streaks").get("promote").asInt(), status.out());
        assertTrue(stored().contains("\"streaks\""), "the count is in the state row");
    }

    @Test
    void statusWithTheUrlAndNoSpecListsEveryRolloutInTheSchema() throws Exception {
        Path fraud = CliRunner.copyExample("fraud-detector", tmp).resolve("rollout.yaml");
        Path svm = CliRunner.copyExample("svm-classifier", tmp).resolve("rollout.yaml");
        assertEquals(0, run(cli, "advance", fraud.toString(), "--state", url).exit());
        assertEquals(0, run(cli, "advance", svm.toString(), "--state", url).exit());
        CliRunner.Result list = run(cli, "status", "--state", url, "-o", "json");
        assertEquals(0, list.exit(), list.toString());
        List<String> names = new ArrayList<>();
        for (JsonNode r : list.json().get("rollouts")) {
            names.add(r.get("rollout").asText());
            assertTrue(r.get("state").asText().endsWith("#" + r.get("rollout").asText()), r.toString());
        }
        assertEquals(List.of("fraud-detector", "svm-classifier"), names);
        CliRunner.Result text = run(cli, "status", "--state", url);
        assertTrue(text.out().contains("fraud-detector") && text.out().contains("svm-classifier"), text.out());
        assertFalse(text.out().contains(PgServer.PASSWORD) || list.out().contains(PgServer.PASSWORD));
    }

    @Test
    void credentialsComeFromPgUserAndPgPasswordAndAWrongOneIsOneLineWithoutIt() throws Exception {
        Path spec = CliRunner.copyExample("svm-classifier", tmp).resolve("rollout.yaml");
        String bare = "postgresql://127.0.0.1:" + PgServer.port() + "/postgres?schema=" + schema;
        CliRunner env = new CliRunner().at("2026-03-02T08:00:00Z").env("PGUSER", PgServer.USER).env("PGPASSWORD", PgServer.PASSWORD);
        CliRunner.Result ok = run(env, "advance", spec.toString(), "--state", bare, "-o", "json");
        assertEquals(0, ok.exit(), ok.toString());
        assertEquals(bare.replace("//", "//" + PgServer.USER + "@").replace("1:", "1:") + "#svm-classifier",
                ok.json().get("state").asText());

        String wrong = "wrong-" + PgServer.PASSWORD;
        CliRunner.Result refused = run(new CliRunner().env("PGUSER", PgServer.USER).env("PGPASSWORD", wrong),
                "status", spec.toString(), "--state", bare);
        assertEquals(1, refused.exit(), refused.toString());
        assertEquals(1, refused.err().strip().lines().count(), refused.err());
        assertTrue(refused.err().contains("the server refused the login") && refused.err().contains(PgServer.USER), refused.err());
        CliRunner.Result inUrl = run(new CliRunner(), "status", spec.toString(), "--state",
                url.replace(PgServer.PASSWORD, wrong), "-o", "json");
        assertEquals(1, inUrl.exit(), inUrl.toString());
        for (CliRunner.Result r : seen) {
            assertFalse(r.out().contains(wrong) || r.err().contains(wrong) || r.out().contains(PgServer.PASSWORD)
                    || r.err().contains(PgServer.PASSWORD), r.toString());
        }
    }

    @Test
    void anUnreachableServerOrAMissingDatabaseIsExitOneInOneLineAndChangesNothing() throws Exception {
        Path spec = CliRunner.copyExample("svm-classifier", tmp).resolve("rollout.yaml");
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        long t0 = System.nanoTime();
        CliRunner.Result unreachable = run(cli, "advance", spec.toString(), "--state",
                "postgresql://" + PgServer.USER + ":" + PgServer.PASSWORD + "@127.0.0.1:" + closed + "/postgres?connect_timeout=2");
        assertEquals(1, unreachable.exit(), unreachable.toString());
        assertTrue((System.nanoTime() - t0) / 1e9 < 10, "within the connect timeout");
        assertTrue(unreachable.err().contains("cannot reach the state store"), unreachable.err());
        assertEquals(1, unreachable.err().strip().lines().count(), unreachable.err());

        CliRunner.Result missing = run(cli, "advance", spec.toString(), "--state", url.replace("/postgres?", "/nosuchdb?"));
        assertEquals(1, missing.exit(), missing.toString());
        assertTrue(missing.err().contains("nosuchdb") && missing.err().contains("does not exist"), missing.err());
        assertEquals(1, missing.err().strip().lines().count(), missing.err());

        CliRunner.Result bad = run(cli, "status", spec.toString(), "--state", "postgresql://ana:" + PgServer.PASSWORD + "@/x");
        assertEquals(1, bad.exit(), bad.toString());
        for (CliRunner.Result r : seen) {
            assertFalse(r.out().contains(PgServer.PASSWORD) || r.err().contains(PgServer.PASSWORD), r.toString());
        }
        assertFalse(Files.exists(spec.resolveSibling(".rollout")), "nothing written beside the spec");
    }

    @Test
    void aSchemaOfANewerVersionIsRefusedAndLeftAsItIs() throws Exception {
        Path spec = CliRunner.copyExample("svm-classifier", tmp).resolve("rollout.yaml");
        assertEquals(0, run(cli, "advance", spec.toString(), "--state", url).exit());
        try (Connection c = PgServer.admin(); Statement s = c.createStatement()) {
            s.execute("UPDATE " + schema + ".meta SET value = '2' WHERE key = 'schema_version'");
        }
        String before = stored();
        for (String command : List.of("status", "advance")) {
            CliRunner.Result r = run(cli, command, spec.toString(), "--state", url, "--force", "--reason", "x");
            if (command.equals("status")) {
                r = run(cli, command, spec.toString(), "--state", url);
            }
            assertEquals(1, r.exit(), r.toString());
            assertTrue(r.err().contains("the schema " + schema + " is version 2; this rollout knows version 1"), r.err());
        }
        assertEquals(before, stored());
    }

    @Test
    void tablesADbaCreatedBeforehandAreUsedAsTheyAre() throws Exception {
        try (Connection c = PgServer.admin(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
            for (var t : dev.rollout.state.pg.PgStore.tables().entrySet()) {
                s.execute("CREATE TABLE " + schema + "." + t.getKey() + " (" + t.getValue().replace("%s", schema) + ")");
            }
            s.execute("INSERT INTO " + schema + ".meta VALUES ('schema_version', '1')");
            s.execute("GRANT USAGE ON SCHEMA " + schema + " TO " + PgServer.USER);
            s.execute("GRANT SELECT, INSERT, UPDATE ON " + schema + ".state, " + schema + ".holder TO " + PgServer.USER);
            s.execute("GRANT SELECT, INSERT ON " + schema + ".history TO " + PgServer.USER);
            s.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON " + schema + ".hook TO " + PgServer.USER);
            s.execute("GRANT SELECT ON " + schema + ".meta TO " + PgServer.USER);
            s.execute("REVOKE CREATE ON DATABASE postgres FROM " + PgServer.USER);
        }
        try {
            Path spec = CliRunner.copyExample("fraud-detector", tmp).resolve("rollout.yaml");
            CliRunner.Result start = run(cli, "advance", spec.toString(), "--state", url);
            assertEquals(0, start.exit(), start.toString());
            assertEquals(0, run(cli, "approve", spec.toString(), "--state", url, "--by", "bob").exit());
            assertEquals(2, run(cli, "status", spec.toString(), "--state", url, "-o", "json").json().get("serial").asInt());
            try (Connection c = PgServer.admin(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM " + schema + ".history")) {
                rs.next();
                assertEquals(2, rs.getInt(1), "the README's grants are enough: no UPDATE or DELETE on history");
            }
        } finally {
            try (Connection c = PgServer.admin(); Statement s = c.createStatement()) {
                s.execute("GRANT ALL ON DATABASE postgres TO " + PgServer.USER);
            }
        }
    }

    @Test
    void pushAndPullMoveTheStateAndEveryEventAndNeverReplaceOne() throws Exception {
        Path dir = CliRunner.copyExample("fraud-detector", tmp);
        String spec = dir.resolve("rollout.yaml").toString();
        String exports = dir.resolve("exports").toString();
        assertEquals(0, run(cli, "advance", spec).exit());
        assertEquals(0, run(cli.at("2026-03-02T09:00:00Z"), "advance", spec, "--metrics", exports + "/offline.csv").exit());
        assertEquals(0, run(cli, "approve", spec, "--by", "alice", "--reason", "ok").exit());
        assertEquals(3, run(cli, "evaluate", spec, "--metrics", exports + "/shadow.csv").exit());
        JsonNode fileHistory = run(cli, "history", spec, "-o", "json").json().get("events");
        JsonNode fileStatus = run(cli, "status", spec, "-o", "json").json();

        CliRunner.Result push = run(cli, "state", "push", spec, "--to", url, "-o", "json");
        assertEquals(0, push.exit(), push.toString());
        assertEquals(fileHistory.size(), push.json().get("events").asInt());
        assertEquals(fileHistory, run(cli, "history", spec, "--state", url, "-o", "json").json().get("events"),
                "every event as it was, as JSON values");
        JsonNode dbStatus = run(cli, "status", spec, "--state", url, "-o", "json").json();
        assertEquals(fileStatus.get("serial"), dbStatus.get("serial"));
        assertEquals(fileStatus.get("lineage"), dbStatus.get("lineage"));
        assertEquals(fileStatus.get("lastEvaluation"), dbStatus.get("lastEvaluation"));

        CliRunner.Result again = run(cli, "state", "push", spec, "--to", url);
        assertEquals(5, again.exit(), again.toString());
        assertTrue(again.err().contains("already holds rollout 'fraud-detector'"), again.err());
        assertEquals(fileHistory, run(cli, "history", spec, "--state", url, "-o", "json").json().get("events"));

        assertEquals(0, run(cli, "approve", spec, "--by", "bob", "--state", url).exit(), "the moved rollout goes on there");
        String back = tmp.resolve("back.state.json").toString();
        CliRunner.Result pull = run(cli, "state", "pull", spec, "--from", url, "--state", back);
        assertEquals(0, pull.exit(), pull.toString());
        JsonNode dbHistory = run(cli, "history", spec, "--state", url, "-o", "json").json().get("events");
        assertEquals(fileHistory.size() + 1, dbHistory.size());
        assertEquals(dbHistory, run(cli, "history", spec, "--state", back, "-o", "json").json().get("events"));
        assertEquals(5, run(cli, "state", "pull", spec, "--from", url, "--state", back).exit(), "a pull never replaces a file");
        assertEquals(1, run(cli, "state", "push", tmp.resolve("fraud-detector/rollout.yaml").toString(), "--to", url,
                "--state", tmp.resolve("none.state.json").toString()).exit(), "nothing to push");
        for (CliRunner.Result r : seen) {
            assertFalse(r.out().contains(PgServer.PASSWORD) || r.err().contains(PgServer.PASSWORD), r.toString());
        }
    }

    /** pgjdbc reads PGPASSFILE (or ~/.pgpass) itself: a real process, since the driver asks the real environment. */
    @Test
    void aPasswordFromPgpassLogsInAndIsShownNowhere() throws Exception {
        Path spec = CliRunner.copyExample("svm-classifier", tmp).resolve("rollout.yaml");
        Path pgpass = tmp.resolve("pgpass");
        Files.writeString(pgpass, "127.0.0.1:" + PgServer.port() + ":postgres:" + PgServer.USER + ":" + PgServer.PASSWORD + "\n");
        Files.setPosixFilePermissions(pgpass, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        String bare = "postgresql://" + PgServer.USER + "@127.0.0.1:" + PgServer.port() + "/postgres?schema=" + schema;
        Path home = Files.createDirectories(tmp.resolve("home"));
        for (boolean withFile : List.of(true, false)) {
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                    "advance", spec.toString(), "--state", bare, "-o", "json").redirectErrorStream(true);
            pb.environment().remove("PGPASSWORD");
            pb.environment().put("HOME", home.toString());
            pb.environment().put("ROLLOUT_NOW", "2026-03-02T08:00:00Z");
            if (withFile) {
                pb.environment().put("PGPASSFILE", pgpass.toString());
            } else {
                pb.environment().remove("PGPASSFILE");
            }
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
            assertFalse(out.contains(PgServer.PASSWORD), out);
            if (withFile) {
                assertEquals(0, p.exitValue(), out);
            } else {
                assertEquals(1, p.exitValue(), "no password anywhere: the login is refused: " + out);
                assertTrue(out.contains("the server refused the login"), out);
            }
        }
    }

    @Test
    void aLeaseNoLongerThanTheHooksTimeoutIsRefusedBeforeAnythingRuns() throws Exception {
        Path dir = CliRunner.copyExample("fraud-detector", tmp);
        CliRunner.Result r = run(cli, "advance", dir.resolve("rollout.yaml").toString(), "--state", url + "&lease=1m");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("lease 1m must be longer than the hooks' timeout 2m"), r.err());
        assertFalse(Files.exists(dir.resolve(".rollout/traffic.yaml")), "the apply hook did not run");
        assertEquals(0, run(cli, "advance", dir.resolve("rollout.yaml").toString(), "--state", url + "&lease=3m").exit());
    }
}
