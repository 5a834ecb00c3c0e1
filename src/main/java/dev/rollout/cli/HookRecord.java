package dev.rollout.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rollout.RolloutException;
import dev.rollout.RolloutException.Location;
import dev.rollout.state.StateJson;
import dev.rollout.state.StatePaths;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code <name>.state.json.hook}, beside the lock: the apply hook running under the lock now.
 * Written (durably) by the lock holder before it starts the hook and again once the hook has a
 * pid, removed only once every process of the hook has ended. So when a command takes the lock
 * and finds the file, the holder before it was killed while its hook ran, and the hook may be
 * running still, moving traffic with nobody holding the lock. Only the lock holder reads or
 * writes it, so it needs no lock of its own.
 *
 * @param command       the hook as the spec shows it
 * @param id            the hook run's {@link HookGroup#ID_VARIABLE}
 * @param ownGroup      whether the hook leads a process group of its own
 * @param rolloutPid    the rollout process that ran it
 * @param action        the move the hook was making ({@code ROLLOUT_ACTION})
 * @param since         when it started the hook
 * @param pid           the hook process (its process group id when {@code ownGroup}); empty
 *                      when the rollout was killed before the start returned
 * @param start         when the hook process started, to tell it from a later process with its pid
 */
record HookRecord(String command, String id, boolean ownGroup, long rolloutPid, String action, Instant since,
                  Optional<Long> pid, Optional<Instant> start) {

    /** The record is a few hundred bytes; anything much larger is not one. */
    private static final int MAX_BYTES = 64 * 1024;

    static Path file(StatePaths paths) {
        return paths.state().resolveSibling(paths.state().getFileName() + ".hook");
    }

    /** The hook has started: the same record with its process. */
    HookRecord started(ProcessHandle process) {
        return new HookRecord(command, id, ownGroup, rolloutPid, action, since, Optional.of(process.pid()),
                process.info().startInstant());
    }

    /**
     * Replaces the file atomically and makes it durable before returning: a rollout killed the
     * moment after must leave it for the next command. The temp file is created new and
     * renamed over the name, so a symlink planted at either name is never followed.
     */
    void write(StatePaths paths) {
        Path file = file(paths);
        ObjectNode node = StateJson.mapper().createObjectNode();
        node.put("command", command).put("id", id).put("ownProcessGroup", ownGroup).put("rolloutPid", rolloutPid)
                .put("action", action).put("since", since.toString());
        pid.ifPresent(p -> node.put("pid", p));
        start.ifPresent(s -> node.put("start", s.toString()));
        Path tmp = file.resolveSibling(file.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap((node + "\n").getBytes(StandardCharsets.UTF_8));
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            fsyncDirectory(file.getParent());
        } catch (IOException e) {
            throw RolloutException.input(Location.file(file.toString()), "cannot record the running hook: " + e.getMessage()
                    + "; the rollout did not move");
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException e) {
                // the store removes leftover temp files of the state's name on its next write
            }
        }
    }

    /** Removes the file; only once the hook has no process left. */
    static void clear(StatePaths paths) {
        try {
            Files.deleteIfExists(file(paths));
            fsyncDirectory(paths.directory());
        } catch (IOException e) {
            // The next command finds it, finds no process of the hook and says so: safe, only noisy.
        }
    }

    /** The record a killed rollout left, if there is one; an input error when the file is not one. */
    static Optional<HookRecord> read(StatePaths paths) {
        Path file = file(paths);
        byte[] bytes;
        try {
            BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!attrs.isRegularFile() || attrs.size() > MAX_BYTES) {
                throw unreadable(file, attrs.isRegularFile() ? "larger than " + MAX_BYTES + " bytes" : "not a regular file");
            }
            try (SeekableByteChannel ch = Files.newByteChannel(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
                ByteBuffer buf = ByteBuffer.allocate(MAX_BYTES + 1);
                while (buf.hasRemaining() && ch.read(buf) >= 0) {
                    // read it all
                }
                bytes = Arrays.copyOf(buf.array(), buf.position());
            }
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw unreadable(file, "cannot read it (" + e.getMessage() + ")");
        }
        try {
            JsonNode n = StateJson.mapper().readTree(bytes);
            if (n == null || !n.path("id").isTextual() || !n.path("rolloutPid").canConvertToLong()
                    || !n.path("since").isTextual()) {
                throw unreadable(file, "not a record of a running hook");
            }
            return Optional.of(new HookRecord(n.path("command").asText("?"), n.get("id").asText(),
                    n.path("ownProcessGroup").asBoolean(false), n.get("rolloutPid").asLong(),
                    n.path("action").asText("?"), Instant.parse(n.get("since").asText()),
                    n.hasNonNull("pid") ? Optional.of(n.get("pid").asLong()) : Optional.empty(),
                    n.hasNonNull("start") ? Optional.of(Instant.parse(n.get("start").asText())) : Optional.empty()));
        } catch (IOException | DateTimeParseException e) {
            throw unreadable(file, "not a record of a running hook (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
    }

    private static RolloutException unreadable(Path file, String why) {
        return RolloutException.input(Location.file(file.toString()), why + ": it should name the apply hook a killed"
                + " rollout left running; end that hook if it still runs, then delete the file");
    }

    private static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // not every platform opens a directory; the rename is atomic there, only not known durable
        }
    }
}
