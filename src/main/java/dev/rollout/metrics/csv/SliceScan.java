package dev.rollout.metrics.csv;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
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
     * failed.
     */
    static void rows(byte[] b, int from, int to, char delimiter, RowRouter router, Part part, Row row, BooleanSupplier stop) {
        int columns = router.names().size();
        int[] bounds = new int[2 * columns];
        long[] time = new long[2];
        byte d = (byte) delimiter;
        int i = from;
        while (i < to) {
            int lineStart = i;
            int fieldStart = i;
            int n = 0;
            boolean high = false;
            int end;
            while (true) {
                if (i == to) {
                    end = to;
                    break;
                }
                byte c = b[i];
                if (c == d) {
                    if (n == columns) {
                        throw new Doubt("more fields than the header");
                    }
                    trim(b, fieldStart, i, bounds, n++);
                    fieldStart = ++i;
                    continue;
                }
                if ((c & 0xff) <= '"') {
                    if (c == '\n') {
                        end = i++;
                        break;
                    }
                    if (c == '\r') {
                        // CRLF ends a line as LF does; a lone CR ends a record for the parser: not plain.
                        if (i + 1 == to || b[i + 1] == '\n') {
                            end = i;
                            i += i + 1 == to ? 1 : 2;
                            break;
                        }
                        throw new Doubt("a carriage return inside a line");
                    }
                    if (c == '"' || c == 0) {
                        throw new Doubt("a quote or a NUL byte");
                    }
                } else if (c < 0) {
                    high = true;
                }
                i++;
            }
            if (end == lineStart) {
                continue; // an empty line, which the parser skips
            }
            if (end - lineStart > ExportStream.MAX_RECORD_CHARS / 2) {
                throw new Doubt("a very long line"); // near the one pass's limit, which counts approximately
            }
            if (n == columns) {
                throw new Doubt("more fields than the header");
            }
            trim(b, fieldStart, end, bounds, n++);
            if (high) {
                requireUtf8(b, lineStart, end);
            }
            if (n != columns) {
                if (n == 1 && columns > 1 && new String(b, lineStart, end - lineStart, StandardCharsets.UTF_8).isBlank()) {
                    continue; // a line of only spaces, skipped as the one pass skips it
                }
                throw new Doubt("a row with too few fields");
            }
            row.set(b, bounds, n);
            part.dataRows++;
            router.accept(row, time, part);
            if ((part.dataRows & 1023) == 0 && stop.getAsBoolean()) {
                throw new CancellationException("another chunk failed"); // a partial result must never look whole
            }
        }
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
