package dev.rollout.state.file;

import dev.rollout.state.HookSlot;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code <name>.state.json.hook}, beside the lock: the record of the apply hook running under
 * the lock now. Replaced by a temp file created new and renamed over the name, so a symlink
 * planted at either name is never followed; read only if it is a regular file of a few KB.
 */
final class FileHookSlot implements HookSlot {

    /** The record is a few hundred bytes; anything much larger is not one. */
    private static final int MAX_BYTES = 64 * 1024;

    private final Path file;

    FileHookSlot(StatePaths paths) {
        this.file = file(paths);
    }

    static Path file(StatePaths paths) {
        return paths.state().resolveSibling(paths.state().getFileName() + ".hook");
    }

    @Override
    public Optional<byte[]> read() throws IOException {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw cannotRead(e);
        }
        if (!attrs.isRegularFile() || attrs.size() > MAX_BYTES) {
            throw new IOException(attrs.isRegularFile() ? "larger than " + MAX_BYTES + " bytes" : "not a regular file");
        }
        try (SeekableByteChannel ch = Files.newByteChannel(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer buf = ByteBuffer.allocate(MAX_BYTES + 1);
            while (buf.hasRemaining() && ch.read(buf) >= 0) {
                // read it all
            }
            return Optional.of(Arrays.copyOf(buf.array(), buf.position()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw cannotRead(e);
        }
    }

    private static IOException cannotRead(IOException e) {
        return new IOException("cannot read it (" + e.getMessage() + ")", e);
    }

    @Override
    public void write(byte[] record) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            AtomicFile.writeTemp(tmp, record);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            AtomicFile.fsyncDirectory(file.getParent());
        } finally {
            // the store removes leftover temp files of the state's name on its next write
            AtomicFile.deleteQuietly(tmp);
        }
    }

    @Override
    public void clear() {
        try {
            Files.deleteIfExists(file);
            AtomicFile.fsyncDirectory(file.getParent());
        } catch (IOException e) {
            // The next command finds it, finds no process of the hook and says so: safe, only noisy.
        }
    }

    @Override
    public String location() {
        return file.toString();
    }
}
