package dev.rollout.state.file;

import dev.rollout.RolloutException;
import dev.rollout.RolloutException.Location;
import dev.rollout.lifecycle.HistoryEvent;
import dev.rollout.lifecycle.RolloutState;
import dev.rollout.state.HookSlot;
import dev.rollout.state.IoReason;
import dev.rollout.state.LockHolder;
import dev.rollout.state.StateBackend;
import dev.rollout.state.StateCodec;
import dev.rollout.state.Update;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The state file and its audit trail, written so that cron jobs and CI retries running at
 * once never lose an event and a crash never leaves a torn file.
 *
 * <p>Reading ({@link #read()}, {@link #history}) takes no lock: the state is only ever
 * replaced by an atomic rename ({@link AtomicFile}), so a reader sees the old file or the new
 * one, never half.
 *
 * <p>Writing ({@link #update}) happens under an exclusive lock on a separate lock file
 * ({@link LockFile}), taken with backoff up to the lock timeout. Under the lock the backend
 * re-reads the state, lets the caller decide, appends the events to the history
 * ({@link HistoryFile}) and fsyncs it, then replaces the state, keeping the previous one as
 * the backup.
 */
public final class FileBackend implements StateBackend {

    /** A state is a few KB (some 200 bytes a sequential metric): a larger file is not one this tool wrote. */
    static final OwnedFile.Limit STATE_LIMIT = new OwnedFile.Limit(16L << 20,
            "a state it writes is a few KB: is this the right file?");

    private final StatePaths paths;
    private final String location;
    private final Options options;
    private final HistoryFile history;
    private final LockFile lock;

    /**
     * @param paths    the files of the state
     * @param location how the JSON {@code state} field and messages show it
     */
    public FileBackend(StatePaths paths, String location, Options options) {
        this.paths = Objects.requireNonNull(paths, "paths");
        this.location = Objects.requireNonNull(location, "location");
        this.options = Objects.requireNonNull(options, "options");
        this.history = new HistoryFile(paths.history());
        this.lock = new LockFile(paths.lock(), paths.state().toString());
    }

    /** A state of any rollout, shown by its absolute path. */
    public FileBackend(StatePaths paths, Duration lockTimeout, Clock clock, String command) {
        this(paths, paths.state().toString(), new Options(lockTimeout, clock, command, Optional.empty()));
    }

    /** The state file {@code state} (made absolute), shown by its absolute path. */
    public static FileBackend at(Path state, Options options) {
        StatePaths paths = StatePaths.of(state);
        return new FileBackend(paths, paths.state().toString(), options);
    }

    public StatePaths paths() {
        return paths;
    }

    @Override
    public String location() {
        return location;
    }

    @Override
    public HookSlot hookSlot() {
        return new FileHookSlot(paths);
    }

    @Override
    public Map<String, Path> files() {
        Map<String, Path> own = new LinkedHashMap<>();
        own.put("state file", paths.state());
        own.put("lock file", paths.lock());
        own.put("history", paths.history());
        own.put("backup", paths.backup());
        own.put("hook record", FileHookSlot.file(paths));
        return own;
    }

    // ------------------------------------------------------------------ reading

    /**
     * The current state, or empty when there is no state file. Takes no lock and changes
     * nothing. An empty, truncated or garbage file, or one of a format version this program
     * does not know, is an input error naming the file (and the backup, when there is one), as
     * is anything but a regular file (a symlink, FIFO, device, directory) or a file over
     * {@link #STATE_LIMIT}. A state of another rollout than the one this backend is for is a conflict.
     */
    @Override
    public Optional<RolloutState> read() {
        String file = paths.state().toString();
        return options.requireRollout(OwnedFile.read(paths.state(), "state file", STATE_LIMIT)
                .map(bytes -> StateCodec.decodeState(bytes, file, this::backupHint)), file);
    }

    private String backupHint() {
        return Files.exists(paths.backup(), LinkOption.NOFOLLOW_LINKS)
                ? "; the previous good state is in " + paths.backup()
                : "; there is no backup (" + paths.backup() + " does not exist)";
    }

    /** See {@link HistoryFile#read}. Takes no lock. */
    @Override
    public List<HistoryEvent> history(Consumer<String> warnings) {
        // The state first, then the history: every event of a committed serial was appended
        // before that serial's rename, so this pair of reads is a consistent snapshot.
        long committed = read().map(RolloutState::serial).orElse(0L);
        return history.read(committed, warnings);
    }

    // ------------------------------------------------------------------ writing

    /**
     * See {@link StateBackend#update}. Any I/O failure is an input error naming the file, with
     * the old state file untouched.
     */
    @Override
    public <T> T update(Function<Optional<RolloutState>, Update<T>> change) {
        Objects.requireNonNull(change, "change");
        return holding(() -> locked(change));
    }

    @Override
    public void adopt(RolloutState state, List<HistoryEvent> events) {
        holding(() -> {
            Optional<RolloutState> current = read();
            if (current.isPresent()) {
                throw StateBackend.alreadyHeld(location, current.get());
            }
            commit(state, events);
            return null;
        });
    }

    private <T> T holding(java.util.function.Supplier<T> body) {
        // Before anything is created or locked, so that a refused file leaves nothing behind, not even a lock file.
        requireOwnedFiles();
        Path dir = paths.directory();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw RolloutException.input(Location.file(dir.toString()), "cannot create the state directory: " + IoReason.of(e));
        }
        return lock.holding(options.lockTimeout(), LockHolder.thisProcess(options.command(), options.clock()), body);
    }

    /** Refuses a state, history, lock or backup that is not a regular file, or is too large to read. */
    private void requireOwnedFiles() {
        OwnedFile.require(paths.state(), "state file", STATE_LIMIT);
        OwnedFile.require(paths.history(), "history", HistoryFile.LIMIT);
        // Neither is read here: the lock is only locked and truncated, the backup only replaced.
        OwnedFile.regular(paths.lock(), "lock file");
        OwnedFile.regular(paths.backup(), "backup");
    }

    private <T> T locked(Function<Optional<RolloutState>, Update<T>> change) {
        if (!LockFile.unsafeNoLock()) {
            // Without the lock another writer's temp file may be in flight; never delete it then.
            AtomicFile.removeLeftoverTemps(paths);
        }
        Optional<RolloutState> current = read();
        Update<T> update = Objects.requireNonNull(change.apply(current), "the change returned no update");
        if (update.newState().isEmpty()) {
            return update.result();
        }
        update.verify(current);
        commit(update.newState().get(), update.events());
        return update.result();
    }

    /** The events, then the state that makes them committed. */
    private void commit(RolloutState next, List<HistoryEvent> events) {
        long historyBefore = history.append(events);
        try {
            writeState(next);
        } catch (RuntimeException e) {
            // The state was not replaced, so the events just appended belong to no write. Readers
            // would drop them, but a retry on a full disk would leave another group every time.
            history.cut(historyBefore);
            throw e;
        }
    }

    private void writeState(RolloutState next) {
        try {
            AtomicFile.replaceState(paths, StateCodec.encodeState(next));
        } catch (IOException e) {
            throw RolloutException.input(Location.file(paths.state().toString()), "cannot write the state: "
                    + IoReason.of(e) + "; the state file is unchanged");
        }
    }
}
