package dev.rollout.state;

import dev.rollout.RolloutException;
import dev.rollout.spec.DurationText;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Waiting for a backend's lock up to {@code --lock-timeout} (Terraform's {@code LockWithContext}):
 * try, back off (10 ms doubling to 500 ms), try again until the deadline, then a conflict
 * (exit 5) naming the holder.
 */
public final class LockWait {

    private static final long FIRST_BACKOFF_MS = 10;
    private static final long MAX_BACKOFF_MS = 500;

    /** One try at the lock: the lock, or null when another holds it. */
    @FunctionalInterface
    public interface Attempt<L> {
        L tryOnce();
    }

    private LockWait() {
    }

    /** The {@link System#nanoTime()} at which a wait that starts now gives up. */
    public static long deadline(Duration timeout) {
        return System.nanoTime() + timeout.toNanos();
    }

    /**
     * @param state  the state the lock guards, as messages name it
     * @param holder who holds it, asked only once the wait has failed
     */
    public static <L> L acquire(Attempt<L> attempt, long deadline, Duration timeout, String state, Supplier<String> holder) {
        long backoff = FIRST_BACKOFF_MS;
        while (true) {
            L lock = attempt.tryOnce();
            if (lock != null) {
                return lock;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw lockedBy(state, holder.get(), timeout);
            }
            try {
                Thread.sleep(Math.max(1, Math.min(backoff, TimeUnit.NANOSECONDS.toMillis(left))));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw interrupted(state);
            }
            backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        }
    }

    /** The conflict of a writer that waited the whole timeout. */
    public static RolloutException lockedBy(String state, String holder, Duration timeout) {
        return RolloutException.conflict("the state " + state + " is locked by " + holder
                + "; waited " + DurationText.format(timeout) + " (--lock-timeout)");
    }

    public static RolloutException interrupted(String state) {
        return RolloutException.conflict("interrupted while waiting for the lock on " + state);
    }
}
