package dev.rollout.state;

import dev.rollout.state.file.FileBackend;
import dev.rollout.state.file.StatePaths;
import dev.rollout.RolloutException;
import dev.rollout.lifecycle.HistoryEvent;
import dev.rollout.lifecycle.RolloutState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The store across real processes, one JVM per writer as cron jobs and CI retries run it:
 * no lost update with the lock (and lost updates without it, so the test has teeth), no torn
 * read for a reader without the lock, a named holder on timeout, and kill -9 at random moments.
 */
class StateProcessTest {

    private static final int WORKERS = 8;
    private static final int UPDATES = 25;
    /** Between read and write in every worker, locked or not: widens the window a lost update needs. */
    private static final String SLEEP_MS = "2";

    @TempDir
    Path dir;
    @TempDir
    Path logs;

    private Path state() {
        return dir.resolve("fraud.state.json");
    }

    private static FileBackend store(Path state, Duration timeout) {
        return new FileBackend(StatePaths.of(state), timeout, Clock.systemUTC(), "rollout test");
    }

    private Process start(List<String> properties, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-Xmx64m"));
        cmd.addAll(properties);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), StoreWorker.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd)
                .redirectError(Files.createTempFile(logs, "worker", ".err").toFile())
                .start();
    }

    /** What the lock-free reader saw while the writers ran. */
    private static final class ReaderLog {
        int reads;
        int failures;
        int vanished;
        int backwards;
        final List<String> errors = new ArrayList<>();
    }

    /** {@code history} is empty when {@code historyError} says why it could not be read. */
    private record Run(long serial, List<String> history, Optional<String> historyError, List<Integer> exits,
                       ReaderLog reader, double seconds) {
    }

    private Run runWorkers(List<String> properties) throws Exception {
        FileBackend reader = store(state(), Duration.ofSeconds(1));
        AtomicBoolean done = new AtomicBoolean();
        ReaderLog log = new ReaderLog();
        Thread readerThread = new Thread(() -> {
            long last = -1;
            while (!done.get()) {
                try {
                    Optional<RolloutState> s = reader.read();
                    if (s.isPresent()) {
                        log.reads++;
                        if (s.get().serial() < last) {
                            log.backwards++;
                        }
                        last = s.get().serial();
                    } else if (last >= 0) {
                        log.vanished++;
                    }
                } catch (RolloutException e) {
                    log.failures++;
                    log.errors.add(e.describe());
                }
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        long t0 = System.nanoTime();
        readerThread.start();
        List<Process> workers = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            workers.add(start(properties, "update", state().toString(), "w" + w, String.valueOf(UPDATES), SLEEP_MS));
        }
        List<Integer> exits = new ArrayList<>();
        for (Process p : workers) {
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "a worker hung");
            exits.add(p.exitValue());
        }
        done.set(true);
        readerThread.join(5_000);
        double seconds = (System.nanoTime() - t0) / 1e9;
        long serial = reader.read().map(RolloutState::serial).orElse(0L);
        try {
            List<String> history = reader.history(w -> { }).stream().map(Fixtures::who).collect(Collectors.toList());
            return new Run(serial, history, Optional.empty(), exits, log, seconds);
        } catch (RolloutException e) {
            // Only without the lock: unlocked writers overwrite each other's history lines.
            return new Run(serial, List.of(), Optional.of(e.describe()), exits, log, seconds);
        }
    }

    private String stderr() throws IOException {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> files = Files.list(logs)) {
            for (Path p : files.collect(Collectors.toList())) {
                String text = Files.readString(p);
                if (!text.isBlank()) {
                    sb.append(p.getFileName()).append(":\n").append(text, 0, Math.min(text.length(), 2000)).append('\n');
                }
            }
        }
        return sb.toString();
    }

    @Test
    void concurrentWriterProcessesLoseNoEventAndReadersNeverSeeATornFile() throws Exception {
        Run run = runWorkers(List.of());
        assertEquals(List.of(0, 0, 0, 0, 0, 0, 0, 0), run.exits(), stderr());
        assertEquals(Optional.empty(), run.historyError());

        int total = WORKERS * UPDATES;
        assertEquals(total, run.serial());
        Set<String> expected = new HashSet<>();
        for (int w = 0; w < WORKERS; w++) {
            for (int i = 0; i < UPDATES; i++) {
                expected.add("w" + w + ":" + i);
            }
        }
        assertEquals(total, run.history().size(), "each update recorded exactly once");
        assertEquals(expected, Set.copyOf(run.history()));

        ReaderLog r = run.reader();
        assertEquals(0, r.failures, "unparseable reads: " + r.errors);
        assertEquals(0, r.vanished, "the state file never disappears once written");
        assertEquals(0, r.backwards, "a reader never sees the serial go back");
        assertTrue(r.reads >= 200, "the reader parsed the file " + r.reads + " times");
        System.out.printf("state: %d JVMs x %d updates with the lock: serial %d, %d events, %d lock-free reads, 0 torn, %.1f s%n",
                WORKERS, UPDATES, run.serial(), run.history().size(), r.reads, run.seconds());
    }

    @Test
    void withoutTheLockConcurrentWriterProcessesLoseUpdates() throws Exception {
        Run run = runWorkers(List.of("-Drollout.test.unsafeNoLock=true"));
        int total = WORKERS * UPDATES;
        long distinct = run.history().stream().distinct().count();
        assertTrue(run.serial() < total || distinct < total,
                "without the lock some of " + total + " updates must be lost; serial " + run.serial() + ", events " + distinct);
        System.out.printf("state: the same without the lock: serial %d, %s, %d of 8 workers failed, %.1f s%n",
                run.serial(), run.historyError().map(e -> "history corrupted").orElse(distinct + " of " + total + " events kept"),
                run.exits().stream().filter(x -> x != 0).count(), run.seconds());
    }

    @Test
    void aWriterGivesUpAfterTheLockTimeoutNamingTheHolder() throws Exception {
        FileBackend store = store(state(), Duration.ofSeconds(1));
        store.update(Fixtures.increment("w", 0, 0));
        byte[] before = Files.readAllBytes(state());
        Process holder = start(List.of(), "hold", state().toString(), "15000", "rollout advance rollout.yaml --force");
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("locked", out.readLine(), stderr());
            long t0 = System.nanoTime();
            RolloutException e = null;
            try {
                store.update(Fixtures.increment("w", 1, 0));
            } catch (RolloutException caught) {
                e = caught;
            }
            double waited = (System.nanoTime() - t0) / 1e9;
            assertTrue(e != null, "the update must not get the lock the holder has");
            assertEquals(RolloutException.Kind.CONFLICT, e.kind());
            assertEquals(5, e.kind().exitCode());
            String m = e.getMessage();
            assertTrue(m.contains("is locked by pid " + holder.pid() + " ("), m);
            assertTrue(m.contains("`rollout advance rollout.yaml --force`") && m.contains(", since 20"), m);
            assertTrue(m.contains("waited 1s"), m);
            assertTrue(waited >= 0.95 && waited < 3, "waited about the timeout: " + waited);
            assertArrayEquals(before, Files.readAllBytes(state()));
        } finally {
            holder.destroyForcibly();
            holder.waitFor(10, TimeUnit.SECONDS);
        }
        store.update(Fixtures.increment("w", 1, 0));
        assertEquals(2, store.read().orElseThrow().serial(), "a dead holder's lock is gone with it");
    }

    private String probe() throws Exception {
        Process p = start(List.of(), "probe", state().toString());
        String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return line;
    }

    @Test
    void aThreadThatGaveUpWaitingLeavesTheLockOfTheHoldingThreadInPlace() throws Exception {
        // Closing any channel on a locked file drops the process's lock (the POSIX close rule):
        // a waiting thread must not have the lock file open, or its time-out would free the file.
        try (StateBackendContract.Holder holder = StateBackendContract.holdOnThread(store(state(), Duration.ofSeconds(5)))) {
            RolloutException e = assertThrows(RolloutException.class,
                    () -> store(state(), Duration.ofMillis(300)).update(Fixtures.increment("w", 0, 0)));
            assertEquals(RolloutException.Kind.CONFLICT, e.kind());
            assertEquals("conflict", probe(), "another process must still find the file locked; " + stderr());
        }
        assertEquals("got the lock", probe(), stderr());
    }

    /** Rounds of kill -9 at a random moment (issue "reliability" asks for 60). */
    static final int KILL_ROUNDS = 60;

    @Test
    void aWriterKilledAtARandomMomentNeverBreaksTheStateOrItsHistory() throws Exception {
        Random random = new Random(20260101L);
        FileBackend fresh = store(state(), Duration.ofSeconds(1));
        long previous = 0;
        int leftoverTemps = 0;
        int orphanLines = 0;
        int tornWarnings = 0;
        long linesBefore = 0;
        long t0 = System.nanoTime();
        for (int round = 0; round < KILL_ROUNDS; round++) {
            Process p = start(List.of(), "loop", state().toString(), "k" + round);
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("started", out.readLine(), stderr());
            Thread.sleep(random.nextInt(100));
            p.destroyForcibly();
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));

            long serial = fresh.read().map(RolloutState::serial).orElse(0L);
            assertTrue(serial >= previous, "round " + round + ": serial went back from " + previous + " to " + serial);
            try (Stream<Path> files = Files.list(dir)) {
                leftoverTemps += (int) files.filter(f -> f.toString().endsWith(".tmp")).count();
            }
            List<String> warnings = new ArrayList<>();
            assertEquals(serial, fresh.history(warnings::add).size(), "round " + round + ": before any repair, too");
            tornWarnings += warnings.size();
            long lines = Files.readAllLines(StatePaths.of(state()).history()).size();
            orphanLines += (int) (lines - linesBefore - (serial - previous));

            long a = System.nanoTime();
            long next = fresh.update(Fixtures.increment("fresh", round, 0));
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - a);
            assertEquals(serial + 1, next);
            assertTrue(tookMillis < 1000, "round " + round + ": took the lock in " + tookMillis + " ms");
            try (Stream<Path> files = Files.list(dir)) {
                assertEquals(List.of(), files.filter(f -> f.toString().endsWith(".tmp")).collect(Collectors.toList()));
            }

            warnings.clear();
            List<HistoryEvent> history = fresh.history(warnings::add);
            assertEquals(List.of(), warnings, "the fresh write cut off any torn line");
            assertEquals(LongStream.rangeClosed(1, next).boxed().collect(Collectors.toList()),
                    history.stream().map(HistoryEvent::serial).collect(Collectors.toList()),
                    "round " + round + ": one event per committed write, in order");
            assertEquals(history.size(), history.stream().map(Fixtures::who).distinct().count());
            previous = next;
            linesBefore = Files.readAllLines(StatePaths.of(state()).history()).size();
        }
        System.out.printf("state: kill -9 x " + KILL_ROUNDS + ": final serial %d, %d leftover temp files and %d orphan history lines"
                        + " cleaned up, %d torn-line warnings, %.1f s%n",
                previous, leftoverTemps, orphanLines, tornWarnings, (System.nanoTime() - t0) / 1e9);
    }
}
