package dev.rollout.state;

import dev.rollout.lifecycle.HistoryEvent;
import dev.rollout.lifecycle.RolloutState;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a change decided, under a backend's lock, on the state as it was then.
 *
 * @param newState the state to write; empty writes nothing at all (a no-op or a dry run),
 *                 and {@code events} are then ignored
 * @param events   the history events of this write, each with the new state's serial
 * @param result   what {@link StateBackend#update} returns
 */
public record Update<T>(Optional<RolloutState> newState, List<HistoryEvent> events, T result) {
    public Update {
        Objects.requireNonNull(newState, "newState");
        events = List.copyOf(events);
    }

    /** Writes nothing and returns {@code result}. */
    public static <T> Update<T> none(T result) {
        return new Update<>(Optional.empty(), List.of(), result);
    }

    /**
     * The compare-and-set every backend keeps: a new state has the serial of {@code current}
     * plus one (1 for the first), and every event carries it. Anything else is a programming
     * error ({@link IllegalStateException}), thrown before anything is written.
     */
    public void verify(Optional<RolloutState> current) {
        if (newState.isEmpty()) {
            return;
        }
        RolloutState next = newState.get();
        long expected = current.map(RolloutState::serial).orElse(0L) + 1;
        if (next.serial() != expected) {
            throw new IllegalStateException("a write over serial " + (expected - 1) + " must have serial " + expected
                    + ", not " + next.serial());
        }
        for (HistoryEvent e : events) {
            if (e.serial() != next.serial()) {
                throw new IllegalStateException("event " + e.event() + " has serial " + e.serial()
                        + " in a write of serial " + next.serial());
            }
        }
    }
}
