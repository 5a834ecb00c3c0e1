package dev.rollout.state.file;

import dev.rollout.state.IoReason;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replacing a file so that a reader sees the old bytes or the new, never half, and a power cut
 * keeps the rename: temp file in the same directory, fsync, rename, directory fsync. The
 * replaced file's mode and group go to its successor, and the state keeps a backup.
 */
final class AtomicFile {

    private AtomicFile() {
    }

    /**
     * Replaces the state atomically, keeping the state before it as the backup. The temp file
     * is in the same directory because a rename is only atomic within one file system; it is
     * fsynced before the rename so the new name never points at unwritten data, and the
     * directory is fsynced after it so the rename itself survives a power cut.
     */
    static void replaceState(StatePaths paths, byte[] bytes) throws IOException {
        Path state = paths.state();
        Path tmp = null;
        try {
            tmp = writeTemp(stateTemp(paths), bytes);
            if (Files.exists(state, LinkOption.NOFOLLOW_LINKS)) {
                keepOwnership(state, tmp);
                backup(paths);
            }
            Files.move(tmp, state, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
            fsyncDirectory(paths.directory());
        } finally {
            deleteQuietly(tmp);
        }
    }

    /** {@code <state-name>.<random>.tmp}: the names {@link #removeLeftoverTemps} removes. */
    private static Path stateTemp(StatePaths paths) {
        return paths.directory().resolve(paths.state().getFileName() + "."
                + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
    }

    /** A new file {@code tmp} holding {@code bytes}, fsynced; created with the umask's mode. */
    static Path writeTemp(Path tmp, byte[] bytes) throws IOException {
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
    private static void backup(StatePaths paths) throws IOException {
        Path tmp = null;
        try {
            tmp = writeTemp(stateTemp(paths), OwnedFile.read(paths.state(), "state file", FileBackend.STATE_LIMIT)
                    .orElseThrow(() -> new NoSuchFileException(paths.state().toString())));
            keepOwnership(paths.state(), tmp);
            Files.move(tmp, paths.backup(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
        } catch (IOException e) {
            throw new IOException("cannot keep the backup " + paths.backup() + ": " + IoReason.of(e), e);
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

    /** Temp files (ours are {@code <state-name>.<random>.tmp}) left by a writer that was killed. Best effort. */
    static void removeLeftoverTemps(StatePaths paths) {
        String prefix = paths.state().getFileName() + ".";
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(paths.directory(), p -> {
            String name = p.getFileName().toString();
            return name.startsWith(prefix) && name.endsWith(".tmp") && name.length() > prefix.length() + 4;
        })) {
            for (Path p : dir) {
                deleteQuietly(p);
            }
        } catch (IOException e) {
            // the next write tries again
        }
    }

    /** On Linux a rename is only durable once its directory is fsynced. Some platforms refuse to open a directory. */
    static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Windows and some file systems: the rename is atomic there, just not known to be durable.
        }
    }

    static void deleteQuietly(Path p) {
        if (p == null) {
            return;
        }
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // a leftover temp file is removed by the next write
        }
    }
}
