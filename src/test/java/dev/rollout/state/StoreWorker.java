package dev.rollout.state;

import dev.rollout.state.file.FileBackend;
import dev.rollout.state.file.StatePaths;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A separate JVM for the process-level tests of {@link FileBackend}.
 * <ul>
 *   <li>{@code update STATE WORKER COUNT SLEEP_MS}: COUNT read-modify-write updates, each
 *       adding one event with (WORKER, i) in its details, sleeping SLEEP_MS between the read
 *       and the write (widens the race when the lock is switched off);</li>
 *   <li>{@code hold STATE MILLIS COMMAND}: takes the lock, prints "locked", holds it MILLIS;</li>
 *   <li>{@code probe STATE}: tries the lock once; prints "got the lock" or "conflict";</li>
 *   <li>{@code loop STATE WORKER}: one update (so class loading is over), prints "started",
 *       then updates until killed.</li>
 * </ul>
 */
public final class StoreWorker {

    private StoreWorker() {
    }

    public static void main(String[] args) {
        Path state = Path.of(args[1]);
        switch (args[0]) {
            case "update" -> {
                FileBackend store = store(state, "rollout advance (StoreWorker " + args[2] + ")");
                int count = Integer.parseInt(args[3]);
                long sleep = Long.parseLong(args[4]);
                for (int i = 0; i < count; i++) {
                    store.update(Fixtures.increment(args[2], i, sleep));
                }
            }
            case "hold" -> {
                FileBackend store = store(state, args[3]);
                store.update(current -> {
                    System.out.println("locked");
                    System.out.flush();
                    try {
                        Thread.sleep(Long.parseLong(args[2]));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return new Update<>(Optional.empty(), List.of(), null);
                });
            }
            case "probe" -> {
                FileBackend store = new FileBackend(StatePaths.of(state), Duration.ZERO, Clock.systemUTC(), "probe");
                try {
                    store.update(current -> Update.none(null));
                    System.out.println("got the lock");
                } catch (dev.rollout.RolloutException e) {
                    System.out.println(e.kind() == dev.rollout.RolloutException.Kind.CONFLICT ? "conflict" : e.describe());
                }
            }
            case "loop" -> {
                FileBackend store = store(state, "rollout advance (StoreWorker " + args[2] + ")");
                store.update(Fixtures.increment(args[2], 0, 0));
                System.out.println("started");
                System.out.flush();
                for (int i = 1; ; i++) {
                    store.update(Fixtures.increment(args[2], i, 0));
                }
            }
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    private static FileBackend store(Path state, String command) {
        return new FileBackend(StatePaths.of(state), Duration.ofSeconds(120), Clock.systemUTC(), command);
    }
}
