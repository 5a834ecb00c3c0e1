package dev.rollout.metrics.csv;

import dev.rollout.RolloutException;
import dev.rollout.RolloutException.Location;
import dev.rollout.metrics.CellText;
import dev.rollout.metrics.Cells;
import org.apache.commons.csv.CSVRecord;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The current record of one CSV export as {@link Cells}: trimmed cells, numbers that fail
 * with the file, line and column in the message, and the row's time. One per file (per
 * chunk), moved from record to record, so reading creates no object per row of its own.
 */
final class Row implements Cells {

    private final String file;
    private final List<String> header;
    /** data.missing: cell texts that mean no value; a handful, compared one by one. */
    private final String[] missing;
    /**
     * Bit n set when a missing word has n characters (63: any longer): most cells are then told
     * apart from every word by their length alone, one test per cell on the hot path.
     */
    private final long missingLengths;
    /** data.missing's words in UTF-8, for cells that are byte slices. */
    private final byte[][] missingBytes;
    /** {@link #missingLengths} in bytes. */
    private final long missingByteLengths;
    /** Whether a word of data.missing is itself a plain decimal, as {@link SliceScan#exactDecimal} reads one. */
    private final boolean decimalMissing;
    private CSVRecord record;
    /**
     * A row of the chunked read instead of a record: its line's bytes and, per field, the
     * trimmed bounds {@code [bounds[2f], bounds[2f + 1])}. Its errors never reach a person: a
     * chunk that fails is read again in one pass, which knows the line.
     */
    private byte[] bytes;
    private int[] bounds;
    private int fields;
    private Labels labels;
    private long endLine;
    private long seconds;
    private int nanos;

