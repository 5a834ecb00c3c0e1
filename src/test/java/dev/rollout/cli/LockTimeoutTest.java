package dev.rollout.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Another process holds the lock: a command waits --lock-timeout, exits 5 and names the holder. */
class LockTimeoutTest {

    @TempDir
    Path tmp;

    @Test
    void aLockedStateExitsFiveAfterTheTimeoutNamingTheHolder() throws Exception {
        Path dir = CliRunner.copyExample("fraud-detector", tmp);
        String spec = dir.resolve("rollout.yaml").toString();
        CliRunner cli = new CliRunner().at("2026-03-02T08:00:00Z");
        assertEquals(0, cli.run("advance", spec).exit());
        Path state = dir.resolve(".rollout/fraud-detector.state.json");
        byte[] before = Files.readAllBytes(state);
        Process holder = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), HoldLock.class.getName(), state.toString(), "8000"))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("locked", out.readLine());
            long t0 = System.nanoTime();
            CliRunner.Result r = cli.run("advance", spec, "--force", "--reason", "x", "--lock-timeout", "1s");
            double waited = (System.nanoTime() - t0) / 1e9;
            assertEquals(5, r.exit(), r.toString());
            assertTrue(r.err().contains("is locked by pid " + holder.pid()), r.err());
            assertTrue(r.err().contains("rollout advance (held by a test)") && r.err().contains("waited 1s"), r.err());
            assertTrue(waited >= 0.9 && waited < 5, "waited about the timeout: " + waited);
            assertArrayEquals(before, Files.readAllBytes(state));
        } finally {
            holder.destroy();
            holder.waitFor(10, TimeUnit.SECONDS);
        }
        assertEquals(0, cli.run("advance", spec, "--force", "--reason", "x", "--lock-timeout", "1s").exit(),
                "the lock is free again once the holder is gone");
    }
}
