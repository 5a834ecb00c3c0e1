package dev.rollout.state;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rollout.RolloutException;
import dev.rollout.RolloutException.Location;
import dev.rollout.lifecycle.HistoryEvent;
import dev.rollout.lifecycle.RolloutState;
import dev.rollout.spec.DurationText;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The state file and its audit trail, written so that cron jobs and CI retries running at
 * once never lose an event and a crash never leaves a torn file.
 *
 * <p>Reading ({@link #read()}, {@link #history}) takes no lock: the state is only ever
 * replaced by an atomic rename, so a reader sees the old file or the new one, never half.
 *
 * <p>Writing ({@link #update}) happens under an exclusive lock on a separate lock file, taken
 * with {@code FileChannel.tryLock} and backoff up to the lock timeout. Under the lock the
 * store re-reads the state, lets the caller decide, appends the events to the history and
 * fsyncs it, then writes the state to a temp file in the same directory, fsyncs it, keeps the
 * previous state as the backup, renames the temp file over the state and fsyncs the directory.
 *
 * <p>The lock is on a separate, never-deleted file because the state file is replaced by
 * every write: a lock on it would be a lock on the old inode, and the next process would lock
 * the new one and run alongside (measured: 62 of 800 updates kept).
 */
public final class StateStore {

    /**
     * One lock per lock file for the threads of this process, taken before the file lock.
     * Needed because a second {@code tryLock} on a file this JVM already locked throws
     * {@code OverlappingFileLockException} instead of waiting, and because another thread
     * opening and closing a channel on the locked file silently drops the process's lock
     * (the POSIX close rule): a thread that merely waited, timed out and closed its channel
     * would free the file for another process while this one still writes. So a thread opens
     * the lock file only once it holds this lock. This map is the one piece of static state
     * in the program: what it guards, a POSIX lock, is itself per process. Keyed by the lock
     * file's identity ({@link #lockKey}).
     */
    private static final Map<Object, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    /** The field of a history line that names the write it belongs to (see {@link #history}). */
    static final String WRITE_FIELD = "write";

    /** Built on first use: Jackson's set-up is a third of a short command's start, and a missing state needs none. */
    private static final class Json {
        static final ObjectMapper READ = StateJson.mapper();
    }

    /** Built on first write, apart from {@link Json}: reading commands never need it. */
    private static final class JsonWrite {
        static final ObjectMapper WRITE = StateJson.files();
    }
    private static final long FIRST_BACKOFF_MS = 10;
    private static final long MAX_BACKOFF_MS = 500;
    private static final Pattern SERIAL = Pattern.compile("\"serial\"\\s*:\\s*(\\d{1,18})");

    /** A state is a few KB (some 200 bytes a sequential metric): a larger file is not one this tool wrote. */
    static final OwnedFile.Limit STATE_LIMIT = new OwnedFile.Limit(16L << 20,
            "a state it writes is a few KB: is this the right file?");
    /** Some 300 to 500 bytes an event: half a million events, years of evaluations every five minutes. */
    static final OwnedFile.Limit HISTORY_LIMIT = new OwnedFile.Limit(256L << 20,
            "move its older lines (whole lines) to an archive file, the newer lines alone still read as the history");
    /** The lock file holds one line naming its holder. */
    private static final OwnedFile.Limit LOCK_LIMIT = new OwnedFile.Limit(1L << 20, "it holds one line naming its holder");

    private final StatePaths paths;
    private final Duration lockTimeout;
    private final Clock clock;
    private final String command;
    private final Optional<String> rollout;

    /**
     * What a change decided.
     *
     * @param newState the state to write; empty writes nothing at all (a no-op or a dry run),
     *                 and {@code events} are then ignored
     * @param events   the history events of this write, each with the new state's serial
     * @param result   what {@link #update} returns
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
    }

    /**
     * @param paths       the files of the state
     * @param lockTimeout how long {@link #update} waits for another writer before a conflict
     * @param clock       for the lock holder's "since"
     * @param command     what this process is doing, shown to a process that waits for the
     *                    lock (e.g. {@code rollout advance rollout.yaml})
     */
    public StateStore(StatePaths paths, Duration lockTimeout, Clock clock, String command) {
        this(paths, lockTimeout, clock, command, Optional.empty());
    }

    /**
     * A store that only accepts the state of one rollout: a state file whose {@code rollout}
     * is another name is a conflict on every read, so a command given the wrong {@code --state}
     * never acts on, or shows, another rollout as if it were this one.
     *
     * @param rollout the spec's {@code name}; empty accepts any (a state known only by its path)
     */
    public StateStore(StatePaths paths, Duration lockTimeout, Clock clock, String command, Optional<String> rollout) {
        this.paths = Objects.requireNonNull(paths, "paths");
        this.lockTimeout = Objects.requireNonNull(lockTimeout, "lockTimeout");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.command = Objects.requireNonNull(command, "command");
        this.rollout = Objects.requireNonNull(rollout, "rollout");
    }

    public StatePaths paths() {
        return paths;
    }

    // ------------------------------------------------------------------ reading

    /**
     * The current state, or empty when there is no state file. Takes no lock and changes
     * nothing. An empty, truncated or garbage file, or one of a format version this program
     * does not know, is an input error naming the file (and the backup, when there is one), as
     * is anything but a regular file (a symlink, FIFO, device, directory) or a file over
     * {@link #STATE_LIMIT}. A state of another rollout than the one this store is for is a conflict.
     */
    public Optional<RolloutState> read() {
        Optional<RolloutState> state = OwnedFile.read(paths.state(), "state file", STATE_LIMIT).map(this::parse);
        if (state.isPresent() && rollout.isPresent() && !state.get().rollout().equals(rollout.get())) {
            throw new RolloutException(RolloutException.Kind.CONFLICT, Location.file(paths.state().toString()),
                    "this is the state of rollout '" + state.get().rollout() + "', not of '" + rollout.get()
                            + "' (the spec's name); give the spec of '" + state.get().rollout() + "', or the --state of '"
                            + rollout.get() + "'");
        }
        return state;
    }

    private RolloutState parse(byte[] bytes) {
        // A file as this tool writes it reads without Jackson's data binding; anything else reads below.
        Optional<RolloutState> quick = StateQuickRead.read(bytes);
        if (quick.isPresent()) {
            return quick.get();
        }
        String file = paths.state().toString();
        String backup = Files.exists(paths.backup(), LinkOption.NOFOLLOW_LINKS)
                ? "; the previous good state is in " + paths.backup()
                : "; there is no backup (" + paths.backup() + " does not exist)";
        if (isBlank(bytes)) {
            throw RolloutException.input(Location.file(file), "the state file is empty, not valid state JSON" + backup);
        }

        JsonNode tree;
        try {
            tree = Json.READ.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw invalidJson(file, e, backup);
        } catch (IOException e) {
            throw RolloutException.input(Location.file(file), "cannot read the state: " + reason(e));
        }
        if (tree == null || !tree.isObject()) {
            throw RolloutException.input(Location.file(file), "not valid state JSON: not a JSON object" + backup);
        }
        // The version is checked before binding: a newer format may mean something else by the same fields.
        JsonNode version = tree.get("formatVersion");
        if (version == null || !version.isIntegralNumber()) {
            throw RolloutException.input(Location.file(file), "not a rollout state file: no numeric formatVersion" + backup);
        }
        if (!version.canConvertToInt() || version.intValue() != RolloutState.FORMAT_VERSION) {
            throw RolloutException.input(Location.file(file), "unknown state format version " + version.asText()
                    + "; this rollout reads version " + RolloutState.FORMAT_VERSION
                    + " (was the file written by a newer rollout?)");
        }
        RolloutState state;
        try {
            // Bound from the bytes rather than the tree, so an error carries a line and column.
            state = Json.READ.readValue(bytes, RolloutState.class);
        } catch (JsonProcessingException e) {
            throw invalidJson(file, e, backup);
        } catch (IOException e) {
            throw RolloutException.input(Location.file(file), "cannot read the state: " + reason(e));
        }
        List<String> missing = new ArrayList<>();
        if (!tree.hasNonNull("serial")) missing.add("serial");
        if (state.rollout() == null) missing.add("rollout");
        if (state.lineage() == null) missing.add("lineage");
        if (state.model() == null) missing.add("model");
        if (state.status() == null) missing.add("status");
        if (state.stage() == null) missing.add("stage");
        if (state.specDigest() == null) missing.add("specDigest");
        if (state.updatedAt() == null) missing.add("updatedAt");
        if (state.lastEvaluation() == null) missing.add("lastEvaluation");
        if (state.approval() == null) missing.add("approval");
        if (!missing.isEmpty()) {
            throw RolloutException.input(Location.file(file), "not a valid state: missing " + String.join(", ", missing) + backup);
        }
        if (state.serial() < 0) {
            throw RolloutException.input(Location.file(file), "not a valid state: negative serial " + state.serial() + backup);
        }
        return state;
    }

    private static RolloutException invalidJson(String file, JsonProcessingException e, String backup) {
        JsonLocation at = e.getLocation();
        int line = at == null ? 0 : Math.max(0, at.getLineNr());
        int column = at == null ? 0 : Math.max(0, at.getColumnNr());
        return new RolloutException(RolloutException.Kind.INPUT, Location.of(file, line, column, null),
                "not valid state JSON (" + firstLine(e.getOriginalMessage()) + ")" + backup, e);
    }

    /**
     * The audit trail, oldest first, exactly one entry per committed event. Takes no lock.
     *
     * <p>A last line that does not parse is the tail of an append that a crash interrupted:
     * it is skipped, with a warning unless its serial shows it belongs to a write that is
     * still in progress. A bad line anywhere else is an input error naming file and line.
     *
     * <p><b>Exactly once.</b> Each event carries the {@code serial} of the state write it
     * belongs to, and each line carries the id of that write ({@value #WRITE_FIELD}). A write
     * appends its events (and fsyncs) <em>before</em> it renames the new state into place,
     * so a crash in between leaves an orphan group: events whose state never became current.
     * The retry writes the same serial again. So, reading groups of consecutive lines with
     * the same write id and serial in file order:
     * <ol>
     *   <li>a group supersedes every earlier kept group whose serial is greater than or
     *       equal to its own (the earlier one was an orphan, or was undone by restoring the
     *       backup); the kept serials therefore only ever increase;</li>
     *   <li>at the end, groups with a serial greater than the current state's are dropped:
     *       orphans of a crashed write, or a write not committed yet.</li>
     * </ol>
     *
     * @param warnings receives a message for each skipped line
     */
    public List<HistoryEvent> history(Consumer<String> warnings) {
        // The state first, then the history: every event of a committed serial was appended
        // before that serial's rename, so this pair of reads is a consistent snapshot.
        long committed = read().map(RolloutState::serial).orElse(0L);
        Optional<byte[]> file = OwnedFile.read(paths.history(), "history", HISTORY_LIMIT);
        if (file.isEmpty()) {
            return List.of();
        }
        byte[] bytes = file.get();
        List<String> lines = splitLines(bytes);
        int last = lines.size() - 1;
        while (last >= 0 && lines.get(last) != null && lines.get(last).isBlank()) {
            last--;
        }
        List<Group> kept = new ArrayList<>();
        Group current = null;
        for (int i = 0; i <= last; i++) {
            String line = lines.get(i);
            if (line != null && line.isBlank()) {
                continue;
            }
            HistoryEvent event;
            String write;
            try {
                if (line == null) {
                    throw new CharacterCodingException();
                }
                JsonNode node = Json.READ.readTree(line);
                if (node == null || !node.isObject() || !node.hasNonNull("serial") || !node.hasNonNull("event")
                        || !node.hasNonNull("at")) {
                    throw new IOException("not a JSON object with at, event and serial");
                }
                event = Json.READ.treeToValue(node, HistoryEvent.class);
                write = node.hasNonNull(WRITE_FIELD) ? node.get(WRITE_FIELD).asText() : "";
            } catch (IOException e) {
                if (i == last) {
                    Matcher m = line == null ? null : SERIAL.matcher(line);
                    boolean inFlight = m != null && m.find() && Long.parseLong(m.group(1)) > committed;
                    if (!inFlight) {
                        warnings.accept(paths.history() + " line " + (i + 1)
                                + ": skipped an incomplete last line (a write was interrupted)");
                    }
                    continue;
                }
                throw RolloutException.input(Location.of(paths.history().toString(), i + 1, 0, null),
                        "not a valid history event (" + (line == null ? "not UTF-8" : firstLine(reason(e))) + ")");
            }
            if (current == null || current.serial != event.serial() || !current.write.equals(write)) {
                current = new Group(event.serial(), write, new ArrayList<>());
                while (!kept.isEmpty() && kept.get(kept.size() - 1).serial >= current.serial) {
                    kept.remove(kept.size() - 1);
                }
                kept.add(current);
            }
            current.events.add(event);
        }
        while (!kept.isEmpty() && kept.get(kept.size() - 1).serial > committed) {
            kept.remove(kept.size() - 1);
        }
        List<HistoryEvent> events = new ArrayList<>();
        for (Group g : kept) {
            events.addAll(g.events);
        }
        return events;
    }

    private record Group(long serial, String write, List<HistoryEvent> events) {
    }

    /** The lines of a UTF-8 file; a line that is not valid UTF-8 is {@code null}. */
    private static List<String> splitLines(byte[] bytes) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= bytes.length; i++) {
            if (i == bytes.length || bytes[i] == '\n') {
                if (i == bytes.length && start == i) {
                    break;
                }
                lines.add(decode(bytes, start, i - start));
                start = i + 1;
            }
        }
        return lines;
    }

    private static String decode(byte[] bytes, int offset, int length) {
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, offset, length));
            return chars.toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    // ------------------------------------------------------------------ writing

    /**
     * Reads the state under the exclusive lock, lets {@code change} decide, and writes what it
     * returns: the events first, then the state. Returns the change's result.
     *
     * <p>Waits up to the lock timeout for another writer, then throws a conflict naming the
     * holder. Any I/O failure is an input error naming the file, with the old state file
     * untouched. A new state whose serial is not the old one plus one (1 for the first) is a
     * programming error ({@link IllegalStateException}), as is an event with another serial.
     */
    public <T> T update(Function<Optional<RolloutState>, Update<T>> change) {
        Objects.requireNonNull(change, "change");
        // Before anything is created or locked, so that a refused file leaves nothing behind, not even a lock file.
        requireOwnedFiles();
        Path dir = paths.directory();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw RolloutException.input(Location.file(dir.toString()), "cannot create the state directory: " + reason(e));
        }
        long deadline = System.nanoTime() + lockTimeout.toNanos();
        ReentrantLock local = IN_PROCESS.computeIfAbsent(lockKey(), k -> new ReentrantLock());
        try {
            if (!local.tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw RolloutException.conflict("the state " + paths.state() + " is locked by another thread of this process"
                        + "; waited " + DurationText.format(lockTimeout) + " (--lock-timeout)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RolloutException.conflict("interrupted while waiting for the lock on " + paths.state());
        }
        try {
            FileChannel channel;
            try {
                channel = FileChannel.open(paths.lock(), StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                throw OwnedFile.failure(paths.lock(), "lock file", "cannot open", e);
            }
            // Every access to the lock file while we hold the lock goes through this one
            // channel: opening and closing any other channel on it would drop the lock.
            try {
                FileLock lock = acquire(channel, deadline);
                try {
                    writeHolder(channel);
                    return locked(change);
                } finally {
                    release(channel, lock);
                }
            } finally {
                try {
                    channel.close();
                } catch (IOException e) {
                    // Closing releases the lock whatever it reports; the write itself is done.
                }
            }
        } finally {
            local.unlock();
        }
    }

    /** Refuses a state, history, lock or backup that is not a regular file, or is too large to read. */
    private void requireOwnedFiles() {
        OwnedFile.require(paths.state(), "state file", STATE_LIMIT);
        OwnedFile.require(paths.history(), "history", HISTORY_LIMIT);
        // Neither is read here: the lock is only locked and truncated, the backup only replaced.
        OwnedFile.regular(paths.lock(), "lock file");
        OwnedFile.regular(paths.backup(), "backup");
    }

    private <T> T locked(Function<Optional<RolloutState>, Update<T>> change) {
        if (!unsafeNoLock()) {
            // Without the lock another writer's temp file may be in flight; never delete it then.
            removeLeftoverTemps();
        }
        Optional<RolloutState> current = read();
        Update<T> update = Objects.requireNonNull(change.apply(current), "the change returned no update");
        if (update.newState().isEmpty()) {
            return update.result();
        }
        RolloutState next = update.newState().get();
        long expected = current.map(RolloutState::serial).orElse(0L) + 1;
        if (next.serial() != expected) {
            throw new IllegalStateException("a write over serial " + (expected - 1) + " must have serial " + expected
                    + ", not " + next.serial());
        }
        for (HistoryEvent e : update.events()) {
            if (e.serial() != next.serial()) {
                throw new IllegalStateException("event " + e.event() + " has serial " + e.serial()
                        + " in a write of serial " + next.serial());
            }
        }
        long historyBefore = appendHistory(update.events());
        try {
            writeState(next);
        } catch (RuntimeException e) {
            // The state was not replaced, so the events just appended belong to no write. Readers
            // would drop them, but a retry on a full disk would leave another group every time.
            cutHistory(historyBefore);
            throw e;
        }
        return update.result();
    }

    /**
     * The in-process lock's key: the lock file's identity (device and inode where the
     * platform has one), so a symlinked directory or a hard link cannot give one file two
     * locks. Reading the key does not open the file (opening and closing it would be the
     * POSIX close rule again); creating it does, but a file that did not exist yet is locked
     * by nobody.
     */
    private Object lockKey() {
        try {
            Files.createFile(paths.lock());
        } catch (FileAlreadyExistsException e) {
            // the usual case
        } catch (IOException e) {
            throw RolloutException.input(Location.file(paths.lock().toString()), "cannot create the lock file: " + reason(e));
        }
        try {
            BasicFileAttributes attrs = OwnedFile.regular(paths.lock(), "lock file")
                    .orElseThrow(() -> new NoSuchFileException(paths.lock().toString()));
            Object key = attrs.fileKey();
            return key != null ? key : paths.lock().toRealPath();
        } catch (IOException e) {
            return paths.lock();
        }
    }

    /** {@code tryLock} with backoff (10 ms doubling to 500 ms): there is no {@code lock(timeout)}. */
    private FileLock acquire(FileChannel channel, long deadline) {
        if (unsafeNoLock()) {
            return null;
        }
        long backoff = FIRST_BACKOFF_MS;
        while (true) {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                throw new IllegalStateException("this process already locks " + paths.lock()
                        + " outside the store's per-file lock", e);
            } catch (IOException e) {
                throw RolloutException.input(Location.file(paths.lock().toString()), "cannot lock: " + reason(e));
            }
            if (lock != null) {
                return lock;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw RolloutException.conflict("the state " + paths.state() + " is locked by " + holder()
                        + "; waited " + DurationText.format(lockTimeout) + " (--lock-timeout)");
            }
            try {
                Thread.sleep(Math.max(1, Math.min(backoff, TimeUnit.NANOSECONDS.toMillis(left))));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw RolloutException.conflict("interrupted while waiting for the lock on " + paths.state());
            }
            backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        }
    }

    /**
     * TEST ONLY: skips the file lock, so the concurrency tests can show that they fail without
     * it. Never set {@code -Drollout.test.unsafeNoLock=true} or {@code ROLLOUT_TEST_UNSAFE_NO_LOCK=1}
     * in real use: concurrent writers then lose updates.
     */
    private static boolean unsafeNoLock() {
        return "true".equals(System.getProperty("rollout.test.unsafeNoLock"))
                || "1".equals(System.getenv("ROLLOUT_TEST_UNSAFE_NO_LOCK"));
    }

    /** Tells a waiting process who holds the lock: one JSON line, written through the locking channel. */
    private void writeHolder(FileChannel channel) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("pid", ProcessHandle.current().pid());
        info.put("host", hostName());
        info.put("user", System.getProperty("user.name", "?"));
        info.put("command", command);
        info.put("since", clock.instant().toString());
        try {
            ByteBuffer buf = ByteBuffer.wrap((Json.READ.writeValueAsString(info) + "\n").getBytes(StandardCharsets.UTF_8));
            channel.truncate(0);
            long position = 0;
            while (buf.hasRemaining()) {
                position += channel.write(buf, position);
            }
        } catch (IOException e) {
            throw RolloutException.input(Location.file(paths.lock().toString()), "cannot write the lock file: " + reason(e));
        }
    }

    /** Clears the holder (so a waiter never names a finished process) and releases the lock. */
    private static void release(FileChannel channel, FileLock lock) {
        try {
            if (lock != null) {
                channel.truncate(0);
                lock.release();
            }
        } catch (IOException e) {
            // Closing the channel, which follows, releases the lock too.
        }
    }

    /** The holder as it described itself. Safe to read with another channel: this process does not hold the lock. */
    private String holder() {
        try {
            String text = new String(OwnedFile.read(paths.lock(), "lock file", LOCK_LIMIT).orElse(new byte[0]),
                    StandardCharsets.UTF_8).trim();
            JsonNode info = text.isEmpty() ? null : Json.READ.readTree(text);
            if (info != null && info.hasNonNull("pid")) {
                return "pid " + info.get("pid").asText() + " (" + info.path("user").asText("?") + "@"
                        + info.path("host").asText("?") + ", `" + info.path("command").asText("?") + "`, since "
                        + info.path("since").asText("?") + ")";
            }
        } catch (IOException | RolloutException e) {
            // The holder may be rewriting it right now; say what we know.
        }
        return "another process (it has not said which)";
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        try {
            // No DNS on Linux: InetAddress.getLocalHost() may resolve the name and hang.
            String proc = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
            if (!proc.isEmpty()) {
                return proc;
            }
        } catch (IOException | UncheckedIOException | SecurityException e) {
            // not Linux
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** Temp files (ours are {@code <state-name>.<random>.tmp}) left by a writer that was killed. Best effort. */
    private void removeLeftoverTemps() {
        String prefix = paths.state().getFileName() + ".";
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(paths.directory(), p -> {
            String name = p.getFileName().toString();
            return name.startsWith(prefix) && name.endsWith(".tmp") && name.length() > prefix.length() + 4;
        })) {
            for (Path p : dir) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // the next write tries again
                }
            }
        } catch (IOException e) {
            // the next write tries again
        }
    }

    /**
     * Appends one line per event and fsyncs before the state is renamed into place, so a
     * committed state never lacks its events. An incomplete last line left by a crashed append
     * is cut off first: its write never committed, and a new line must not glue onto it.
     * An append that fails (a full disk) is cut off again, so it leaves nothing.
     *
     * @return the length of the history before the append, for {@link #cutHistory}; -1 when
     *         nothing was appended
     */
    private long appendHistory(List<HistoryEvent> events) {
        if (events.isEmpty()) {
            return -1;
        }
        Path file = paths.history();
        String write = Long.toHexString(ProcessHandle.current().pid()) + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong());
        try {
            StringBuilder text = new StringBuilder();
            for (HistoryEvent e : events) {
                ObjectNode node = JsonWrite.WRITE.valueToTree(e);
                node.put(WRITE_FIELD, write);
                text.append(JsonWrite.WRITE.writeValueAsString(node)).append('\n');
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                long position = completeLength(ch);
                byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
                if (position < 0) {
                    // A complete event without its newline (edited by hand): keep it, end its line.
                    position = ch.size();
                    bytes = ("\n" + text).getBytes(StandardCharsets.UTF_8);
                } else if (position < ch.size()) {
                    ch.truncate(position);
                }
                long before = position;
                try {
                    ByteBuffer buf = ByteBuffer.wrap(bytes);
                    while (buf.hasRemaining()) {
                        position += ch.write(buf, position);
                    }
                    ch.force(true);
                } catch (IOException e) {
                    try {
                        cut(ch, before);
                    } catch (IOException again) {
                        e.addSuppressed(again);
                    }
                    throw e;
                }
                return before;
            }
        } catch (IOException e) {
            throw OwnedFile.failure(file, "history", "cannot append to", e);
        }
    }

    /** Cuts the history back to {@code length}, the events of a write whose state was not written. */
    private void cutHistory(long length) {
        if (length < 0) {
            return;
        }
        try (FileChannel ch = FileChannel.open(paths.history(), StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            cut(ch, length);
        } catch (IOException e) {
            // Readers still drop the orphan group: its serial never committed.
        }
    }

    /** Shrinking needs no free space, so this works on the full disk that failed the write. */
    private static void cut(FileChannel ch, long length) throws IOException {
        if (ch.size() > length) {
            ch.truncate(length);
            ch.force(true);
        }
    }

    /**
     * Where the complete lines of the history end: the size when it ends with a newline (or is
     * empty), the end of the last newline when it ends with an incomplete line, or -1 when the
     * last line lacks only its newline.
     */
    private static long completeLength(FileChannel ch) throws IOException {
        long size = ch.size();
        if (size == 0) {
            return 0;
        }
        ByteBuffer one = ByteBuffer.allocate(1);
        ch.read(one, size - 1);
        if (one.get(0) == '\n') {
            return size;
        }
        long end = size;
        ByteBuffer block = ByteBuffer.allocate(8192);
        long lineStart = 0;
        search:
        while (end > 0) {
            long start = Math.max(0, end - block.capacity());
            block.clear().limit((int) (end - start));
            while (block.hasRemaining()) {
                if (ch.read(block, start + block.position()) < 0) {
                    break;
                }
            }
            for (int i = block.position() - 1; i >= 0; i--) {
                if (block.get(i) == '\n') {
                    lineStart = start + i + 1;
                    break search;
                }
            }
            end = start;
        }
        ByteBuffer tail = ByteBuffer.allocate((int) Math.min(size - lineStart, 16 * 1024 * 1024));
        while (tail.hasRemaining() && ch.read(tail, lineStart + tail.position()) >= 0) {
            // read the whole tail
        }
        String text = decode(tail.array(), 0, tail.position());
        try {
            if (text != null) {
                JsonNode node = Json.READ.readTree(text);
                if (node != null && node.isObject() && node.hasNonNull("serial")) {
                    Json.READ.treeToValue(node, HistoryEvent.class);
                    return -1;
                }
            }
        } catch (IOException e) {
            // incomplete: cut it off
        }
        return lineStart;
    }

    /**
     * Replaces the state atomically. The temp file is in the same directory because a rename
     * is only atomic within one file system; it is fsynced before the rename so the new name
     * never points at unwritten data, and the directory is fsynced after it so the rename
     * itself survives a power cut.
     */
    private void writeState(RolloutState next) {
        Path dir = paths.directory();
        Path state = paths.state();
        Path tmp = null;
        try {
            byte[] bytes = (JsonWrite.WRITE.writerWithDefaultPrettyPrinter().writeValueAsString(next) + "\n")
                    .getBytes(StandardCharsets.UTF_8);
            tmp = writeTemp(bytes);
            if (Files.exists(state, LinkOption.NOFOLLOW_LINKS)) {
                keepOwnership(state, tmp);
                backup();
            }
            Files.move(tmp, state, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
            fsyncDirectory(dir);
        } catch (IOException e) {
            throw RolloutException.input(Location.file(state.toString()), "cannot write the state: " + reason(e)
                    + "; the state file is unchanged");
        } finally {
            deleteQuietly(tmp);
        }
    }

    /** A new file {@code <state-name>.<random>.tmp} holding {@code bytes}, fsynced; created with the umask's mode. */
    private Path writeTemp(byte[] bytes) throws IOException {
        Path tmp = paths.directory().resolve(paths.state().getFileName() + "."
                + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw e;
        }
        return tmp;
    }

    /** Keeps the state before this write as the backup, for a person to restore; replaced atomically too. */
    private void backup() throws IOException {
        Path tmp = null;
        try {
            tmp = writeTemp(OwnedFile.read(paths.state(), "state file", STATE_LIMIT)
                    .orElseThrow(() -> new NoSuchFileException(paths.state().toString())));
            keepOwnership(paths.state(), tmp);
            Files.move(tmp, paths.backup(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
        } catch (IOException e) {
            throw new IOException("cannot keep the backup " + paths.backup() + ": " + reason(e), e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    /**
     * A rename gives the state the temp file's mode and group; a group-shared state must stay
     * shared, so the old file's permissions (and group, where allowed) go to the temp file first.
     */
    private static void keepOwnership(Path from, Path to) {
        PosixFileAttributeView source = Files.getFileAttributeView(from, PosixFileAttributeView.class);
        PosixFileAttributeView target = Files.getFileAttributeView(to, PosixFileAttributeView.class);
        if (source == null || target == null) {
            return;
        }
        PosixFileAttributes attrs;
        try {
            attrs = source.readAttributes();
            target.setPermissions(attrs.permissions());
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return;
        }
        try {
            target.setGroup(attrs.group());
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            // Not a member of the group: the file keeps our default group; the write still succeeds.
        }
    }

    /** On Linux a rename is only durable once its directory is fsynced. Some platforms refuse to open a directory. */
    private static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Windows and some file systems: the rename is atomic there, just not known to be durable.
        }
    }

    private static void deleteQuietly(Path p) {
        if (p == null) {
            return;
        }
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // a leftover temp file is removed by the next write
        }
    }

    private static boolean isBlank(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }

    static String reason(IOException e) {
        String m = e.getMessage();
        String kind = e.getClass().getSimpleName();
        if (e instanceof JsonProcessingException j) {
            return firstLine(j.getOriginalMessage());
        }
        if (m == null) {
            return kind;
        }
        // NIO messages are often just the path ("AccessDeniedException: /x/y"): say what happened.
        return kind.endsWith("Exception") && !kind.equals("IOException")
                ? kind.substring(0, kind.length() - "Exception".length()).replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase()
                        + ": " + m
                : m;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