    Row(String file, List<String> header, List<String> missing) {
        this.file = file;
        this.header = header;
        this.missing = missing.toArray(String[]::new);
        long lengths = 0;
        for (String word : this.missing) {
            lengths |= 1L << Math.min(word.length(), 63);
        }
        this.missingLengths = lengths;
        this.missingBytes = missing.stream().map(w -> w.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
        long byteLengths = 0;
        for (byte[] word : missingBytes) {
            byteLengths |= 1L << Math.min(word.length, 63);
        }
        this.missingByteLengths = byteLengths;
        boolean decimal = false;
        for (byte[] word : missingBytes) {
            decimal |= !Double.isNaN(SliceScan.exactDecimal(word, 0, word.length));
        }
        this.decimalMissing = decimal;
    }

    /** A row over byte slices, for the chunked read (see {@link SliceScan}). */
    static Row sliced(String file, List<String> header, List<String> missing) {
        Row row = new Row(file, header, missing);
        row.labels = new Labels();
        return row;
    }

    /** Moves to the line in {@code b} whose {@code n} fields have the trimmed bounds {@code fieldBounds}. */
    void set(byte[] b, int[] fieldBounds, int n) {
        this.bytes = b;
        this.bounds = fieldBounds;
        this.fields = n;
    }

    /** Moves to {@code r}, whose last physical line is {@code endLine}. */
    void set(CSVRecord r, long endLine) {
        this.record = r;
        this.endLine = endLine;
    }

    void time(long epochSeconds, int nanoOfSecond) {
        this.seconds = epochSeconds;
        this.nanos = nanoOfSecond;
    }

    @Override
    public long seconds() {
        return seconds;
    }

    @Override
    public int nanos() {
        return nanos;
    }

    int size() {
        return labels != null ? fields : record.size();
    }

    @Override
    public String text(int column) {
        if (labels != null) {
            // A label, a variant: the same few texts on every row, handed out as one String each.
            return labels.text(bytes, bounds[2 * column], bounds[2 * column + 1]);
        }
        return record.get(column).trim();
    }

    @Override
    public int code(int column) {
        return labels != null ? labels.code(bytes, bounds[2 * column], bounds[2 * column + 1]) : -1;
    }

    /**
     * A text a cell is compared with by {@link #is} (a variant's value): its UTF-8, and that
     * UTF-8's first eight bytes as one little-endian word, zeros after its end.
     */
    record Expected(String text, byte[] utf8, long word) {
        static Expected of(String text) {
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            long w = 0;
            for (int i = Math.min(8, utf8.length) - 1; i >= 0; i--) {
                w = w << 8 | (utf8[i] & 0xff);
            }
            return new Expected(text, utf8, w);
        }
    }

    /**
     * Whether the cell in {@code column} is {@code expected}: a variant's value, without a
     * String. Up to eight bytes as one word, for a chunk's bytes are followed by eight more (see
     * {@link SliceScan#rows}).
     */
    boolean is(int column, Expected expected) {
        if (labels == null) {
            return text(column).equals(expected.text());
        }
        byte[] utf8 = expected.utf8();
        int from = bounds[2 * column];
        int length = bounds[2 * column + 1] - from;
        if (length != utf8.length) {
            return false;
        }
        if (length > 0 && length <= 8) {
            return ((((long) SliceScan.LONGS.get(bytes, from)) ^ expected.word()) & -1L >>> ((8 - length) << 3)) == 0;
        }
        // A loop of its own, not Arrays.equals: a variant's value is a few bytes, and the JDK's range checks and
        // its call to the vectorized mismatch cost 15 ns a row (async-profiler, the benchmark's two variants).
        int differ = 0;
        for (int i = 0; i < utf8.length; i++) {
            differ |= bytes[from + i] ^ utf8[i];
        }
        return differ == 0;
    }

    @Override
    public String label(int column) {
        if (labels == null) {
            return Cells.super.label(column);
        }
        int from = bounds[2 * column];
        int to = bounds[2 * column + 1];
        return isMissing(from, to) ? null : labels.text(bytes, from, to);
    }

    @Override
    public double number(int column) {
        if (labels != null) {
            int from = bounds[2 * column];
            int to = bounds[2 * column + 1];
            double d = SliceScan.exactDecimal(bytes, from, to);
            // A plain decimal is one of data.missing's words only if one of them is a plain decimal (-999); by
            // default none is, and the cell needs no look at them (a rarely taken branch there made the compiled
            // row path trap and compile again).
            if (d == d & !decimalMissing) {
                return d;
            }
            if (from == to || isMissing(from, to)) {
                return CellText.MISSING;
            }
            if (d == d) {
                return d;
            }
        }
        return Cells.super.number(column); // the rules on the text: NaN, exponents, long mantissas, errors
    }

    /** Whether the slice {@code [from, to)} is one of data.missing's words. */
    private boolean isMissing(int from, int to) {
        int length = to - from;
        if ((missingByteLengths & 1L << Math.min(length, 63)) == 0) {
            return false;
        }
        for (byte[] word : missingBytes) {
            if (word.length == length && Arrays.equals(word, 0, length, bytes, from, to)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean isMissing(String cell) {
        if ((missingLengths & 1L << Math.min(cell.length(), 63)) == 0) {
            return false;
        }
        for (String word : missing) {
            if (word.equals(cell)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The line a person sees the record start on in an editor (the header is line 1). The
     * parser counts line breaks as it goes, quoted ones included; it has just read the record's
     * last line, so the start is that minus the line breaks inside the record's fields.
     * Computed only for an error.
     */
    long line() {
        if (labels != null) {
            return 0; // a chunk's row: never shown, see bytes
        }
        return endLine - lineBreaks(record.size());
    }

    /** The line on which the cell at {@code column} starts. */
    long lineOf(int column) {
        return labels != null ? 0 : line() + lineBreaks(Math.min(column, record.size()));
    }

    private long lineBreaks(int columns) {
        long breaks = 0;
        for (int c = 0; c < columns; c++) {
            String v = record.get(c);
            for (int i = 0; i < v.length(); i++) {
                char ch = v.charAt(i);
                // CRLF is one line break, as the parser counts it.
                if (ch == '\n' && (i == 0 || v.charAt(i - 1) != '\r') || ch == '\r') {
                    breaks++;
                }
            }
        }
        return breaks;
    }

    @Override
    public RolloutException error(int column, String message) {
        // A column past the header (a long ragged row) has a number but no name.
        String name = column < header.size() ? "column " + Cells.shown(header.get(column)) : null;
        return RolloutException.input(Location.of(file, (int) Math.min(lineOf(column), Integer.MAX_VALUE), column + 1, name),
                message);
    }
}
