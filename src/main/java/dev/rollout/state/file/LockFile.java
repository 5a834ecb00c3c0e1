package dev.rollout.state.file;

import dev.rollout.RolloutException;
import dev.rollout.RolloutException.Location;
import dev.rollout.state.IoReason;
import dev.rollout.state.LockHolder;
import dev.rollout.state.LockWait;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The exclusive lock of one state: {@code FileChannel.tryLock} on a separate, never-deleted
 * lock file, which holds one line naming its holder while it is held.
 *
 * <p>The lock is on a separate file because the state file is replaced by every write: a lock
 * on it would be a lock on the old inode, and the next process would lock the new one and run
 * alongside (measured: 62 of 800 updates kept).
 */
final class LockFile {

    /**
     * One lock per lock file for the threads of this process, taken before the file lock.
     * Needed because a second {@code tryLock} on a file this JVM already locked throws
     * {@code OverlappingFileLockException} instead of waiting, and because another thread
     * opening and closing a channel on the locked file silently drops the process's lock
     * (the POSIX close rule): a thread that merely waited, timed out and closed its channel
     * would free the file for another process while this one still writes. So a thread opens
     * the lock file only once it holds this lock. This map is the one piece of static state
     * in the program: what it guards, a POSIX lock, is itself per process. Keyed by the lock
     * file's identity ({@link #key}).
     */
    private static final Map<Object, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    /** The lock file holds one line naming its holder. */
    private static final OwnedFile.Limit LIMIT = new OwnedFile.Limit(1L << 20, "it holds one line naming its holder");

    private final Path file;
    /** The state it guards, as messages name it. */
    private final String state;

    LockFile(Path file, String state) {
        this.file = file;
        this.state = state;
    }

    /** Runs {@code body} holding the lock, waiting up to {@code timeout} for it; the lock file names {@code holder} meanwhile. */
    <T> T holding(Duration timeout, LockHolder holder, Supplier<T> body) {
        long deadline = LockWait.deadline(timeout);
        ReentrantLock local = IN_PROCESS.computeIfAbsent(key(), k -> new ReentrantLock());
        try {
            if (!local.tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw LockWait.lockedBy(state, "another thread of this process", timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw LockWait.interrupted(state);
        }
        try {
            FileChannel channel;
            try {
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                throw OwnedFile.failure(file, "lock file", "cannot open", e);
            }
            // Every access to the lock file while we hold the lock goes through this one
            // channel: opening and closing any other channel on it would drop the lock.
            try {
                FileLock lock = unsafeNoLock() ? null
                        : LockWait.acquire(() -> tryLock(channel), deadline, timeout, state, this::holder);
                try {
                    writeHolder(channel, holder);
                    return body.get();
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

    private FileLock tryLock(FileChannel channel) {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            throw new IllegalStateException("this process already locks " + file + " outside the store's per-file lock", e);
        } catch (IOException e) {
            throw RolloutException.input(Location.file(file.toString()), "cannot lock: " + IoReason.of(e));
        }
    }

    /**
     * The in-process lock's key: the lock file's identity (device and inode where the
     * platform has one), so a symlinked directory or a hard link cannot give one file two
     * locks. Reading the key does not open the file (opening and closing it would be the
     * POSIX close rule again); creating it does, but a file that did not exist yet is locked
     * by nobody.
     */
    private Object key() {
        try {
            Files.createFile(file);
        } catch (FileAlreadyExistsException e) {
            // the usual case
        } catch (IOException e) {
            throw RolloutException.input(Location.file(file.toString()), "cannot create the lock file: " + IoReason.of(e));
        }
        try {
            BasicFileAttributes attrs = OwnedFile.regular(file, "lock file")
                    .orElseThrow(() -> new NoSuchFileException(file.toString()));
            Object key = attrs.fileKey();
            return key != null ? key : file.toRealPath();
        } catch (IOException e) {
            return file;
        }
    }

    /**
     * TEST ONLY: skips the file lock, so the concurrency tests can show that they fail without
     * it. Never set {@code -Drollout.test.unsafeNoLock=true} or {@code ROLLOUT_TEST_UNSAFE_NO_LOCK=1}
     * in real use: concurrent writers then lose updates.
     */
    static boolean unsafeNoLock() {
        return "true".equals(System.getProperty("rollout.test.unsafeNoLock"))
                || "1".equals(System.getenv("ROLLOUT_TEST_UNSAFE_NO_LOCK"));
    }

    /** Tells a waiting process who holds the lock: one JSON line, written through the locking channel. */
    private void writeHolder(FileChannel channel, LockHolder holder) {
        try {
            ByteBuffer buf = ByteBuffer.wrap((holder.toJson() + "\n").getBytes(StandardCharsets.UTF_8));
            channel.truncate(0);
            long position = 0;
            while (buf.hasRemaining()) {
                position += channel.write(buf, position);
            }
        } catch (IOException e) {
            throw RolloutException.input(Location.file(file.toString()), "cannot write the lock file: " + IoReason.of(e));
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
            String text = new String(OwnedFile.read(file, "lock file", LIMIT).orElse(new byte[0]), StandardCharsets.UTF_8).trim();
            var named = LockHolder.fromJson(text);
            if (named.isPresent()) {
                return named.get().describe();
            }
        } catch (IOException | RolloutException e) {
            // The holder may be rewriting it right now; say what we know.
        }
        return "another process (it has not said which)";
    }
}
