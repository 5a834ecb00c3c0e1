package dev.rollout.metrics.csv;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a plain export can be cut into chunks that parse on their own. Without a quote
 * character anywhere in the file every line feed ends a record, so a chunk that starts right
 * after one starts a record; with a quote, a line feed may sit inside a quoted field, and the
 * file is read in one pass instead. The chunks' scanner ({@link SliceScan}) is the look at
 * every byte after the header that finds such a quote ({@link #dataStart} looks at the
 * header's): every byte is in one chunk, and a chunk with a quote fails.
 */
final class Chunks {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    /** How far to look for the end of the header line; a longer header is read in one pass. */
    private static final int HEADER_LIMIT = 1 << 20;

    private Chunks() {
    }

    /**
     * The byte at which the data rows begin — right after the header line's line feed — or empty
     * when the header holds a quote, ends in a lone carriage return, is longer than a mebibyte,
     * or is not on the first line (the parser skips empty lines before it; so does the one pass).
     */
    static Optional<Long> dataStart(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(HEADER_LIMIT, Math.max(channel.size(), 1)));
        while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) > 0) {
            // a header longer than the file's first mebibyte is read in one pass
        }
        int start = dataStart(buffer.array(), buffer.position());
        return start < 0 ? Optional.empty() : Optional.of((long) start);
    }

    /** {@link #dataStart(FileChannel)} in the first {@code n} bytes of an export, -1 for none. */
    static int dataStart(byte[] b, int n) {
        int first = n >= 3 && b[0] == (byte) 0xEF && b[1] == (byte) 0xBB && b[2] == (byte) 0xBF ? 3 : 0;
        if (n == first || b[first] == '\n' || b[first] == '\r') {
            return -1;
        }
        boolean afterCr = false;
        for (int i = 0; i < n; i++) {
            if (afterCr && b[i] != '\n') {
                return -1; // old Mac line ends: cutting at line feeds would find none
            }
            if (b[i] == '\n') {
                return i + 1;
            }
            if (b[i] == '"') {
                return -1;
            }
            afterCr = b[i] == '\r';
        }
        return -1; // a header and no line feed at all: nothing to split
    }

    /**
     * Cut points from {@code start} to {@code size}: {@code start}; then, {@code chunk} bytes
     * past the last cut, the byte after the next line feed; ...; and {@code size}. Depends only
     * on the file and {@code chunk}; a line longer than a chunk just makes its chunk longer.
     */
    static long[] cuts(FileChannel channel, long start, long size, long chunk) throws IOException {
        List<Long> cuts = new ArrayList<>();
        cuts.add(start);
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        long last = start;
        int chunks = 0;
        while (size - last > chunk) {
            long length = length(chunk, chunks++);
            long cut = size;
            search:
            for (long p = last + length - 1; p < size; ) {
                buffer.clear();
                int n = channel.read(buffer, p);
                if (n <= 0) {
                    break;
                }
                for (int i = 0; i < n; i++) {
                    if (buffer.get(i) == '\n') {
                        cut = p + i + 1;
                        break search;
                    }
                }
                p += n;
            }
            if (cut >= size) {
                break;
            }
            cuts.add(cut);
            last = cut;
        }
        cuts.add(size);
        return cuts.stream().mapToLong(Long::longValue).toArray();
    }

    /** Chunks before this one are smaller: see {@link #length}. */
    static final int RAMP = 5;
    /** Smaller chunks are never below this (or the chunk size, if less). */
    static final long RAMP_FLOOR = 1 << 16;

    /**
     * The length of chunk {@code n} (from 0): the first {@link #RAMP} are {@code chunk / 32},
     * {@code chunk / 16}, … {@code chunk / 2} (never below {@link #RAMP_FLOOR}), the rest
     * {@code chunk}. So every parsing thread ends its first part, and starts another with fresh
     * accumulators, within its first few thousand rows — while the JIT still profiles the row
     * path, which then compiles with a part's first rows in it instead of trapping at the start of
     * the second part and compiling again (JFR: three compilations of the router's row path, 190 ms
     * of C2, became one).
     */
    static long length(long chunk, int n) {
        return n >= RAMP ? chunk : Math.max(Math.min(chunk, RAMP_FLOOR), chunk >> (RAMP - n));
    }

    /** Adds the file's bytes {@code [from, to)} to {@code sha}: what precedes a chunked file's first row. */
    static void hash(FileChannel channel, long from, long to, MessageDigest sha) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(1 << 16, Math.max(1, to - from)));
        for (long position = from; position < to; ) {
            buffer.clear();
            buffer.limit((int) Math.min(buffer.capacity(), to - position));
            int n = channel.read(buffer, position);
            if (n < 0) {
                throw new IOException("the file ended at byte " + position + ", before " + to);
            }
            sha.update(buffer.array(), 0, n);
            position += n;
        }
    }

    /** Whether {@code b[from, to)} holds a zero byte: every byte of an export is checked, so eight at a time. */
    static boolean hasNul(byte[] b, int from, int to) {
        return has(b, from, to, 0);
    }

    /** Whether {@code b[from, to)} holds the byte that {@code eight} repeats eight times. */
    private static boolean has(byte[] b, int from, int to, long eight) {
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long x = (long) LONGS.get(b, i) ^ eight;
            // A zero byte in x is the byte in b: the classic "has zero byte" test, exact (no false positives).
            if (((x - ONES) & ~x & HIGHS) != 0) {
                return true;
            }
        }
        for (; i < to; i++) {
            if (b[i] == (byte) eight) {
                return true;
            }
        }
        return false;
    }
}
