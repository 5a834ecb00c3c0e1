package dev.rollout.cli;

import dev.rollout.state.PgServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Many JVMs, as CI runners and cron hosts would be, drive one rollout in PostgreSQL: no event is
 * lost or doubled, a retried {@code --if-stage} moves once, a waiter names the holder. The same
 * run with the lock and the compare-and-set switched off loses writes, so the test can fail.
 */
class PgConcurrentProcessesTest {

    @TempDir
    Path tmp;

    final String schema = PgServer.freshSchema();
    // Sixteen JVMs connecting at once on two loaded cores took longer than the default 10 s to log in (seen in
    // full runs beside other builds); the test is about lost writes, not login time.
    final String url = PgServer.url(schema) + "&connect_timeout=120";

    static ProcessBuilder cli(List<String> jvmOptions, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path")));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }

    /** serial, history rows, distinct serials in the history, its highest serial. */
    long[] stored() throws Exception {
        try (Connection c = PgServer.admin(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT (SELECT serial FROM " + schema + ".state WHERE name = 'fraud-detector'),"
                     + " count(*), count(DISTINCT serial), max(serial) FROM " + schema + ".history")) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)};
        }
    }

    /** processes × runs of approve at once; the exit code of each process (0: every run exited 0). */
    List<Integer> approveRace(boolean lock, int processes, int runs) throws Exception {
        Path spec = CliRunner.copyExample("fraud-detector", tmp).resolve("rollout.yaml");
        assertEquals(0, new CliRunner().at("2026-03-02T08:00:00Z").run("advance", spec.toString(), "--state", url).exit());
        List<Process> started = new ArrayList<>();
        for (int i = 0; i < processes; i++) {
            ProcessBuilder pb = cli(lock ? List.of() : List.of("-Drollout.test.unsafeNoLock=true"),
                    RepeatedCommand.class.getName(), Integer.toString(runs), "0",
                    "approve", spec.toString(), "--by", "cron", "--state", url, "--lock-timeout", "120s")
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("p" + i + ".log").toFile());
            pb.environment().put("ROLLOUT_NOW", "2026-03-02T09:00:00Z");
            pb.environment().put("ROLLOUT_ACTOR", "cron-" + i);
            pb.environment().put("HOSTNAME", i % 2 == 0 ? "runner-a" : "runner-b");
            started.add(pb.start());
        }
        List<Integer> exits = new ArrayList<>();
        for (Process p : started) {
            assertTrue(p.waitFor(300, TimeUnit.SECONDS), "process finished");
            exits.add(p.exitValue());
        }
        return exits;
    }

    @Test
    void sixteenJvmsTimesFiftyApproveKeepEveryEventOnce() throws Exception {
        List<Integer> exits = approveRace(true, 16, 50);
        for (int i = 0; i < exits.size(); i++) {
            assertEquals(0, exits.get(i), "every approve of process " + i + " exited 0: " + Files.readString(tmp.resolve("p" + i + ".log")));
        }
        long[] s = stored();
        assertEquals(801, s[0], "serial = number of writes");
        assertEquals(801, s[1], "800 approvals and the start, each once");
        assertEquals(801, s[2], "no serial twice");
        assertEquals(801, s[3], "no gap");
    }

    @Test
    void withoutTheLockAndTheCompareAndSetWritesAreRefusedSoTheTestAboveHasTeeth() throws Exception {
        List<Integer> exits = approveRace(false, 16, 50);
        long[] s = stored();
        assertTrue(s[0] < 801, "writes lost or refused without the lock: serial " + s[0]);
        assertTrue(exits.stream().anyMatch(e -> e != 0), "some approve failed: " + exits);
        assertEquals(s[1], s[2], "even then the history key lets no serial in twice");
    }

    @Test
    void aWaiterGivesUpAfterTheLockTimeoutNamingTheHolderProcess() throws Exception {
        Path spec = CliRunner.copyExample("fraud-detector", tmp).resolve("rollout.yaml");
        CliRunner cli = new CliRunner().at("2026-03-02T08:00:00Z");
        assertEquals(0, cli.run("advance", spec.toString(), "--state", url).exit());
        Process holder = cli(List.of(), dev.rollout.state.PgWorker.class.getName(), "hold", url, "fraud-detector", "20000",
                "rollout advance rollout.yaml --force").start();
        try {
            assertEquals("locked", new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8)).readLine());
            CliRunner.Result r = cli.run("approve", spec.toString(), "--by", "bob", "--state", url, "--lock-timeout", "1s");
            assertEquals(5, r.exit(), r.toString());
            assertTrue(r.err().contains("is locked by pid " + holder.pid() + " (") && r.err().contains("`rollout advance rollout.yaml --force`")
                    && r.err().contains("waited 1s (--lock-timeout)"), r.err());
            assertTrue(!r.err().contains(PgServer.PASSWORD), r.err());
            CliRunner.Result now = cli.run("approve", spec.toString(), "--by", "bob", "--state", url, "--lock-timeout", "0s");
            assertEquals(5, now.exit(), now.toString());
        } finally {
            holder.destroyForcibly();
            holder.waitFor(10, TimeUnit.SECONDS);
        }
        assertEquals(0, cli.run("approve", spec.toString(), "--by", "bob", "--state", url, "--lock-timeout", "5s").exit());
        assertEquals(2, stored()[0]);
    }

    @Test
    void ifStageMovesOnceWhateverTheNumberOfHostsThatRetryIt() throws Exception {
        Path spec = CliRunner.copyExample("fraud-detector", tmp).resolve("rollout.yaml");
        CliRunner cli = new CliRunner().at("2026-03-02T08:00:00Z");
        assertEquals(0, cli.run("advance", spec.toString(), "--state", url).exit());
        List<Process> started = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ProcessBuilder pb = cli(List.of(), Main.class.getName(), "advance", spec.toString(), "--state", url,
                    "--if-stage", "offline", "--force", "--reason", "retried job " + i, "--lock-timeout", "120s")
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("a" + i + ".log").toFile());
            pb.environment().put("ROLLOUT_NOW", "2026-03-02T09:00:00Z");
            pb.environment().put("HOSTNAME", i % 2 == 0 ? "runner-a" : "runner-b");
            started.add(pb.start());
        }
        List<Integer> exits = new ArrayList<>();
        for (Process p : started) {
            assertTrue(p.waitFor(120, TimeUnit.SECONDS));
            exits.add(p.exitValue());
        }
        assertEquals(1, exits.stream().filter(e -> e == 0).count(), "exactly one moved: " + exits);
        assertEquals(7, exits.stream().filter(e -> e == 5).count(), "the others were refused: " + exits);
        CliRunner.Result status = cli.run("status", spec.toString(), "--state", url, "-o", "json");
        assertEquals("shadow", status.json().get("stage").get("name").asText());
        assertEquals(2, status.json().get("serial").asInt());
    }
}
