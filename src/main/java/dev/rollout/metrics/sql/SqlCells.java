package dev.rollout.metrics.sql;

import dev.rollout.RolloutException;
import dev.rollout.RolloutException.Location;
import dev.rollout.metrics.CellText;
import dev.rollout.metrics.Cells;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * The current row of a JDBC result as the accumulators read it. A SQL NULL is missing in every
 * column; a number column's value is read as a double (a NaN is missing, as in a CSV cell); a
 * text column follows the CSV rules, data.missing's words included. The row is copied out of the
 * result set once, so the accumulators read plain fields.
 */
final class SqlCells implements Cells {

    private final String where;
    private final List<String> names;
    private final int[] resultColumns;
    private final boolean[] numeric;
    private final List<String> missingWords;
    private final String[] text;
    private final boolean[] nulls;
    private final double[] numbers;
    private long row;
    private long seconds;
    private int nanos;

    /**
     * @param where         the source as errors name it
     * @param names         the cells' column names, for errors
     * @param resultColumns each cell's 1-based column in the result set
     * @param numeric       whether each cell is read as a double rather than as text
     */
    SqlCells(String where, List<String> names, int[] resultColumns, boolean[] numeric, List<String> missingWords) {
        this.where = where;
        this.names = List.copyOf(names);
        this.resultColumns = resultColumns.clone();
        this.numeric = numeric.clone();
        this.missingWords = List.copyOf(missingWords);
        text = new String[resultColumns.length];
        nulls = new boolean[resultColumns.length];
        numbers = new double[resultColumns.length];
    }

    /** Copies the current row of {@code rs}. */
    void load(ResultSet rs) throws SQLException {
        row++;
        for (int i = 0; i < resultColumns.length; i++) {
            if (numeric[i]) {
                numbers[i] = rs.getDouble(resultColumns[i]);
                nulls[i] = rs.wasNull();
                text[i] = nulls[i] ? "" : Double.toString(numbers[i]);
            } else {
                String s = rs.getString(resultColumns[i]);
                nulls[i] = s == null;
                text[i] = s == null ? "" : s.trim();
            }
        }
    }

    void time(long epochSeconds, int nanoOfSecond) {
        seconds = epochSeconds;
        nanos = nanoOfSecond;
    }

    boolean isNull(int column) {
        return nulls[column];
    }

    @Override
    public String text(int column) {
        return text[column];
    }

    @Override
    public boolean isMissing(String cell) {
        return missingWords.contains(cell);
    }

    @Override
    public String label(int column) {
        return nulls[column] ? null : Cells.super.label(column);
    }

    @Override
    public double number(int column) {
        if (nulls[column]) {
            return CellText.MISSING;
        }
        return numeric[column] ? numbers[column] : Cells.super.number(column);
    }

    @Override
    public double truthy(int column) {
        if (nulls[column]) {
            return CellText.MISSING;
        }
        if (!numeric[column]) {
            return Cells.super.truthy(column);
        }
        double v = numbers[column];
        if (v == 1 || v == 0 || Double.isNaN(v)) {
            return v;
        }
        throw error(column, text[column] + " is not 1/0, true/false or yes/no");
    }

    @Override
    public RolloutException error(int column, String message) {
        return RolloutException.input(Location.of(where, 0, 0, "column " + names.get(column)), "row " + row + " of the result: " + message);
    }

    @Override
    public long seconds() {
        return seconds;
    }

    @Override
    public int nanos() {
        return nanos;
    }
}
