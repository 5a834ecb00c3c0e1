package dev.rollout.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rollout.RolloutException;
import dev.rollout.RolloutException.Location;
import dev.rollout.lifecycle.HistoryEvent;
import dev.rollout.lifecycle.RolloutState;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The state file and its audit trail, written so that cron jobs and CI retries running at
 * once never lose an event and a crash never leaves a torn file.
 *
 * <p>Every write happens under an exclusive lock on a separate lock file, held with
 * {@code FileChannel.tryLock} and backoff up to the lock timeout. The history is appended
 * and fsynced first; then the state goes to a temp file in the same directory (a rename is
 * only atomic within one file system), is fsynced, renamed over the old file, and the
 * directory is fsynced so the rename itself survives a power cut.
 */
public final class StateStore {

    /**
     * Within one JVM a second {@code tryLock} on the same file throws instead of waiting, and
     * closing any other channel on the lock file drops the lock (the POSIX close rule), so the
     * threads of a process queue here first. The one piece of static state this code has.
     */
    private static final Map<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private static final ObjectMapper JSON = StateJson.mapper();

    private final StatePaths paths;
    private final Duration lockTimeout;
    private final Clock clock;
    private final String command;

    /** A change to write: the new state (empty: write nothing), its events, and what to return. */
    public record Update<T>(Optional<RolloutState> newState, List<HistoryEvent> events, T result) {
    }

    public StateStore(StatePaths paths, Duration lockTimeout, Clock clock, String command) {
        this.paths = paths;
        this.lockTimeout = lockTimeout;
        this.clock = clock;
        this.command = command;
    }

    public StatePaths paths() {
        return paths;
    }

