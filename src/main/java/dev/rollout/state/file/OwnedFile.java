package dev.rollout.state.file;

import dev.rollout.RolloutException;
import dev.rollout.RolloutException.Location;
import dev.rollout.state.IoReason;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Optional;

/**
 * A file the store owns (state, history, lock, backup): it is a regular file or absent, and
 * it is never reached through a symlink. A link in its place could point at any file the
 * user may write, which the store would then truncate, append to or replace; a FIFO would
 * block the reader forever and a device such as {@code /dev/zero} would never end. The
 * directory may be a link ({@code .rollout} on another disk): only the last component is
 * checked.
 *
 * <p>The check is an {@code lstat} before the open, and every open also passes
 * {@code NOFOLLOW_LINKS}, so a link that appears in between fails the open instead of being
 * followed. A FIFO swapped in between the two would still block the open: guarding against a
 * person who can rename files in the state directory while a command runs is not promised.
 */
public final class OwnedFile {

    private OwnedFile() {
    }

    /** The file's own attributes (a link's, not its target's), or empty when nothing is there. */
    static Optional<BasicFileAttributes> attributes(Path file) throws IOException {
        try {
            return Optional.of(Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /**
     * What is at {@code file} when it is not a regular file, as a person names it ("a symbolic
     * link", "a directory", "a FIFO, socket or device"); empty for a regular file or nothing.
     */
    public static Optional<String> irregular(Path file) throws IOException {
        return attributes(file).flatMap(attrs -> irregular(file, attrs));
    }

    private static Optional<String> irregular(Path file, BasicFileAttributes attrs) {
        if (attrs.isRegularFile()) {
            return Optional.empty();
        }
        return Optional.of(attrs.isSymbolicLink() ? "a symbolic link" : attrs.isDirectory() ? "a directory" : other(file));
    }

    /** Names the kind of a file that is neither regular, a directory nor a link, where the platform tells. */
    private static String other(Path file) {
        try {
            int type = (Integer) Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000;
            return switch (type) {
                case 0010000 -> "a FIFO";
                case 0020000 -> "a character device";
                case 0060000 -> "a block device";
                case 0140000 -> "a socket";
                default -> "a FIFO, socket or device";
            };
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            // not a Unix file system view: say what it may be
        }
        return "a FIFO, socket or device";
    }

    /** The one-line refusal for a file of the store that is not a regular file. */
    static RolloutException refusal(Path file, String what, String kind) {
        return RolloutException.input(Location.file(file.toString()), "the " + what + " is " + kind
                + ", not a regular file; rollout reads and writes its state, lock, history and backup only as"
                + " regular files, never through a link");
    }

    /**
     * The attributes of {@code file}, or empty when it does not exist; refused when it is
     * anything but a regular file.
     *
     * @param what how the message names it ("state file", "history", "lock file", "backup")
     */
    static Optional<BasicFileAttributes> regular(Path file, String what) {
        Optional<BasicFileAttributes> attrs;
        try {
            attrs = attributes(file);
        } catch (IOException e) {
            throw RolloutException.input(Location.file(file.toString()), "cannot read the " + what + ": " + IoReason.of(e));
        }
        attrs.flatMap(a -> irregular(file, a)).ifPresent(kind -> {
            throw refusal(file, what, kind);
        });
        return attrs;
    }

    /** Refuses {@code file} unless it is absent or a regular file of at most {@code limit.bytes}. */
    static void require(Path file, String what, Limit limit) {
        regular(file, what).filter(attrs -> attrs.size() > limit.bytes()).ifPresent(attrs -> {
            throw tooLarge(file, what, mebibytes(attrs.size()), limit);
        });
    }

    /**
     * The bytes of {@code file}, or empty when it does not exist; refused when it is not a
     * regular file or holds more than {@code limit} bytes. Reads at most {@code limit + 1}
     * bytes whatever the file claims its size is.
     */
    static Optional<byte[]> read(Path file, String what, Limit limit) {
        require(file, what, limit);
        try (SeekableByteChannel ch = Files.newByteChannel(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            byte[] bytes = new byte[(int) Math.min(limit.bytes() + 1, ch.size() + 1)];
            int n = 0;
            while (true) {
                if (n == bytes.length) {
                    if (n > limit.bytes()) {
                        throw tooLarge(file, what, "over " + mebibytes(limit.bytes()), limit);
                    }
                    bytes = Arrays.copyOf(bytes, (int) Math.min(limit.bytes() + 1, 2L * n));
                }
                int read = ch.read(ByteBuffer.wrap(bytes, n, bytes.length - n));
                if (read < 0) {
                    return Optional.of(Arrays.copyOf(bytes, n));
                }
                n += read;
            }
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw failure(file, what, "cannot read", e);
        }
    }

    /**
     * The error for an I/O failure on {@code file}: a refusal when it turned out not to be a
     * regular file (a link makes a {@code NOFOLLOW_LINKS} open fail with ELOOP, whose own
     * message, "too many levels of symbolic links", would mislead), else what happened. The
     * JDK reports ELOOP as a plain {@code IOException}, so the file is looked at again for any.
     */
    public static RolloutException failure(Path file, String what, String doing, IOException e) {
        try {
            Optional<String> kind = irregular(file);
            if (kind.isPresent()) {
                return refusal(file, what, kind.get());
            }
        } catch (IOException again) {
            // say what the first failure was
        }
        return RolloutException.input(Location.file(file.toString()), doing + " the " + what + ": " + IoReason.of(e));
    }

    private static RolloutException tooLarge(Path file, String what, String size, Limit limit) {
        return RolloutException.input(Location.file(file.toString()), "the " + what + " is " + size
                + ", and rollout reads at most " + mebibytes(limit.bytes()) + "; " + limit.advice());
    }

    /**
     * How much of a file the store reads, and what to tell the person whose file is larger.
     * The bound keeps a wrong file (a disk image, a log) from filling the heap.
     */
    record Limit(long bytes, String advice) {
    }

    private static String mebibytes(long bytes) {
        long mib = bytes >> 20;
        return mib > 0 && bytes == mib << 20 ? mib + " MiB"
                : String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (double) (1 << 20));
    }
}
