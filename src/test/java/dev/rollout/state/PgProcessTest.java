package dev.rollout.state;

import dev.rollout.RolloutException;
import dev.rollout.lifecycle.HistoryEvent;
import dev.rollout.lifecycle.RolloutState;
import dev.rollout.state.pg.PgStore;
import dev.rollout.state.pg.PgUrl;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real processes against a real server: killed, frozen, and cut off mid-write. */
class PgProcessTest {

    final String url = PgServer.freshUrl();

    StateBackend backend(String name, Duration lockTimeout, String command) {
        StateBackend.Options options = new StateBackend.Options(lockTimeout, Clock.systemUTC(), command, Optional.empty());
        return new PgStore(PgUrl.parse(url, Map.of()), options, Duration.ofSeconds(1)).open(name, options);
    }

    static Process worker(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(
                java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), PgWorker.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    static String firstLine(Process p) throws Exception {
        return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
    }

    @Test
    void sixtyKillNinesNeverLoseACommittedWriteNorKeepTheLock() throws Exception {
        StateBackend check = backend("fraud", Duration.ofSeconds(5), "rollout check");
        Random random = new Random(14);
        long serial = 0;
        for (int round = 0; round < 60; round++) {
            Process p = worker("loop", url, "fraud", "w" + round);
            assertEquals("started", firstLine(p), "round " + round);
            Thread.sleep(random.nextInt(120));
            p.destroyForcibly(); // SIGKILL
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            RolloutState state = check.read().orElseThrow();
            assertTrue(state.serial() > serial, "round " + round + ": the serial never goes back and the worker wrote");
            serial = state.serial();
            List<HistoryEvent> history = check.history(w -> { });
            assertEquals(serial, history.size(), "round " + round + ": one event per committed write");
            assertEquals(serial, Set.copyOf(history.stream().map(HistoryEvent::serial).toList()).size());
            // The next writer gets the lock the killed one held: within this lock timeout, not after a lease.
            check.update(Fixtures.increment("check", round, 0));
            serial++;
        }
        assertEquals(serial, check.read().orElseThrow().serial());
    }

    @Test
    void aFrozenWriterLosesTheLockAfterItsLeaseAndThenFailsInsteadOfOverwriting() throws Exception {
        StateBackend backend = backend("fraud", Duration.ofSeconds(30), "rollout check");
        backend.update(Fixtures.increment("first", 0, 0));
        Process frozen = worker("slow", url + "&lease=3s", "fraud", "4000");
        try {
            assertEquals("locked", firstLine(frozen));
            new ProcessBuilder("kill", "-STOP", Long.toString(frozen.pid())).start().waitFor();
            long t0 = System.nanoTime();
            backend.update(Fixtures.increment("next", 0, 0));
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(waited >= 2000, "the lock was held until the lease ran out: " + waited + " ms");
            assertEquals(2, backend.read().orElseThrow().serial());
        } finally {
            new ProcessBuilder("kill", "-CONT", Long.toString(frozen.pid())).start().waitFor();
        }
        assertTrue(frozen.waitFor(30, TimeUnit.SECONDS));
        String said = new String(frozen.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, frozen.exitValue(), said);
        assertTrue(said.contains("the write was not committed, the state is unchanged"), said);
        assertEquals(2, backend.read().orElseThrow().serial(), "the frozen writer overwrote nothing");
        assertEquals(List.of("first:0", "next:0"), backend.history(w -> { }).stream().map(Fixtures::who).toList());
    }

    @Test
    void aConnectionCutMidTransactionWritesNothingAndSaysSo() throws Exception {
        StateBackend backend = backend("fraud", Duration.ofSeconds(5), "rollout cut-test");
        backend.update(Fixtures.increment("w", 0, 0));
        RolloutException e = assertThrows(RolloutException.class, () -> backend.update(current -> {
            try (Connection c = PgServer.admin(); Statement s = c.createStatement()) {
                s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE 'rollout cut-test%'"
                        + " AND state = 'idle in transaction'");
            } catch (java.sql.SQLException x) {
                throw new AssertionError(x);
            }
            return Fixtures.increment("w", 1, 0).apply(current);
        }));
        assertEquals(1, e.kind().exitCode());
        assertTrue(e.getMessage().contains("the write was not committed, the state is unchanged"), e.getMessage());
        assertFalse(e.describe().contains(PgServer.PASSWORD));
        assertEquals(1, backend.read().orElseThrow().serial());
        assertEquals(1, backend.history(w -> { }).size());
    }
}
