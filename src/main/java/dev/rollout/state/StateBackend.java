package dev.rollout.state;

import dev.rollout.RolloutException;
import dev.rollout.RolloutException.Location;
import dev.rollout.lifecycle.HistoryEvent;
import dev.rollout.lifecycle.RolloutState;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Where one rollout's state and audit trail are kept (Terraform's {@code statemgr}). Every
 * backend keeps the same promises, which {@code StateBackendContract} tests: reads take no
 * lock and see a committed state; {@link #update} decides under an exclusive lock on the state
 * as it is then, with compare-and-set on the serial ({@link Update#verify}); the history holds
 * each committed event exactly once. {@link Backends} chooses the backend.
 */
public interface StateBackend {

    /**
     * The current state, or empty when the rollout has not started. Takes no lock. A stored
     * state this program cannot read is an input error (exit 1) naming where it is; a state of
     * another rollout than {@link Options#rollout} is a conflict (exit 5).
     */
    Optional<RolloutState> read();

    /** The audit trail, oldest first, exactly one entry per committed event; {@code warnings} hears of what was skipped. */
    List<HistoryEvent> history(Consumer<String> warnings);

    /**
     * Reads the state under the exclusive lock, lets {@code change} decide, and writes what it
     * returns (its events, then the state) or nothing at all when the change throws or writes
     * nothing. Returns the change's result. Waits up to the lock timeout for another writer,
     * then throws a conflict naming the holder ({@link LockHolder}). The lock is released
     * however the change ends.
     */
    <T> T update(Function<Optional<RolloutState>, Update<T>> change);

    /**
     * Takes over a rollout moved here from another backend ({@code rollout state push/pull}): its
     * state and its whole history (oldest first, as {@link #history} gave them), written at once
     * under the lock, and only where this backend holds no state yet: a conflict (exit 5) when it
     * does, with nothing written.
     */
    void adopt(RolloutState state, List<HistoryEvent> history);

    /** The conflict of an {@link #adopt} onto a state that exists. */
    static RolloutException alreadyHeld(String location, RolloutState there) {
        return RolloutException.conflict(location + " already holds rollout '" + there.rollout() + "' at serial "
                + there.serial() + "; nothing was copied (a move never replaces a state)");
    }

    /** Where the state is, as the JSON {@code state} field and messages show it; never a secret (no password). */
    String location();

    /** The slot for the record of the apply hook running under this backend's lock. */
    HookSlot hookSlot();

    /** The local files this backend owns, by what they are ("state file", …), which nothing else may replace; none for a remote store. */
    default Map<String, Path> files() {
        return Map.of();
    }

    /**
     * What every backend is opened with.
     *
     * @param lockTimeout how long {@link #update} waits for another writer before a conflict
     * @param clock       for the lock holder's "since"
     * @param command     what this process is doing, shown to a process that waits for the lock
     * @param rollout     the spec's {@code name}: a stored state of another name is a conflict on
     *                    every read, so a wrong {@code --state} never acts on, or shows, another
     *                    rollout as if it were this one; empty accepts any (a state known only by where it is)
     */
    record Options(Duration lockTimeout, Clock clock, String command, Optional<String> rollout) {
        public Options {
            Objects.requireNonNull(lockTimeout, "lockTimeout");
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(command, "command");
            Objects.requireNonNull(rollout, "rollout");
        }

        /** The same options for a state of any rollout. */
        public Options anyRollout() {
            return new Options(lockTimeout, clock, command, Optional.empty());
        }

        /** {@code state} when it is of {@link #rollout}; a conflict naming {@code source} otherwise. */
        public Optional<RolloutState> requireRollout(Optional<RolloutState> state, String source) {
            if (state.isPresent() && rollout.isPresent() && !state.get().rollout().equals(rollout.get())) {
                throw new RolloutException(RolloutException.Kind.CONFLICT, Location.file(source),
                        "this is the state of rollout '" + state.get().rollout() + "', not of '" + rollout.get()
                                + "' (the spec's name); give the spec of '" + state.get().rollout() + "', or the --state of '"
                                + rollout.get() + "'");
            }
            return state;
        }
    }
}
