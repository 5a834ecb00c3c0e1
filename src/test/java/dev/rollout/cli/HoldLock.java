package dev.rollout.cli;

import dev.rollout.state.file.StatePaths;
import dev.rollout.state.Update;
import dev.rollout.state.file.FileBackend;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A test main for process-level tests: takes the state's lock as the store does, says
 * "locked" on stdout, and holds it for the given milliseconds.
 * Usage: HoldLock STATE_PATH MILLIS
 */
public final class HoldLock {
    public static void main(String[] args) {
        FileBackend store = new FileBackend(StatePaths.of(Path.of(args[0])), Duration.ofSeconds(10), Clock.systemUTC(),
                "rollout advance (held by a test)");
        store.update(current -> {
            System.out.println("locked");
            System.out.flush();
            try {
                Thread.sleep(Long.parseLong(args[1]));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new Update<>(Optional.empty(), List.of(), null);
        });
    }
}
