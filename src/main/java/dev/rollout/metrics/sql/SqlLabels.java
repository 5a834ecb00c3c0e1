package dev.rollout.metrics.sql;

import dev.rollout.metrics.Labels;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The late labels in one relation (a Parquet file, a sql source's query): its key and label
 * columns streamed row by row into the labels being read. Both are cast to text in the engine
 * and read by {@link SqlCells}, as the row path reads a label column, so an INT label 1 joins
 * and compares as {@code 1}, like the CSV file's {@code 1}, and a SQL NULL label is no label.
 */
final class SqlLabels {

    private SqlLabels() {
    }

    /** What was read: rows, and the SQL sent in order (its SHA-256 is a query's provenance). */
    record Read(long rows, List<String> queries) {
        String sent() {
            return String.join(";\n", queries);
        }
    }

    /**
     * Reads {@code relation} into {@code into}.
     *
     * @param where          the relation as errors name it: a Parquet file's path, {@code source NAME}
     * @param timeoutSeconds the statement timeout; 0 for none
     */
    static Read read(Connection c, Dialect dialect, String where, String relation, Labels.Builder into, int timeoutSeconds)
            throws SQLException {
        List<String> queries = new ArrayList<>();
        String probe = "SELECT * FROM " + relation + " q WHERE 1 = 0";
        queries.add(probe);
        List<String> columns = new ArrayList<>();
        try (PreparedStatement s = prepare(c, probe, timeoutSeconds); ResultSet rs = s.executeQuery()) {
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                columns.add(md.getColumnLabel(i));
            }
        }
        String lookedIn = "the columns of " + where + " (" + String.join(", ", columns) + ")";
        into.column(columns, into.key(), "data.labels.key", where, 0, lookedIn);
        into.column(columns, into.actual(), "data.labels.actual", where, 0, lookedIn);
        String sql = "SELECT " + dialect.text(Dialect.quoted(into.key())) + ", " + dialect.text(Dialect.quoted(into.actual()))
                + " FROM " + relation + " q";
        queries.add(sql);
        SqlCells cells = new SqlCells(where, List.of(into.key(), into.actual()), new int[] {1, 2}, new boolean[] {false, false},
                List.of());
        int input = into.begin(where, Labels.Unit.ROW);
        long rows = 0;
        try (PreparedStatement s = prepare(c, sql, timeoutSeconds); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                cells.load(rs);
                into.add(input, cells.text(0), cells.isNull(1) ? null : cells.text(1), ++rows);
            }
        }
        return new Read(rows, queries);
    }

    private static PreparedStatement prepare(Connection c, String sql, int timeoutSeconds) throws SQLException {
        // Forward only, fetched in batches: the labels stream through, only the key → label map is held.
        PreparedStatement s = c.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
        if (timeoutSeconds > 0) {
            s.setQueryTimeout(timeoutSeconds);
        }
        s.setFetchSize(10_000);
        return s;
    }
}
