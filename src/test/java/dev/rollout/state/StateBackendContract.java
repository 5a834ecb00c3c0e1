package dev.rollout.state;

import dev.rollout.RolloutException;
import dev.rollout.lifecycle.HistoryEvent;
import dev.rollout.lifecycle.RolloutState;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.rollout.state.Fixtures.event;
import static dev.rollout.state.Fixtures.increment;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every state backend promises (Terraform's {@code statemgr} test helpers are the model).
 * A backend's test extends this class and says how to open it; the process-level tests of the
 * file lock (StateProcessTest, ConcurrentProcessesTest) stay beside the file backend.
 */
public abstract class StateBackendContract {

    /** The backend of the rollout stored under {@code key}; every call with one key reaches the same stored state. */
    protected abstract StateBackend backend(String key, StateBackend.Options options);

    /** The repository holding every {@code key} this test's backends wrote. */
    protected abstract StateRepository repository(StateBackend.Options options);

    /** A writer other than this test holding the lock of {@code key} until closed, named by {@code command}. */
    protected abstract Holder holdLock(String key, String command) throws Exception;

    /**
     * The backend of {@code key} as a second writer reaches it: for a file, through another
     * path to the same file (a symlinked directory), which must still be the same lock.
     */
    protected StateBackend secondWriter(String key, StateBackend.Options options) {
        return backend(key, options);
    }

    /** The secret the store was opened with (a password), which nothing it shows may contain; empty when it has none. */
    protected abstract Optional<String> secret();

    /** Another writer holding a lock: its pid, as the holder's description names it. */
    protected interface Holder extends AutoCloseable {
        long pid();
    }

    /** {@code other} holding its lock on a thread of this process until closed: for a backend whose lock is not the process's. */
    protected static Holder holdOnThread(StateBackend other) throws InterruptedException {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread thread = new Thread(() -> other.update(current -> {
            holding.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Update.none(null);
        }));
        thread.start();
        if (!holding.await(20, TimeUnit.SECONDS)) {
            throw new AssertionError("the holder never got the lock");
        }
        return new Holder() {
            @Override
            public long pid() {
                return ProcessHandle.current().pid();
            }

            @Override
            public void close() throws InterruptedException {
                release.countDown();
                thread.join(10_000);
            }
        };
    }

    private static StateBackend.Options options(Duration timeout) {
        return new StateBackend.Options(timeout, Clock.systemUTC(), "rollout test", Optional.empty());
    }

    private StateBackend backend() {
        return backend("fraud", options(Duration.ofSeconds(5)));
    }

    private StateBackend written(int n) {
        StateBackend backend = backend();
        for (int i = 0; i < n; i++) {
            backend.update(increment("w", i, 0));
        }
        return backend;
    }

    @Test
    void aRolloutNotStartedReadsAsEmptyWithAnEmptyHistory() {
        assertEquals(Optional.empty(), backend().read());
        assertEquals(List.of(), backend().history(w -> { }));
    }

    @Test
    void anEmptyUpdateWritesNothing() {
        StateBackend backend = backend();
        assertEquals("dry", backend.update(current -> Update.none("dry")));
        assertEquals(Optional.empty(), backend.read());
        assertEquals(List.of(), backend.history(w -> { }));
        assertEquals(List.of(), repository(options(Duration.ofSeconds(1))).rollouts(w -> { }));
    }

    @Test
    void aNewStateMustHaveTheNextSerial() {
        StateBackend backend = written(2);
        Optional<RolloutState> before = backend.read();
        List<HistoryEvent> history = backend.history(w -> { });
        assertThrows(IllegalStateException.class, () -> backend.update(current ->
                new Update<>(Optional.of(Fixtures.minimal(4)), List.of(event(4, "x", 0)), null)));
        assertThrows(IllegalStateException.class, () -> backend.update(current ->
                new Update<>(Optional.of(Fixtures.minimal(2)), List.of(event(2, "x", 0)), null)));
        assertThrows(IllegalStateException.class, () -> backend.update(current ->
                new Update<>(Optional.of(Fixtures.minimal(3)), List.of(event(2, "x", 0)), null)),
                "an event must carry the serial of its write");
        assertEquals(before, backend.read());
        assertEquals(history, backend.history(w -> { }));
        assertThrows(IllegalStateException.class, () -> backend("new", options(Duration.ofSeconds(1)))
                .update(current -> new Update<>(Optional.of(Fixtures.minimal(0)), List.of(), null)),
                "the first state has serial 1");
        assertEquals(Optional.empty(), backend("new", options(Duration.ofSeconds(1))).read());
    }

    @Test
    void aFailingChangeWritesNothingAndReleasesTheLock() {
        StateBackend backend = written(1);
        Optional<RolloutState> before = backend.read();
        assertThrows(ArithmeticException.class, () -> backend.update(current -> {
            throw new ArithmeticException("boom");
        }));
        assertEquals(before, backend.read());
        assertEquals(1, backend.history(w -> { }).size());
        backend("fraud", options(Duration.ofMillis(200))).update(increment("w", 1, 0));
        assertEquals(2, backend.read().orElseThrow().serial());
    }

    @Test
    void twoThreadsOfOneProcessBothGetRecorded() throws Exception {
        StateBackend[] backends = {backend("fraud", options(Duration.ofSeconds(30))),
                secondWriter("fraud", options(Duration.ofSeconds(30)))};
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                StateBackend backend = backends[t];
                String worker = "t" + t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 50; i++) {
                        backend.update(increment(worker, i, 0));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(100, backends[0].read().orElseThrow().serial());
        List<String> who = backends[0].history(w -> { }).stream().map(Fixtures::who).toList();
        assertEquals(100, who.size());
        assertEquals(100, Set.copyOf(who).size());
    }

    @Test
    void aWriterGivesUpAfterTheLockTimeoutNamingTheHolder() throws Exception {
        StateBackend backend = backend("fraud", options(Duration.ofSeconds(1)));
        backend.update(increment("w", 0, 0));
        Optional<RolloutState> before = backend.read();
        try (Holder holder = holdLock("fraud", "rollout advance rollout.yaml --force")) {
            RolloutException e = assertThrows(RolloutException.class, () -> backend.update(increment("w", 1, 0)),
                    "the update must not get the lock the holder has");
            assertEquals(RolloutException.Kind.CONFLICT, e.kind());
            assertEquals(5, e.kind().exitCode());
            String m = e.getMessage();
            assertTrue(m.contains("is locked by pid " + holder.pid() + " ("), m);
            assertTrue(m.contains("`rollout advance rollout.yaml --force`") && m.contains(", since 20"), m);
            assertTrue(m.contains("waited 1s"), m);
            secret().ifPresent(s -> assertFalse(m.contains(s), m));
            assertEquals(before, backend.read());
        }
        backend.update(increment("w", 1, 0));
        assertEquals(2, backend.read().orElseThrow().serial(), "a holder's lock is gone with it");
    }

    @Test
    void theHistoryHoldsEachCommittedEventExactlyOnceInOrder() {
        StateBackend backend = backend();
        List<HistoryEvent> first = List.of(Fixtures.fullEvent(1), event(1, "w", 0));
        backend.update(current -> new Update<>(Optional.of(Fixtures.minimal(1)), first, null));
        assertThrows(ArithmeticException.class, () -> backend.update(current -> {
            throw new ArithmeticException("a change that fails records nothing");
        }));
        assertThrows(IllegalStateException.class, () -> backend.update(current ->
                new Update<>(Optional.of(Fixtures.minimal(3)), List.of(event(3, "x", 0)), null)));
        backend.update(current -> Update.none(null));
        backend.update(current -> new Update<>(Optional.of(Fixtures.minimal(2)), List.of(Fixtures.fullEvent(2)), null));
        List<String> warnings = new ArrayList<>();
        List<HistoryEvent> expected = List.of(first.get(0), first.get(1), Fixtures.fullEvent(2));
        assertEquals(expected, backend.history(warnings::add));
        assertEquals(expected, backend().history(warnings::add), "every reader sees the same history");
        assertEquals(List.of(), warnings);
    }

    @Test
    void aStateOfAnotherRolloutIsAConflictAndStaysUnchanged() {
        StateBackend any = written(1);
        Optional<RolloutState> before = any.read();
        StateBackend other = backend("fraud", new StateBackend.Options(Duration.ofSeconds(1), Clock.systemUTC(),
                "rollout test", Optional.of("checkout")));
        for (Runnable access : List.<Runnable>of(other::read, () -> other.history(w -> { }),
                () -> other.update(increment("w", 1, 0)))) {
            RolloutException e = assertThrows(RolloutException.class, access::run);
            assertEquals(5, e.kind().exitCode());
            assertTrue(e.getMessage().contains("this is the state of rollout 'fraud', not of 'checkout'"), e.getMessage());
        }
        assertEquals(before, any.read());
        assertEquals(1, any.history(w -> { }).size());
        StateBackend same = backend("fraud", new StateBackend.Options(Duration.ofSeconds(1), Clock.systemUTC(),
                "rollout test", Optional.of("fraud")));
        assertEquals(before, same.read(), "the rollout's own backend reads it");
    }

    @Test
    void aMovedRolloutKeepsItsStateAndEveryEventAndNeverReplacesOne() {
        StateBackend from = written(3);
        from.update(current -> new Update<>(Optional.of(Fixtures.full(4)), List.of(Fixtures.fullEvent(4), event(4, "x", 1)), null));
        RolloutState state = from.read().orElseThrow();
        List<HistoryEvent> events = from.history(w -> { });
        StateBackend to = backend("moved", options(Duration.ofSeconds(5)));
        to.adopt(state, events);
        assertEquals(Optional.of(state), to.read());
        assertEquals(events, to.history(w -> { }));
        RolloutException e = assertThrows(RolloutException.class, () -> to.adopt(Fixtures.minimal(1), List.of(event(1, "y", 0))));
        assertEquals(5, e.kind().exitCode());
        assertTrue(e.getMessage().contains("already holds rollout 'fraud' at serial 4"), e.getMessage());
        assertEquals(Optional.of(state), to.read());
        assertEquals(events, to.history(w -> { }));
        to.update(increment("w", 4, 0));
        assertEquals(6, to.history(w -> { }).size(), "the moved rollout goes on from its serial");
        assertEquals(5, to.read().orElseThrow().serial());
    }

    @Test
    void theLocationNamesTheStoreWithoutASecret() {
        String location = backend().location();
        assertFalse(location.isBlank());
        assertTrue(location.contains("fraud"), location);
        secret().ifPresent(s -> assertFalse(location.contains(s), location));
        secret().ifPresent(s -> assertFalse(backend().hookSlot().location().contains(s)));
    }

    @Test
    void theRepositoryListsTheRolloutsItHolds() {
        backend("beta", options(Duration.ofSeconds(1))).update(increment("w", 0, 0));
        StateBackend alpha = backend("alpha", options(Duration.ofSeconds(1)));
        alpha.update(increment("w", 0, 0));
        alpha.update(increment("w", 1, 0));
        backend("never-written", options(Duration.ofSeconds(1))).read();
        List<StateRepository.Held> held = repository(options(Duration.ofSeconds(1))).rollouts(w -> { });
        assertEquals(List.of("alpha", "beta"), held.stream().map(StateRepository.Held::rollout).toList());
        assertEquals(2, held.get(0).backend().read().orElseThrow().serial());
        assertEquals(1, held.get(1).backend().read().orElseThrow().serial());
        assertEquals(alpha.location(), held.get(0).backend().location());
    }

    @Test
    void theHookSlotKeepsARecordUntilItIsCleared() throws Exception {
        StateBackend backend = backend();
        byte[] record = "{\"id\":\"h1\"}\n".getBytes(StandardCharsets.UTF_8);
        backend.update(current -> {
            try {
                assertEquals(Optional.empty(), backend.hookSlot().read());
                backend.hookSlot().write(record);
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
            return Update.none(null);
        });
        assertArrayEquals(record, backend().hookSlot().read().orElseThrow(), "a record outlives the command that wrote it");
        backend().hookSlot().clear();
        assertEquals(Optional.empty(), backend().hookSlot().read());
    }
}