    /** The current state, without the lock (a rename is atomic, so a reader sees old or new, never half). */
    public Optional<RolloutState> read() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(paths.state());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw RolloutException.input(Location.file(paths.state().toString()), "cannot read the state: " + e.getMessage());
        }
        return Optional.of(parse(bytes));
    }

    private RolloutState parse(byte[] bytes) {
        String file = paths.state().toString();
        String backup = Files.exists(paths.backup())
                ? "; the previous good state is in " + paths.backup() : "; there is no backup";
        try {
            JsonNode tree = JSON.readTree(bytes);
            if (tree == null || !tree.isObject()) {
                throw RolloutException.input(Location.file(file), "the state file is empty or not a JSON object" + backup);
            }
            JsonNode version = tree.get("formatVersion");
            if (version == null || !version.canConvertToInt() || version.asInt() != RolloutState.FORMAT_VERSION) {
                throw RolloutException.input(Location.file(file), "unknown state format version " + version
                        + "; this rollout reads version " + RolloutState.FORMAT_VERSION);
            }
            RolloutState state = JSON.treeToValue(tree, RolloutState.class);
            if (state.stage() == null || state.model() == null || state.status() == null || state.lineage() == null) {
                throw RolloutException.input(Location.file(file), "the state file lacks required fields" + backup);
            }
            return state;
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            int column = e.getLocation() == null ? 0 : e.getLocation().getColumnNr();
            throw RolloutException.input(Location.of(file, line, column, null),
                    "not valid state JSON (" + firstLine(e.getOriginalMessage()) + ")" + backup);
        } catch (IOException e) {
            throw RolloutException.input(Location.file(file), "cannot read the state: " + e.getMessage());
        }
    }

    /**
     * The audit trail. A torn last line (a crash mid-append) is skipped with a warning. Events
     * carry the serial of the state write they belong to, and are appended before the state
     * is renamed into place: events with a serial above the state's are from a write that
     * crashed before its commit, and a group superseded by a later group with the same or a
     * lower serial is such an orphan too; both are dropped, so each event shows exactly once.
     */
    public List<HistoryEvent> history(Consumer<String> warnings) {
        List<String> lines;
        try {
            lines = Files.readAllLines(paths.history(), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw RolloutException.input(Location.file(paths.history().toString()), "cannot read the history: " + e.getMessage());
        }
        long committed = read().map(RolloutState::serial).orElse(0L);
        List<HistoryEvent> events = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            HistoryEvent e;
            try {
                e = JSON.readValue(line, HistoryEvent.class);
            } catch (IOException ex) {
                if (i == lines.size() - 1) {
                    warnings.accept(paths.history() + " line " + (i + 1) + ": skipped a torn last line (an interrupted write)");
                    continue;
                }
                throw RolloutException.input(Location.of(paths.history().toString(), i + 1, 0, null),
                        "not a valid history event (" + firstLine(ex.getMessage()) + ")");
            }
            long serial = e.serial();
            boolean sameGroup = !events.isEmpty() && events.get(events.size() - 1).serial() == serial;
            if (!sameGroup) {
                events.removeIf(prev -> prev.serial() >= serial);
            }
            events.add(e);
        }
        events.removeIf(e -> e.serial() > committed);
        return events;
    }

    /**
     * Reads the state under the lock, lets {@code change} decide, and writes what it returns:
     * history first, then the state, atomically. Returns the change's result.
     */
    public <T> T update(Function<Optional<RolloutState>, Update<T>> change) {
        try {
            Files.createDirectories(paths.state().getParent());
        } catch (IOException e) {
            throw RolloutException.input(Location.file(paths.state().getParent().toString()), "cannot create the state directory: " + e.getMessage());
        }
        ReentrantLock local = IN_PROCESS.computeIfAbsent(paths.lock(), p -> new ReentrantLock());
        long started = System.nanoTime();
        try {
            if (!local.tryLock(lockTimeout.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS)) {
                throw RolloutException.conflict("the state " + paths.state() + " is locked by another thread of this process;"
                        + " waited " + dev.rollout.spec.DurationText.format(lockTimeout) + " (--lock-timeout)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RolloutException.conflict("interrupted while waiting for the lock on " + paths.state());
        }
        try (FileChannel lockChannel = openLock()) {
            FileLock lock = acquire(lockChannel, lockTimeout.minusNanos(System.nanoTime() - started));
            try {
                writeHolder(lockChannel);
                removeLeftoverTemps();
                Optional<RolloutState> current = read();
                Update<T> update = change.apply(current);
                if (update.newState().isPresent()) {
                    RolloutState next = update.newState().get();
                    long expected = current.map(RolloutState::serial).orElse(0L) + 1;
                    if (next.serial() != expected) {
                        throw new IllegalStateException("serial " + next.serial() + " written over " + (expected - 1));
                    }
                    appendHistory(update.events());
                    writeState(next);
                }
                return update.result();
            } finally {
                if (lock != null) {
                    lock.release();
                }
            }
        } catch (IOException e) {
            throw RolloutException.input(Location.file(paths.state().toString()), "cannot write the state: " + e.getMessage());
        } finally {
            local.unlock();
        }
    }

    private FileChannel openLock() throws IOException {
        return FileChannel.open(paths.lock(), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    /** tryLock with backoff: there is no lock(timeout), and a blocked lock() could wait forever. */
    private FileLock acquire(FileChannel channel, Duration remaining) throws IOException {
        if (unsafeNoLock()) {
            return null;
        }
        long deadline = System.nanoTime() + Math.max(0, remaining.toNanos());
        long sleep = 10;
        while (true) {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return lock;
            }
            if (System.nanoTime() >= deadline) {
                throw RolloutException.conflict("the state " + paths.state() + " is locked by " + holder()
                        + "; waited " + dev.rollout.spec.DurationText.format(lockTimeout) + " (--lock-timeout)");
            }
            try {
                Thread.sleep(Math.min(sleep, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the lock", e);
            }
            sleep = Math.min(sleep * 2, 500);
        }
    }

    /** Test-only: proves the concurrency tests fail without the lock. Never set it in real use. */
    private static boolean unsafeNoLock() {
        return "true".equals(System.getProperty("rollout.test.unsafeNoLock"))
                || "1".equals(System.getenv("ROLLOUT_TEST_UNSAFE_NO_LOCK"));
    }

    /** Who holds the lock, as written by the holder through its own channel. */
    private void writeHolder(FileChannel channel) throws IOException {
        ProcessHandle self = ProcessHandle.current();
        Map<String, Object> info = Map.of("pid", self.pid(), "user", System.getProperty("user.name", "?"),
                "host", hostName(), "command", command, "since", clock.instant().toString());
        byte[] bytes = (JSON.writeValueAsString(info) + "\n").getBytes(StandardCharsets.UTF_8);
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(bytes), 0);
        channel.force(false);
    }

    private String holder() {
        try {
            // Reading is safe here: this process does not hold the lock, so no lock is dropped on close.
            JsonNode info = JSON.readTree(Files.readAllBytes(paths.lock()));
            if (info != null && info.has("pid")) {
                return "pid " + info.get("pid").asText() + " (" + info.path("user").asText() + "@" + info.path("host").asText()
                        + ", '" + info.path("command").asText() + "', since " + info.path("since").asText() + ")";
            }
        } catch (IOException e) {
            // fall through: the holder may be mid-write
        }
        return "another process";
    }

    private static String hostName() {
        String h = System.getenv("HOSTNAME");
        if (h != null && !h.isEmpty()) {
            return h;
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    private void removeLeftoverTemps() throws IOException {
        String prefix = paths.state().getFileName() + ".";
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(paths.state().getParent(),
                p -> p.getFileName().toString().startsWith(prefix) && p.getFileName().toString().endsWith(".tmp"))) {
            for (Path p : dir) {
                Files.deleteIfExists(p);
            }
        }
    }

    private void appendHistory(List<HistoryEvent> events) throws IOException {
        if (events.isEmpty()) {
            return;
        }
        StringBuilder sb = new StringBuilder();
        for (HistoryEvent e : events) {
            sb.append(JSON.writeValueAsString(e)).append('\n');
        }
        try (FileChannel ch = FileChannel.open(paths.history(), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            // A torn line left by an earlier crash must not glue itself to this one.
            if (ch.size() > 0 && !endsWithNewline()) {
                ch.write(ByteBuffer.wrap(new byte[] {'\n'}));
            }
            ByteBuffer buf = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
    }

    private boolean endsWithNewline() throws IOException {
        try (FileChannel ch = FileChannel.open(paths.history(), StandardOpenOption.READ)) {
            ByteBuffer last = ByteBuffer.allocate(1);
            ch.read(last, ch.size() - 1);
            return last.get(0) == '\n';
        }
    }

    private void writeState(RolloutState next) throws IOException {
        Path dir = paths.state().getParent();
        byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(next);
        Path tmp = Files.createTempFile(dir, paths.state().getFileName() + ".", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            if (Files.exists(paths.state())) {
                keepPermissions(paths.state(), tmp);
                backup();
            }
            try {
                Files.move(tmp, paths.state(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system cannot rename atomically: " + e.getMessage(), e);
            }
            fsyncDirectory(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The previous good state, kept beside it for a person to restore; written atomically as well. */
    private void backup() throws IOException {
        Path dir = paths.state().getParent();
        Path tmp = Files.createTempFile(dir, paths.state().getFileName() + ".", ".tmp");
        try {
            Files.copy(paths.state(), tmp, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, paths.backup(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** A rename gives the file the temp file's mode (0600); a group-shared state must stay shared. */
    private static void keepPermissions(Path from, Path to) {
        PosixFileAttributeView view = Files.getFileAttributeView(from, PosixFileAttributeView.class);
        if (view == null) {
            return;
        }
        try {
            PosixFileAttributes attrs = view.readAttributes();
            Set<PosixFilePermission> perms = attrs.permissions();
            Files.setPosixFilePermissions(to, perms);
            Files.getFileAttributeView(to, PosixFileAttributeView.class).setGroup(attrs.group());
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            // Best effort: a group we may not set leaves the default, the write still succeeds.
        }
    }

    /** Makes the rename durable: on Linux the directory entry is only on disk after the directory is synced. */
    private static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some platforms refuse to open a directory; the rename is still atomic there.
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
