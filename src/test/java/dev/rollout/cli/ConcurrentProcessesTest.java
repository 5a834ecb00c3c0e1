package dev.rollout.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Several JVMs evaluate the same rollout at once, as overlapping cron jobs would: no event
 * is lost, the serial counts every write, and a reader without the lock never sees a torn
 * file. The same run without the lock loses updates, which shows the test can fail.
 */
class ConcurrentProcessesTest {


    @TempDir
    Path tmp;

    /** @param promoteStreak the state's count of PROMOTE evaluations in a row in the stage */
    record Outcome(long serial, long evaluated, int reads, int badReads, long promoteStreak) {
    }

    Outcome race(boolean lock, int processCount, int runs, String... command) throws Exception {
        Path dir = CliRunner.copyExample("fraud-detector", tmp);
        String spec = dir.resolve("rollout.yaml").toString();
        assertEquals(0, new CliRunner().at("2026-03-02T08:00:00Z").run("advance", spec).exit());
        Path state = dir.resolve(".rollout/fraud-detector.state.json");
        List<Process> processes = new ArrayList<>();
        for (int i = 0; i < processCount; i++) {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path")));
            if (!lock) {
                cmd.add("-Drollout.test.unsafeNoLock=true");
            }
            cmd.addAll(List.of(RepeatedCommand.class.getName(), Integer.toString(runs), "0"));
            for (String c : command) {
                cmd.add(c.replace("SPEC", spec).replace("DIR", dir.toString()));
            }
            cmd.addAll(List.of("--lock-timeout", "120s"));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("p" + i + ".log").toFile());
            pb.environment().put("ROLLOUT_NOW", "2026-03-02T09:00:00Z");
            pb.environment().put("ROLLOUT_ACTOR", "cron-" + i);
            processes.add(pb.start());
        }
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger reads = new AtomicInteger();
        AtomicInteger bad = new AtomicInteger();
        Thread reader = new Thread(() -> {
            ObjectMapper json = new ObjectMapper();
            while (!done.get()) {
                try {
                    json.readTree(Files.readAllBytes(state)).get("serial").asLong();
                    reads.incrementAndGet();
                } catch (NoSuchFileException e) {
                    bad.incrementAndGet();
                } catch (IOException | RuntimeException e) {
                    bad.incrementAndGet();
                }
                try {
                    Thread.sleep(1); // leave the writers the CPU: this machine has two cores
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        reader.start();
        for (int i = 0; i < processes.size(); i++) {
            Process p = processes.get(i);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "process finished");
            if (lock) {
                assertEquals(0, p.exitValue(), "every evaluation of worker " + i + " exited 0: "
                        + Files.readString(tmp.resolve("p" + i + ".log")));
            }
        }
        done.set(true);
        reader.join();
        JsonNode s = new ObjectMapper().readTree(Files.readAllBytes(state));
        long evaluated = Files.readAllLines(dir.resolve(".rollout/fraud-detector.history.jsonl")).stream()
                .filter(l -> l.contains("\"EVALUATED\"") || l.contains("\"APPROVED\"")).count();
        return new Outcome(s.get("serial").asLong(), evaluated, reads.get(), bad.get(),
                s.get("stage").path("streaks").path("promote").asLong());
    }

    @Test
    void concurrentCronJobsLoseNoEventAndNeverTearTheFile() throws Exception {
        Outcome o = race(true, 6, 15, "evaluate", "SPEC", "--metrics", "DIR/exports/offline.csv");
        assertEquals(6 * 15, o.evaluated(), "every evaluation recorded exactly once");
        assertEquals(1 + 6 * 15, o.serial(), "serial = number of writes");
        assertEquals(6 * 15, o.promoteStreak(), "each PROMOTE counted once in the stage's streak, under the lock");
        assertEquals(0, o.badReads(), "a reader without the lock never saw a torn or missing file");
        assertTrue(o.reads() > 10, "the reader ran: " + o.reads());
    }

    @Test
    void sixteenJvmsTimesFiftyCommandsKeepEveryEvent() throws Exception {
        Outcome o = race(true, 16, 50, "approve", "SPEC", "--by", "cron");
        assertEquals(16 * 50, o.evaluated(), "every approval recorded exactly once");
        assertEquals(1 + 16 * 50, o.serial(), "serial = number of writes");
        assertEquals(0, o.badReads(), "a reader without the lock never saw a torn or missing file");
        System.out.printf("cli: 16 JVMs x 50 approve: serial %d, %d lock-free reads, 0 torn%n", o.serial(), o.reads());
    }

    @Test
    void withoutTheLockUpdatesAreLostSoTheTestsAboveHaveTeeth() throws Exception {
        Outcome o = race(false, 16, 50, "approve", "SPEC", "--by", "cron");
        assertTrue(o.serial() < 1 + 16 * 50, "lost updates without the lock: serial " + o.serial());
        System.out.printf("cli: 16 JVMs x 50 approve without the lock: serial %d of %d%n", o.serial(), 1 + 16 * 50);
    }
}
