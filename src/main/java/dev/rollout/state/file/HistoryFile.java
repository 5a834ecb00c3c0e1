package dev.rollout.state.file;

import dev.rollout.RolloutException;
import dev.rollout.RolloutException.Location;
import dev.rollout.lifecycle.HistoryEvent;
import dev.rollout.state.IoReason;
import dev.rollout.state.StateCodec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The append-only audit trail beside a state file, one event a line: appended and fsynced
 * before the state is renamed, cut back when that rename fails, and read back exactly once
 * per committed event although a crash can leave the events of a write that never committed.
 */
final class HistoryFile {

    /** Some 300 to 500 bytes an event: half a million events, years of evaluations every five minutes. */
    static final OwnedFile.Limit LIMIT = new OwnedFile.Limit(256L << 20,
            "move its older lines (whole lines) to an archive file, the newer lines alone still read as the history");
    private static final Pattern SERIAL = Pattern.compile("\"serial\"\\s*:\\s*(\\d{1,18})");

    private final Path file;

    HistoryFile(Path file) {
        this.file = file;
    }

    /**
     * The events, oldest first, exactly one entry per committed event.
     *
     * <p>A last line that does not parse is the tail of an append that a crash interrupted:
     * it is skipped, with a warning unless its serial shows it belongs to a write that is
     * still in progress. A bad line anywhere else is an input error naming file and line.
     *
     * <p><b>Exactly once.</b> Each event carries the {@code serial} of the state write it
     * belongs to, and each line carries the id of that write ({@value StateCodec#WRITE_FIELD}). A write
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
     * @param committed the serial of the state read just before (0 when there is none)
     * @param warnings  receives a message for each skipped line
     */
    List<HistoryEvent> read(long committed, Consumer<String> warnings) {
        Optional<byte[]> read = OwnedFile.read(file, "history", LIMIT);
        if (read.isEmpty()) {
            return List.of();
        }
        List<String> lines = splitLines(read.get());
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
            StateCodec.EventLine decoded;
            try {
                if (line == null) {
                    throw new CharacterCodingException();
                }
                decoded = StateCodec.decodeEvent(line);
            } catch (IOException e) {
                if (i == last) {
                    Matcher m = line == null ? null : SERIAL.matcher(line);
                    boolean inFlight = m != null && m.find() && Long.parseLong(m.group(1)) > committed;
                    if (!inFlight) {
                        warnings.accept(file + " line " + (i + 1)
                                + ": skipped an incomplete last line (a write was interrupted)");
                    }
                    continue;
                }
                throw RolloutException.input(Location.of(file.toString(), i + 1, 0, null),
                        "not a valid history event (" + (line == null ? "not UTF-8" : IoReason.firstLine(IoReason.of(e))) + ")");
            }
            HistoryEvent event = decoded.event();
            if (current == null || current.serial != event.serial() || !current.write.equals(decoded.write())) {
                current = new Group(event.serial(), decoded.write(), new ArrayList<>());
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

    /**
     * Appends one line per event and fsyncs before the state is renamed into place, so a
     * committed state never lacks its events. An incomplete last line left by a crashed append
     * is cut off first: its write never committed, and a new line must not glue onto it.
     * An append that fails (a full disk) is cut off again, so it leaves nothing.
     *
     * @return the length of the history before the append, for {@link #cut}; -1 when
     *         nothing was appended
     */
    long append(List<HistoryEvent> events) {
        if (events.isEmpty()) {
            return -1;
        }
        String write = Long.toHexString(ProcessHandle.current().pid()) + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong());
        try {
            StringBuilder text = new StringBuilder();
            for (HistoryEvent e : events) {
                text.append(StateCodec.encodeEvent(e, write)).append('\n');
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
    void cut(long length) {
        if (length < 0) {
            return;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
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
        return text != null && StateCodec.isEvent(text) ? -1 : lineStart;
    }
}
