package dev.rollout.metrics;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The contract's rows ({@link MetricSourceContract#HEADER}) as a table of a real engine: every
 * column as text, as an export has them, or typed as a warehouse would hold them — a timestamp,
 * integers for 1/0 and class ids, doubles for numbers, and NULL wherever the export's cell is
 * missing (one of the contract's data.missing words).
 */
final class SqlTables {

    /** The contract spec's missing words. */
    static final List<String> MISSING = List.of("", "NaN", "nan", "NA");

    private SqlTables() {
    }

    static void text(Connection c, String table, List<List<String>> rows) throws SQLException {
        StringBuilder ddl = new StringBuilder("CREATE TABLE " + table + " (");
        for (int i = 0; i < MetricSourceContract.HEADER.size(); i++) {
            ddl.append(i == 0 ? "" : ", ").append('"').append(MetricSourceContract.HEADER.get(i)).append("\" varchar");
        }
        exec(c, ddl.append(')').toString());
        insert(c, table, rows, false);
    }

    /** {@code timestamptz} is {@code timestamp with time zone} in both PostgreSQL and DuckDB. */
    static void typed(Connection c, String table, List<List<String>> rows) throws SQLException {
        exec(c, "CREATE TABLE " + table + " (ts timestamptz, v varchar, latency double precision, ok integer, cls varchar,"
                + " pred varchar, lbl integer, score double precision, y double precision, yhat double precision)");
        insert(c, table, rows, true);
    }

    private static final int[] TYPES = {Types.TIMESTAMP_WITH_TIMEZONE, Types.VARCHAR, Types.DOUBLE, Types.INTEGER,
            Types.VARCHAR, Types.VARCHAR, Types.INTEGER, Types.DOUBLE, Types.DOUBLE, Types.DOUBLE};

    private static void insert(Connection c, String table, List<List<String>> rows, boolean typed) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (PreparedStatement s = c.prepareStatement("INSERT INTO " + table + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (List<String> row : rows) {
                for (int i = 0; i < row.size(); i++) {
                    String cell = row.get(i);
                    if (!typed) {
                        s.setString(i + 1, cell);
                    } else if (MISSING.contains(cell.trim())) {
                        s.setNull(i + 1, TYPES[i]);
                    } else {
                        switch (TYPES[i]) {
                            case Types.TIMESTAMP_WITH_TIMEZONE -> s.setObject(i + 1, OffsetDateTime.ofInstant(Instant.parse(cell), ZoneOffset.UTC));
                            case Types.DOUBLE -> s.setDouble(i + 1, Double.parseDouble(cell.trim()));
                            case Types.INTEGER -> s.setInt(i + 1, Integer.parseInt(cell.trim()));
                            default -> s.setString(i + 1, cell);
                        }
                    }
                }
                s.addBatch();
            }
            s.executeBatch();
        }
        c.commit();
        c.setAutoCommit(auto);
    }

    static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
