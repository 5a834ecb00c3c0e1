package dev.rollout.metrics.csv;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * The chunked read's parser: the rows of a chunk's bytes, each field a slice of them, no
 * String per cell and no second pass for NUL bytes. It knows only what a plain export is
 * (unquoted fields, the spec's single-byte delimiter, LF or CRLF line ends, UTF-8) and throws
 * {@link Doubt} at anything else, and the row's own errors for a bad cell: either way the
 * chunk fails and the file is read again in one pass (Commons CSV), which words the error
 * with its line and column. So every row it does read is read as that pass reads it.
 */
final class SliceScan {

    /** This chunk is not plain: read the file in one pass instead. */
    static final class Doubt extends RuntimeException {
        Doubt(String why) {
            super(why, null, false, false);
        }
    }

    /** A chunk's bytes read eight at a time, as one little-endian word (also {@link Row#is}'s). */
    static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long LOWS = 0x7f7f7f7f7f7f7f7fL;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long QUOTES = ONES * '"';
    private static final long SEVENS = ONES * 0x07;
    private static final long FIFTEENS = ONES * 0x0F;

    /** About how many bytes one call of {@link #slice} scans. */
    private static final int SLICE = 1 << 16;

    private static final double[] POWERS_OF_TEN = new double[23];

    static {
        double p = 1;
        for (int i = 0; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = p; // 10^22 is the largest power of ten that a double holds exactly
            p *= 10;
        }
    }

    private SliceScan() {
    }

    /**
     * Feeds every row of {@code b[from, to)} — whole lines, the last one may lack its line
     * feed — to {@code router} into {@code part}; {@code stop} ends it early when another chunk
     * failed. Eight bytes at a time: one word gives the positions of its delimiters and line
     * ends as bits, and tells at once whether it holds a quote, a NUL or a byte above 127, so a
     * plain line costs a few operations per word and one per field, not a test per byte.
     */
    static void rows(byte[] b, int from, int to, char delimiter, RowRouter router, Part part, Row row, BooleanSupplier stop) {
        if (b.length - to < 8) {
            // The words below are read whole, the last one up to eight bytes past the end: an array that ends
            // there (rare: the chunk buffers have room) is read from a copy with line feeds after the end.
            byte[] room = new byte[to - from + 8];
            System.arraycopy(b, from, room, 0, to - from);
            Arrays.fill(room, to - from, room.length, (byte) '\n');
            b = room;
            to -= from;
            from = 0;
        }
        // In slices of whole lines, each one call: a loop that runs a whole chunk in one call is compiled while it
        // runs (on-stack replacement) from a profile that never saw it end, and traps and compiles again at its end.
        // Between slices, not per row, it looks whether another chunk failed: a branch in the row loop that a normal
        // run takes every 1,024 rows was compiled as never taken when the first profile missed it, and trapped.
        for (int start = from; start < to; ) {
            if (stop.getAsBoolean()) {
                throw new CancellationException("another chunk failed"); // a partial result must never look whole
            }
            int end = start + SLICE >= to ? to : lineEnd(b, start + SLICE, to);
            slice(b, start, end, delimiter, router, part, row);
            start = end;
        }
    }

    /** The byte after the first line feed at or after {@code at}, or {@code to}. */
    private static int lineEnd(byte[] b, int at, int to) {
        for (int i = at; i < to; i++) {
            if (b[i] == '\n') {
                return i + 1;
            }
        }
        return to;
    }

    private static void slice(byte[] b, int from, int to, char delimiter, RowRouter router, Part part, Row row) {
        int columns = router.names().size();
        int[] bounds = new int[2 * columns];
        long[] time = new long[2];
        byte d = (byte) delimiter;
        long delimiters = ONES * (delimiter & 0xff);
        // A NUL delimiter (the spec allows any one character but a quote or a line break) is a delimiter, not a doubt.
        long nuls = d == 0 ? 0 : -1L;
        int lineStart = from;
        int fieldStart = from;
        int n = 0;
        // The byte after the last byte above 127 in the blocks before this one: a line that starts before it is checked
        // as UTF-8 (so is one with such a byte in this block, see highBits).
        int highTo = Integer.MIN_VALUE;
        // The line feed of a CRLF whose carriage return has ended the line already.
        int skip = -1;
        // Sixty-four bytes at a time: their delimiters and line ends become one bit each in a long, walked by one loop,
        // whose end (mispredicted once as a rule: how many bits a block holds varies) comes once per block, not per word.
        for (int b0 = from; b0 < to; b0 += 64) {
            long mask = 0;
            // The block's bytes above 127, one bit each; zero in a file of ASCII.
            long highBits = 0;
            int words = Math.min(8, (to - b0 + 7) >>> 3);
            for (int j = 0; j < words; j++) {
                int w0 = b0 + (j << 3);
                // The whole word, even past the slice's end (rows() sees that eight bytes follow it): the bytes there
                // are the next slice's or a buffer's rest, whose bits are cleared from the block's mask below and whose
                // quotes and high bytes count only after the exact check in the rare branch.
                long w = (long) LONGS.get(b, w0);
                long q = w ^ QUOTES;
                // Zero unless a byte is a quote, a NUL (when NUL is not the delimiter) or above 127: exact as a whole.
                if ((((q - ONES) & ~q | (w - ONES) & ~w & nuls | w) & HIGHS) != 0) {
                    long valid = -1L >>> (Math.max(0, w0 + 8 - to) << 3);
                    if (((bytes(w, QUOTES) | bytes(w, 0) & nuls) & valid) != 0) {
                        throw new Doubt("a quote or a NUL byte");
                    }
                    highBits |= gather(w & HIGHS & valid) << (j << 3);
                }
                // The delimiters and the bytes 0x08 to 0x0F (LF and CR among them) as high bits, exact per byte: a
                // byte is one when w ^ delimiters or (w | 7) ^ 0x0F is zero there, and either test's zero clears its bit.
                long x = w ^ delimiters;
                long y = (w | SEVENS) ^ FIFTEENS;
                mask |= gather(~((((x & LOWS) + LOWS | x) & ((y & LOWS) + LOWS | y)) | LOWS)) << (j << 3);
            }
            // Not the bytes past the slice's end, without a branch: one that the last block of every slice takes was
            // compiled as never taken when the first profile missed it, and trapped (b0 < to, so the shift is below 64).
            mask &= -1L >>> Math.max(0, b0 + 64 - to);
            while (mask != 0) {
                int p = b0 + Long.numberOfTrailingZeros(mask);
                mask &= mask - 1;
                byte c = b[p];
                if (c == d) {
                    if (n == columns) {
                        throw new Doubt("more fields than the header");
                    }
                    trim(b, fieldStart, p, bounds, n++);
                    fieldStart = p + 1;
                    continue;
                }
                if (c != '\n' && c != '\r') {
                    continue; // a tab, a form feed …: a byte of the field, which trim() may cut
                }
                int next = p + 1;
                if (c == '\r') {
                    // CRLF ends a line as LF does; a lone CR ends a record for the parser: not plain.
                    if (next < to) {
                        if (b[next] != '\n') {
                            throw new Doubt("a carriage return inside a line");
                        }
                        skip = next++;
                    }
                } else if (p == skip) {
                    continue;
                }
                if (p != lineStart) {
                    // This block's bytes above 127 before p count as well.
                    long before = highBits & (1L << (p - b0)) - 1;
                    int high = before == 0 ? highTo : b0 + 64 - Long.numberOfLeadingZeros(before);
                    line(b, lineStart, fieldStart, p, n, columns, bounds, high, router, part, row, time);
                }
                n = 0;
                lineStart = next;
                fieldStart = next;
            }
            if (highBits != 0) {
                highTo = b0 + 64 - Long.numberOfLeadingZeros(highBits);
            }
        }
        if (lineStart < to) {
            line(b, lineStart, fieldStart, to, n, columns, bounds, highTo, router, part, row, time);
        }
    }

    /**
     * Ends the line {@code b[lineStart, end)} (not empty: the parser skips an empty line), whose
     * last field starts at {@code fieldStart} after {@code n} fields, and feeds it to the router.
     */
    private static void line(byte[] b, int lineStart, int fieldStart, int end, int n, int columns, int[] bounds, int highTo,
                             RowRouter router, Part part, Row row, long[] time) {
        if (end - lineStart > ExportStream.MAX_RECORD_CHARS / 2) {
            throw new Doubt("a very long line"); // near the one pass's limit, which counts approximately
        }
        if (n == columns) {
            throw new Doubt("more fields than the header");
        }
        trim(b, fieldStart, end, bounds, n++);
        if (highTo > lineStart) {
            requireUtf8(b, lineStart, end);
        }
        if (n != columns) {
            if (n == 1 && columns > 1 && new String(b, lineStart, end - lineStart, StandardCharsets.UTF_8).isBlank()) {
                return; // a line of only spaces, skipped as the one pass skips it
            }
            throw new Doubt("a row with too few fields");
        }
        row.set(b, bounds, n);
        part.dataRows++;
        router.accept(row, time, part);
    }

    /** The high bits of {@code bits}'s bytes (all its other bits clear) as the eight low bits, byte i's as bit i: a multiplication puts each in place. */
    private static long gather(long bits) {
        return (bits >>> 7) * 0x0102040810204080L >>> 56;
    }

    /** The bytes of {@code word} equal to the byte {@code eight} repeats, as their high bits: exact, no carries between bytes. */
    private static long bytes(long word, long eight) {
        long x = word ^ eight;
        return ~(((x & LOWS) + LOWS) | x | LOWS);
    }

    /** Field {@code f}'s bounds without the blanks around it, as String.trim() cuts them (every char up to U+0020). */
    private static void trim(byte[] b, int from, int to, int[] bounds, int f) {
        while (from < to && (b[from] & 0xff) <= ' ') {
            from++;
        }
        while (to > from && (b[to - 1] & 0xff) <= ' ') {
            to--;
        }
        bounds[2 * f] = from;
        bounds[2 * f + 1] = to;
    }

    private static void requireUtf8(byte[] b, int from, int to) {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b, from, to - from));
        } catch (CharacterCodingException e) {
            throw new Doubt("not UTF-8");
        }
    }

    /**
     * The value of a plain decimal {@code [+-]digits[.digits]} of at most 15 digits, NaN for
     * anything else (an exponent, more digits), which the cell's text rules then read. Exact:
     * the digits as an integer and the power of ten are both doubles without rounding, and one
     * IEEE division rounds correctly, as the text parser does.
     */
    static double exactDecimal(byte[] b, int from, int to) {
        int length = to - from;
        if (length >= 1 & length <= 8 && b.length >= 8) {
            double v = shortDecimal(b, from, length);
            if (v == v) {
                return v;
            }
        }
        return anyDecimal(b, from, to);
    }

    private static final long ZEROS = ONES * '0';
    private static final long POINTS = ONES * '.';

    /**
     * {@link #exactDecimal} of a cell of one to eight bytes without a sign, as one word and no
     * branch per character: the point found as a bit and taken out, every byte left checked to
     * be a digit at once, the digits made an integer by three multiplications (the eight-digit
     * method of simdjson and Lemire's "fast_float"). The same integer and the same division as
     * the loop, so the same bits; NaN for anything else, which the loop then reads.
     */
    static double shortDecimal(byte[] b, int from, int length) {
        int base = Math.min(from, b.length - 8);
        long valid = -1L >>> ((8 - length) << 3);
        long w = ((long) LONGS.get(b, base) >>> ((from - base) << 3)) & valid;
        long points = bytes(w, POINTS) & valid;
        // No branch on whether there is a point (a column's rare integer would make the compiled row path trap):
        // without one, at is 8, every byte is "before" it and nothing moves.
        int at = Long.numberOfTrailingZeros(points) >>> 3;
        int point = (int) ((points | -points) >>> 63);
        long below = -1L >>> ((8 - at) << 3) & -(long) Math.min(at, 1); // the bytes before the point; none when at is 0
        w = w & below | (w >>> 8) & ~below;
        int digits = length - point;
        int fraction = (digits - at) * point;
        long lanes = -1L >>> ((8 - digits) << 3) & -(long) Math.min(digits, 1);
        // A lane holds a digit when neither byte - '0' nor byte + 0x46 sets its high bit (no false "digit").
        if (digits == 0 || (((w + 0x4646464646464646L) | (w - ZEROS)) & HIGHS & lanes) != 0) {
            return Double.NaN;
        }
        long v = (w - (ZEROS & lanes)) << ((8 - digits) << 3); // the first digit the most significant, zeros before it
        v = v * 10 + (v >>> 8);
        v = ((v & 0x000000FF000000FFL) * (100 + (1000000L << 32)) + ((v >>> 16) & 0x000000FF000000FFL) * (1 + (10000L << 32))) >>> 32;
        return v / POWERS_OF_TEN[fraction];
    }

    /** {@link #exactDecimal} of any cell, character by character. */
    static double anyDecimal(byte[] b, int from, int to) {
        int i = from;
        boolean negative = false;
        if (i < to && (b[i] == '+' || b[i] == '-')) {
            negative = b[i] == '-';
            i++;
        }
        long mantissa = 0;
        int digits = 0;
        int fraction = 0;
        boolean point = false;
        for (; i < to; i++) {
            int c = b[i] - '0';
            if (c >= 0 && c <= 9) {
                mantissa = mantissa * 10 + c;
                digits++;
                if (point) {
                    fraction++;
                }
            } else if (b[i] == '.' && !point) {
                point = true;
            } else {
                return Double.NaN;
            }
        }
        if (digits == 0 || digits > 15) {
            return Double.NaN;
        }
        double v = mantissa / POWERS_OF_TEN[fraction];
        return negative ? -v : v;
    }
}
