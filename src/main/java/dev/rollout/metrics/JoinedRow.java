package dev.rollout.metrics;

import dev.rollout.RolloutException;

/**
 * A prediction row with its late label standing in at the key's column: an accumulator that
 * reads its actual label from {@code columns[0]} reads the label, every other cell as it is.
 * One instance per lane, moved from row to row like the row itself.
 */
final class JoinedRow implements Cells {

    private Cells row;
    private int keyColumn;
    private String label;

    JoinedRow set(Cells row, int keyColumn, String label) {
        this.row = row;
        this.keyColumn = keyColumn;
        this.label = label;
        return this;
    }

    @Override
    public String text(int column) {
        return column == keyColumn ? label : row.text(column);
    }

    @Override
    public boolean isMissing(String cell) {
        return row.isMissing(cell);
    }

    @Override
    public RolloutException error(int column, String message) {
        return row.error(column, column == keyColumn ? "the label of this row's key: " + message : message);
    }

    @Override
    public long seconds() {
        return row.seconds();
    }

    @Override
    public int nanos() {
        return row.nanos();
    }
}
