package dev.rollout.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An apply hook never runs without the lock, across real processes: {@code rollout} killed
 * (TERM or KILL) while its hook runs, then another command on the same rollout. The hook
 * records its progress in files; the assertions are on those files, so they see the real
 * traffic, not what the state says.
 */
class HookProcessTest {

    @TempDir
    Path tmp;

    /** Advancing to the canary takes the hook 5 s (a slow kubectl); every other move is instant. */
    static final String HOOK = """
            echo "$ROLLOUT_ACTION begin" >> progress.log
            if [ "$ROLLOUT_ACTION" = advance ]; then
              sleep 5 &
              echo "$$ $!" > pids.tmp && mv pids.tmp advance.pids
              wait
            fi
            echo "$ROLLOUT_TRAFFIC" > traffic
            echo "$ROLLOUT_ACTION end" >> progress.log
            """;

    /** The rollout whose every move runs {@link #HOOK}. */
    static final String SPEC = """
            version: 1
            name: slow
            model: {baseline: "1", candidate: "2"}
            stages:
              - {name: shadow, traffic: 0}
              - {name: canary, traffic: 50}
              - {name: all, traffic: 100}
            metrics:
              - {name: acc}
            hooks: {apply: [sh, hook.sh], timeout: 1m}
            """;

    private final CliRunner cli = new CliRunner().at("2026-01-01T00:00:00Z");

    private Path spec() throws IOException {
        Files.writeString(tmp.resolve("hook.sh"), HOOK);
        Path spec = tmp.resolve("rollout.yaml");
        Files.writeString(spec, SPEC);
        assertEquals(0, cli.run("advance", spec.toString()).exit());
        assertEquals("0", traffic());
        return spec;
    }

    private String traffic() throws IOException {
        return Files.readString(tmp.resolve("traffic")).strip();
    }

