package dev.rollout.metrics.csv;

import dev.rollout.RolloutException;
import dev.rollout.RolloutException.Location;
import dev.rollout.metrics.Cells;
import org.apache.commons.csv.CSVRecord;

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
    private CSVRecord record;
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
        return record.size();
    }

    @Override
    public String text(int column) {
        return record.get(column).trim();
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
        return endLine - lineBreaks(record.size());
    }

    /** The line on which the cell at {@code column} starts. */
    long lineOf(int column) {
        return line() + lineBreaks(Math.min(column, record.size()));
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
