package dev.rollout.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A command source across real processes: a command that hangs is ended with everything it
 * started, at its timeout and when rollout itself is stopped; and its output, far larger than
 * rollout's heap, is read as it arrives.
 */
class CommandSourceProcessTest {

    @TempDir
    Path tmp;

    /** A command that starts a child, records both pids, prints a header and never finishes; both ignore SIGTERM. */
    static final String HANGS = """
            trap '' TERM
            sleep 300 &
            echo "$$ $!" > pids.tmp && mv pids.tmp command.pids
            printf 'model_version,acc\\n41,0.5\\n'
            wait
            """;

    private Path spec(String script, String timeout) throws IOException {
        Files.writeString(tmp.resolve("export.sh"), script);
        Path spec = tmp.resolve("rollout.yaml");
        Files.writeString(spec, """
                version: 1
                name: streamed
                model: {baseline: "41", candidate: "42"}
                stages:
                  - {name: shadow, traffic: 0, minSamples: 1}
                data:
                  variant: {column: model_version}
                sources:
                  nightly:
                    command: {run: [sh, export.sh], timeout: %s}
                metrics:
                  - {name: acc, source: nightly}
                """.formatted(timeout));
        return spec;
    }

    private long[] pids() throws IOException {
        return Arrays.stream(Files.readString(tmp.resolve("command.pids")).strip().split(" ")).mapToLong(Long::parseLong).toArray();
    }

    @Test
    void aCommandThatHangsIsKilledWithItsChildrenAtItsTimeout() throws Exception {
        Path spec = spec(HANGS, "1s");
        CliRunner cli = new CliRunner().at("2026-01-01T00:00:00Z").env("PATH", System.getenv("PATH"));
        CliRunner.Result r = cli.run("evaluate", spec.toString());
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().startsWith("rollout: source nightly: command sh export.sh timed out after 1s; its processes were ended"),
                r.err());
        long[] pids = pids();
        for (long pid : pids) {
            // Not waited for: the command returns only once its group is gone (SIGTERM ignored: SIGKILL after the grace).
            assertFalse(HookProcessTest.running(pid), "pid " + pid + " of the command still runs");
        }
        assertFalse(Files.exists(tmp.resolve(".rollout")), "nothing written");
    }

    @Test
    void rolloutStoppedWhileItsCommandRunsEndsTheCommandsProcesses() throws Exception {
        Path spec = spec(HANGS, "10m");
        Process rollout = rollout(List.of(), "evaluate", spec.toString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(tmp.resolve("command.pids"))) {
            assertTrue(rollout.isAlive(), "rollout ended before its command ran: " + Files.readString(tmp.resolve("rollout.log")));
            assertTrue(System.nanoTime() < deadline, "the command never started");
            Thread.sleep(10);
        }
        long[] pids = pids();
        rollout.destroy(); // SIGTERM, as a CI runner cancelling a job
        assertTrue(rollout.waitFor(30, TimeUnit.SECONDS), "rollout ended");
        assertTrue(HookProcessTest.ended(pids, 30), "the command and its child ended with rollout: " + Arrays.toString(pids));
    }

    /**
     * {@value #ROWS} rows, 7 bytes each on average (84 MB; {@code -Drollout.streamRows=130000000} for 0.91 GB),
     * printed by awk and read by a rollout with a 32 MiB heap: held whole, as bytes or as text, it would not fit.
     */
    static final long ROWS = 12_000_000;

    @Test
    void anOutputFarLargerThanTheHeapIsReadAsItArrives() throws Exception {
        long rows = Long.getLong("rollout.streamRows", ROWS);
        Path spec = spec("awk 'BEGIN { print \"model_version,acc\"; for (i = 0; i < " + rows + "; i++) "
                + "if (i % 2 == 0) print \"41,0.5\"; else print \"42,\" (i % 8 - 1) / 8 }'\n", "30m");
        Process rollout = rollout(List.of("-Xmx32m"), "evaluate", spec.toString(), "-o", "json");
        assertTrue(rollout.waitFor(30, TimeUnit.MINUTES), "rollout ended");
        String log = Files.readString(tmp.resolve("rollout.log"));
        assertEquals(4, rollout.exitValue(), "ROLLBACK, the candidate being worse: " + log + Files.readString(tmp.resolve("rollout.err")));
        JsonNode json = new ObjectMapper().readTree(log);
        assertEquals(rows / 2, json.get("rows").get("baseline").asLong(), log);
        assertEquals(rows / 2, json.get("rows").get("candidate").asLong(), log);
        // Odd i: i % 8 is 1, 3, 5, 7 in turn, so the candidate's values are 0, 0.25, 0.5, 0.75: mean 0.375.
        assertEquals(0.375, json.get("metrics").get(0).get("candidate").asDouble(), 1e-12, log);
        assertEquals(rows, json.get("inputs").get(0).get("rows").asLong(), log);
    }

    /** {@code rollout args} in a JVM of its own with {@code jvm} options, its stdout and stderr in rollout.log. */
    private Process rollout(List<String> jvm, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        cmd.addAll(jvm);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(false)
                .redirectOutput(tmp.resolve("rollout.log").toFile()).redirectError(tmp.resolve("rollout.err").toFile());
        pb.environment().put("ROLLOUT_NOW", "2026-01-01T00:00:00Z");
        pb.environment().put("ROLLOUT_ACTOR", "ci");
        return pb.start();
    }
}
