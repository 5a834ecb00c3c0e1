package dev.rollout.cli;

import dev.rollout.state.PgServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No apply hook runs without the lock on a PostgreSQL state either: rollout killed with
 * {@code kill -9} while its hook runs leaves the hook's record in the {@code hook} table (written
 * on a session of its own, so the killed transaction does not take it along), and the next
 * command ends the orphan before it runs its own hook. The file twin is {@link HookProcessTest}.
 */
class PgHookProcessTest {

    @TempDir
    Path tmp;

    final String schema = PgServer.freshSchema();
    final String url = PgServer.url(schema);
    final CliRunner cli = new CliRunner().at("2026-01-01T00:00:00Z");

    boolean recorded() throws Exception {
        try (Connection c = PgServer.admin();
             PreparedStatement q = c.prepareStatement("SELECT convert_from(record, 'UTF8') FROM " + schema + ".hook WHERE name = 'slow'")) {
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() && rs.getString(1).contains("\"pid\"");
            }
        }
    }

    @Test
    void aRollbackAfterKill9EndsTheOrphanedApplyHookBeforeRunningItsOwn() throws Exception {
        Files.writeString(tmp.resolve("hook.sh"), HookProcessTest.HOOK);
        Path spec = tmp.resolve("rollout.yaml");
        Files.writeString(spec, HookProcessTest.SPEC);
        assertEquals(0, cli.run("advance", spec.toString(), "--state", url).exit());
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "advance", spec.toString(), "--force", "--reason", "canary", "--state", url)
                .redirectErrorStream(true).redirectOutput(tmp.resolve("advance.log").toFile());
        pb.environment().put("ROLLOUT_NOW", "2026-01-01T01:00:00Z");
        Process rollout = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(tmp.resolve("advance.pids")) || !recorded()) {
            assertTrue(rollout.isAlive(), "rollout ended before its hook ran: " + Files.readString(tmp.resolve("advance.log")));
            assertTrue(System.nanoTime() < deadline, "the hook never started or was never recorded");
            Thread.sleep(10);
        }
        rollout.destroyForcibly();
        assertTrue(rollout.waitFor(30, TimeUnit.SECONDS));
        long[] hook = Arrays.stream(Files.readString(tmp.resolve("advance.pids")).strip().split(" "))
                .mapToLong(Long::parseLong).toArray();

        CliRunner.Result r = cli.run("rollback", spec.toString(), "--reason", "killed mid-apply", "--state", url);
        assertEquals(0, r.exit(), r.toString());
        assertTrue(HookProcessTest.ended(hook, 20), "the orphaned hook ended");
        assertEquals("0", Files.readString(tmp.resolve("traffic")).strip(), "the real traffic is the rollback's");
        assertEquals(List.of("start begin", "start end", "advance begin", "rollback begin", "rollback end"),
                Files.readAllLines(tmp.resolve("progress.log")));
        assertTrue(r.err().contains("warning: ended the apply hook 'sh hook.sh' (process group " + hook[0] + ")"), r.err());
        assertEquals("ROLLED_BACK", cli.run("status", spec.toString(), "--state", url, "-o", "json").json().path("status").asText());
        assertFalse(recorded(), "the record of the hook is gone with it");
        assertEquals(2, cli.run("status", spec.toString(), "--state", url, "-o", "json").json().path("serial").asInt(),
                "the killed advance wrote nothing");
    }
}
