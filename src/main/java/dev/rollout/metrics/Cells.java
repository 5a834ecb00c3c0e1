package dev.rollout.metrics;

import dev.rollout.ControlCharacters;
import dev.rollout.RolloutException;

/**
 * The current row as the accumulators read it, whatever it came from: a CSV record today,
 * a JSON line or a JDBC row tomorrow. Cells are addressed by index (a source resolves names
 * to indices once, before the first row); missing cells follow one rule for every source,
 * defined here over {@link #text}, {@link #isMissing} and {@link #error}.
 *
 * <p>A source moves one instance from row to row, so reading creates no object per row; in a
 * run only one implementation is on the hot path, which keeps these calls monomorphic.
 */
public interface Cells {

    /** The cell without surrounding blanks: exports often pad with spaces after the separator. */
    String text(int column);

    /** Whether {@code cell} (trimmed) is one of data.missing's words. */
    boolean isMissing(String cell);

    /** An input error at the cell in {@code column} (0-based) of this row, naming where the row came from. */
    RolloutException error(int column, String message);

    /** The row's time in epoch seconds, for {@code last}; the same for every row when there is no timestamp column. */
    long seconds();

    /** The nanoseconds of {@link #seconds()}. */
    int nanos();

    /**
     * A small non-negative number for the text of {@code column}, the same for every cell with
     * the same text that this object hands out (and only for those), or -1 when it has none: an
     * accumulator may keep what it made of a text by its code and skip the text next time, as
     * long as it asks the same object. Nothing about missing cells: {@link #label} says those.
     */
    default int code(int column) {
        return -1;
    }

    /** The label in {@code column}, null when the cell is one of data.missing's words: a label "NA" stays a label unless listed. */
    default String label(int column) {
        String cell = text(column);
        return isMissing(cell) ? null : cell;
    }

    /** The number in {@code column}; NaN for a missing cell: a data.missing word, empty, or NaN in any case. */
    default double number(int column) {
        String cell = text(column);
        if (isMissing(cell)) {
            return CellText.MISSING;
        }
        try {
            return CellText.number(cell);
        } catch (NumberFormatException e) {
            throw error(column, quoted(cell) + " " + e.getMessage());
        }
    }

    /** 1 or 0 for {@code rate}'s 1/0, true/false, yes/no; NaN for a missing cell. */
    default double truthy(int column) {
        String cell = text(column);
        if (isMissing(cell)) {
            return CellText.MISSING;
        }
        try {
            return CellText.truthy(cell);
        } catch (NumberFormatException e) {
            throw error(column, quoted(cell) + " " + e.getMessage());
        }
    }

    /** Text from an input, fit for a one-line message: at most 40 characters, control characters escaped. */
    static String shown(String s) {
        return ControlCharacters.escaped(s.length() <= 40 ? s : s.substring(0, 40) + "…");
    }

    /** {@link #shown} in single quotes. */
    static String quoted(String s) {
        return "'" + shown(s) + "'";
    }
}