    /** {@code rollout advance --force} in its own JVM, stopped once its hook is running; returns the hook's pids. */
    private long[] advanceInAnotherJvmThenStopIt(Path spec, boolean kill) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "advance", spec.toString(), "--force", "--reason", "canary"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("advance.log").toFile());
        pb.environment().put("ROLLOUT_NOW", "2026-01-01T01:00:00Z");
        pb.environment().put("ROLLOUT_ACTOR", "ci");
        Process rollout = pb.start();
        Path pids = tmp.resolve("advance.pids");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(pids)) {
            assertTrue(rollout.isAlive(), "rollout ended before its hook ran: " + Files.readString(tmp.resolve("advance.log")));
            assertTrue(System.nanoTime() < deadline, "the hook never started");
            Thread.sleep(10);
        }
        // Killed once rollout has recorded the hook's process group (a kill before that is a test of its own), or
        // after 1.5 s, as in the report, should it never say.
        long patience = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
        while (!recorded() && System.nanoTime() < patience) {
            Thread.sleep(10);
        }
        if (kill) {
            rollout.destroyForcibly();
        } else {
            rollout.destroy();
        }
        assertTrue(rollout.waitFor(30, TimeUnit.SECONDS), "rollout ended");
        return Arrays.stream(Files.readString(pids).strip().split(" ")).mapToLong(Long::parseLong).toArray();
    }

    private boolean recorded() throws IOException {
        try {
            return Files.readString(record()).contains("\"pid\"");
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /** Running: present in /proc and not a zombie (a zombie is over, only not reaped yet by whoever adopted it). */
    static boolean running(long pid) throws IOException {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /** Waits until none of {@code pids} runs, at most {@code seconds}; true when they all ended. */
    static boolean ended(long[] pids, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (Arrays.stream(pids).anyMatch(p -> {
            try {
                return running(p);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        })) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    @Test
    void aRollbackAfterKill9EndsTheOrphanedApplyHookBeforeRunningItsOwn() throws Exception {
        Path spec = spec();
        long[] hook = advanceInAnotherJvmThenStopIt(spec, true);

        CliRunner.Result r = cli.run("rollback", spec.toString(), "--reason", "canary killed mid-apply");
        assertEquals(0, r.exit(), r.toString());
        // Had the orphan lived on, its `sleep 5` would end and it would write 50 after the rollback's 0.
        assertTrue(ended(hook, 20), "the orphaned hook ended");
        assertEquals("0", traffic(), "the real traffic is the rollback's");
        List<String> progress = Files.readAllLines(tmp.resolve("progress.log"));
        assertEquals(List.of("start begin", "start end", "advance begin", "rollback begin", "rollback end"), progress);
        assertTrue(r.err().contains("warning: ended the apply hook 'sh hook.sh' (process group " + hook[0] + ")")
                && r.err().contains("left running by rollout pid "), r.err());
        assertEquals("ROLLED_BACK", cli.run("status", spec.toString(), "-o", "json").json().path("status").asText());
        assertFalse(Files.exists(tmp.resolve(".rollout/slow.state.json.hook")), "the record of the hook is gone with it");

        CliRunner.Result again = cli.run("advance", spec.toString(), "--restart");
        assertEquals(0, again.exit(), again.toString());
        assertFalse(again.err().contains("warning: ended"), "nothing left to end: " + again.err());
    }

    @Test
    void sigtermEndsTheHooksWholeProcessGroupBeforeRolloutExits() throws Exception {
        Path spec = spec();
        long[] hook = advanceInAnotherJvmThenStopIt(spec, false);

        // The JVM's shutdown hook ended the group before the JVM was gone: only reaping may be left.
        assertTrue(ended(hook, 1), "the hook and its child ended with rollout");
        assertFalse(Files.exists(tmp.resolve(".rollout/slow.state.json.hook")), "the record of the hook is gone with it");
        assertEquals("0", traffic(), "the advance never completed");

        CliRunner.Result r = cli.run("rollback", spec.toString(), "--reason", "x");
        assertEquals(0, r.exit(), r.toString());
        assertFalse(r.err().contains("warning: ended"), "nothing left to end: " + r.err());
        assertEquals(List.of("start begin", "start end", "advance begin", "rollback begin", "rollback end"),
                Files.readAllLines(tmp.resolve("progress.log")));
    }

    private Path record() {
        return tmp.resolve(".rollout/slow.state.json.hook");
    }

    /** The record rollout pid {@code rolloutPid}, killed while advancing, leaves; {@code process}: its pid and start fields. */
    private void leaveRecord(String id, long rolloutPid, String process) throws IOException {
        Files.writeString(record(), "{\"command\":\"sh hook.sh\",\"id\":\"" + id + "\",\"ownProcessGroup\":true,"
                + "\"rolloutPid\":" + rolloutPid + ",\"action\":\"advance\",\"since\":\"2026-01-01T00:30:00Z\"" + process + "}\n");
    }

    @Test
    void aHookStartedByARolloutKilledBeforeItRecordedThePidIsFoundByItsIdAndEnded() throws Exception {
        Path spec = spec();
        ProcessBuilder pb = new ProcessBuilder("sleep", "60");
        pb.environment().put("ROLLOUT_HOOK_ID", "0f0e-left-behind");
        Process hook = pb.start();
        try {
            leaveRecord("0f0e-left-behind", 99999999, "");
            CliRunner.Result r = cli.run("rollback", spec.toString(), "--reason", "x");
            assertEquals(0, r.exit(), r.toString());
            assertTrue(hook.waitFor(0, TimeUnit.SECONDS) || !running(hook.pid()), "the hook ended before the rollback returned");
            assertTrue(r.err().contains("warning: ended the apply hook 'sh hook.sh' (pid not recorded) left running by"
                    + " rollout pid 99999999 (action advance, since 2026-01-01T00:30:00Z)"), r.err());
            assertFalse(Files.exists(record()));
        } finally {
            hook.destroyForcibly();
        }
    }

    @Test
    void aRecordWhoseHookHasEndedIsClearedWithAWarningThatTheTrafficMayDiffer() throws Exception {
        Path spec = spec();
        leaveRecord("gone", 1, ",\"pid\":99999998,\"start\":\"2026-01-01T00:30:00Z\"");
        CliRunner.Result r = cli.run("approve", spec.toString(), "--by", "x", "-o", "json");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.json().path("warnings").toString().contains("the apply hook 'sh hook.sh' (process group 99999998)"
                + " left running by rollout pid 1 (action advance, since 2026-01-01T00:30:00Z) had ended; the traffic may be"
                + " as that hook set it, not as the state says"), r.out());
        assertFalse(Files.exists(record()));
    }

    @Test
    void aCommandThatThenStopsStillSaysWhatItDidWithTheLeftHook() throws Exception {
        Path spec = spec();
        leaveRecord("gone", 1, "");
        CliRunner.Result r = cli.run("rollback", spec.toString(), "--reason", "x", "--if-stage", "canary");
        assertEquals(5, r.exit(), r.toString());
        assertTrue(r.err().contains("warning: the apply hook 'sh hook.sh' (pid not recorded) left running by rollout pid 1"
                + " (action advance, since 2026-01-01T00:30:00Z) had ended"), r.err());
        assertFalse(Files.exists(record()));
    }

    @Test
    void aRecordThatIsNotOneStopsTheCommandNamingIt() throws Exception {
        Path spec = spec();
        byte[] state = Files.readAllBytes(tmp.resolve(".rollout/slow.state.json"));
        Files.writeString(record(), "kubectl\n");
        CliRunner.Result r = cli.run("rollback", spec.toString(), "--reason", "x");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().startsWith("rollout: " + record() + ": not a record of a running hook"), r.err());
        assertEquals("0", traffic(), "no hook ran");
        assertEquals(List.of("start begin", "start end"), Files.readAllLines(tmp.resolve("progress.log")));
        assertArrayEquals(state, Files.readAllBytes(tmp.resolve(".rollout/slow.state.json")));
    }
}
