package dev.rollout.metrics.sql;

import dev.rollout.RolloutException;
import dev.rollout.RolloutException.Location;
import dev.rollout.metrics.Cells;
import dev.rollout.metrics.Cohort;
import dev.rollout.metrics.MeasurePlan;
import dev.rollout.metrics.Tally;
import dev.rollout.metrics.Window;
import dev.rollout.metrics.csv.Timestamps;
import dev.rollout.spec.DataSpec;
import dev.rollout.spec.MetricSpec;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One relation (a user's query, a table, a Parquet file) measured into a {@link Tally}. rollout
 * wraps the relation as a subquery and writes the SQL around it: the window and the variants in
 * a WHERE with bound parameters, column names as quoted identifiers. What the engine can reduce
 * exactly it reduces:
 * <ul>
 * <li>one scan grouped by variant: rows per variant (the other variants' too), and for each number
 * column that needs only totals, {@code count}, {@code sum}, {@code min}, {@code max}, {@code var_samp};</li>
 * <li>per input that needs its cells (labels, label and score, a kept column, 1/0 cells, an actual and
 * a predicted number): the rows grouped by those cells with their counts, which the accumulators take
 * as that many equal rows, so labels, missing words and percentiles follow the CSV rules exactly;</li>
 * <li>anything else ({@code last}, which needs each row's time; a kind of input this class does not
 * know) and any relation whose timestamp is text: the rows themselves, routed as a CSV row is.</li>
 * </ul>
 * Every result is bounded: past {@code maxRows} rows the read stops with an error naming the source.
 */
final class SqlRead {

    /** How the window is applied to the timestamp column. */
    private enum Time { NONE, TIMESTAMP_TZ, TIMESTAMP_LOCAL, EPOCH, TEXT }

    private final Connection connection;
    private final Dialect dialect;
    private final String where;
    private final String relation;
    private final MeasurePlan plan;
    private final Window window;
    private final int timeoutSeconds;
    private final long maxRows;
    private final DataSpec data;
    private final List<String> queries = new ArrayList<>();
    private Map<String, Integer> types;
    private Time time = Time.NONE;

    /**
     * @param where    the source as errors name it ({@code source warehouse}, a Parquet file's path)
     * @param relation the FROM item: a parenthesised query, a quoted table, a table function
     */
    SqlRead(Connection connection, Dialect dialect, String where, String relation, MeasurePlan plan, Window window,
            int timeoutSeconds, long maxRows) {
        this.connection = connection;
        this.dialect = dialect;
        this.where = where;
        this.relation = relation;
        this.plan = plan;
        this.window = window;
        this.timeoutSeconds = timeoutSeconds;
        this.maxRows = maxRows;
        this.data = plan.spec().data();
    }

    /** The SQL sent, parameters as {@code ?}, in order. */
    List<String> queries() {
        return List.copyOf(queries);
    }

    /** Rows counted, for the provenance: those the engine aggregated (in the window) and those of the two variants. */
    record Counts(long rows, long inWindow) {
    }

    /** Reads the relation into {@code tally}. */
    Counts read(Tally tally) {
        try {
            types = columns();
            requireColumns();
            time = data.timestamp().map(c -> timeOf(c, types.get(c))).orElse(Time.NONE);
            // Slices route each row to a lane of its own and late labels join each row by its key and time:
            // neither survives grouping in the engine, so they read the rows.
            if (time == Time.TEXT || data.format() == DataSpec.Format.LONG || !plan.sliceBy().isEmpty()
                    || plan.join().isPresent()) {
                return rows(tally, allInputs(), true);
            }
            List<Integer> totals = new ArrayList<>();
            List<Integer> grouped = new ArrayList<>();
            List<Integer> rowwise = new ArrayList<>();
            for (int i = 0; i < plan.inputs().size(); i++) {
                MeasurePlan.Input input = plan.inputs().get(i);
                if (plan.byTotals(i) && isNumeric(types.get(input.columns().get(0)))) {
                    totals.add(i);
                } else if (groupable(i, input)) {
                    grouped.add(i);
                } else {
                    rowwise.add(i);
                }
            }
            Counts counts = counts(tally, totals);
            for (int i : grouped) {
                grouped(tally, i);
            }
            if (!rowwise.isEmpty()) {
                rows(tally, rowwise, false);
            }
            return counts;
        } catch (SQLTimeoutException e) {
            throw timedOut();
        } catch (SQLException e) {
            // PostgreSQL reports its statement timeout as query_canceled, not as SQLTimeoutException.
            if ("57014".equals(e.getSQLState())) {
                throw timedOut();
            }
            throw RolloutException.input(where + ": the query failed: " + SqlUrl.redacted(firstLine(e.getMessage())));
        }
    }

    /**
     * Whether the engine can group input {@code i}'s rows by its cells: every kind the plan has
     * today but a number column whose newest value is asked for (that needs each row's time).
     * A kind added later reads rows until it is taught here: always right, only slower.
     */
    private boolean groupable(int i, MeasurePlan.Input input) {
        return switch (input.kind()) {
            case NUMBER -> !plan.readsNewest(i);
            case TRUTHY, LABELS, SCORES, REGRESSION, PROBABILITIES, LABEL_COUNTS -> true;
            // An agreement pairs the variants' rows request by request: one row each, nothing to group.
            case KEYED_LABELS, KEYED_SCORES -> false;
        };
    }

    private List<Integer> allInputs() {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < plan.inputs().size(); i++) {
            all.add(i);
        }
        return all;
    }

    private RolloutException timedOut() {
        return RolloutException.input(where + ": the query did not finish within the source's timeout ("
                + timeoutSeconds + " s); raise timeout: in the spec or make the query cheaper");
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** The relation's columns and their JDBC types, from a query that returns no row. */
    private Map<String, Integer> columns() throws SQLException {
        String sql = "SELECT * FROM " + relation + " q WHERE 1 = 0";
        try (PreparedStatement s = prepare(sql); ResultSet rs = s.executeQuery()) {
            ResultSetMetaData md = rs.getMetaData();
            Map<String, Integer> found = new LinkedHashMap<>();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                int type = md.getColumnType(i);
                String name = String.valueOf(md.getColumnTypeName(i)).toLowerCase(java.util.Locale.ROOT);
                // pgjdbc reports timestamptz as TIMESTAMP; its type name tells the two apart.
                if (type == Types.TIMESTAMP && (name.contains("timestamptz") || name.contains("with time zone"))) {
                    type = Types.TIMESTAMP_WITH_TIMEZONE;
                }
                found.putIfAbsent(md.getColumnLabel(i), type);
            }
            return found;
        }
    }

    private void requireColumns() {
        data.timestamp().ifPresent(c -> require(c, "data.timestamp"));
        data.variant().ifPresent(v -> require(v.column(), "data.variant.column"));
        if (data.format() == DataSpec.Format.LONG) {
            require(data.metricColumn(), "data.long.metric");
            require(data.valueColumn(), "data.long.value");
            return;
        }
        List<MetricSpec> metrics = plan.spec().metrics();
        for (int i = 0; i < metrics.size(); i++) {
            for (String c : plan.inputs().get(plan.inputOf(i)).columns()) {
                require(c, "metric " + metrics.get(i).name());
            }
        }
    }

    private void require(String column, String field) {
        if (!types.containsKey(column)) {
            throw RolloutException.input(Location.of(where, 0, 0, field), "column " + Cells.quoted(column)
                    + " is not in the query's result (its columns: " + String.join(", ", types.keySet()) + ")");
        }
    }

    private static Time timeOf(String column, int type) {
        return switch (type) {
            case Types.TIMESTAMP_WITH_TIMEZONE -> Time.TIMESTAMP_TZ;
            case Types.TIMESTAMP -> Time.TIMESTAMP_LOCAL;
            default -> isNumeric(type) ? Time.EPOCH : Time.TEXT;
        };
    }

    private static boolean isNumeric(int type) {
        return switch (type) {
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT, Types.FLOAT, Types.REAL, Types.DOUBLE,
                 Types.NUMERIC, Types.DECIMAL -> true;
            default -> false;
        };
    }

    /** The WHERE of every query: the window on a typed timestamp, then (when asked) the two variants. */
    private final class Filter {
        final StringBuilder sql = new StringBuilder();
        final List<Object> parameters = new ArrayList<>();

        Filter(boolean variants) {
            List<String> terms = new ArrayList<>();
            if (time != Time.NONE && time != Time.TEXT) {
                String ts = Dialect.quoted(data.timestamp().orElseThrow());
                window.since().ifPresent(s -> bound(terms, ts, ">=", s));
                window.until().ifPresent(u -> bound(terms, ts, "<=", u));
            }
            if (variants && data.variant().isPresent()) {
                terms.add(variantText() + " IN (?, ?)");
                parameters.add(data.variant().get().baseline());
                parameters.add(data.variant().get().candidate());
            }
            if (!terms.isEmpty()) {
                sql.append(" WHERE ").append(String.join(" AND ", terms));
            }
        }

        private void bound(List<String> terms, String ts, String op, Instant at) {
            switch (time) {
                case TIMESTAMP_TZ -> {
                    terms.add(ts + " " + op + " ?");
                    parameters.add(OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
                }
                case TIMESTAMP_LOCAL -> {
                    // A timestamp without a zone is read as UTC, as the row path reads it.
                    terms.add(ts + " " + op + " ?");
                    parameters.add(LocalDateTime.ofInstant(at, ZoneOffset.UTC));
                }
                case EPOCH -> {
                    // Seconds below 1e11, milliseconds from it, told apart per value as in a CSV cell.
                    BigDecimal secs = BigDecimal.valueOf(at.getEpochSecond()).add(BigDecimal.valueOf(at.getNano(), 9));
                    terms.add("((" + ts + " < 100000000000 AND " + ts + " > -100000000000 AND " + ts + " " + op + " ?) OR ((" + ts
                            + " >= 100000000000 OR " + ts + " <= -100000000000) AND " + ts + " " + op + " ?))");
                    parameters.add(secs);
                    parameters.add(secs.movePointRight(3));
                }
                case NONE, TEXT -> throw new IllegalStateException("no typed timestamp");
            }
        }
    }

    private String variantText() {
        return "TRIM(" + dialect.text(Dialect.quoted(data.variant().orElseThrow().column())) + ")";
    }

    /**
     * Rows per variant in the window, the other variants' too, and the totals of the number
     * columns that need nothing else: one scan.
     */
    private Counts counts(Tally tally, List<Integer> totals) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT ");
        sql.append(data.variant().isPresent() ? variantText() : "''").append(", count(*)");
        for (int i : totals) {
            String x = dialect.number(Dialect.quoted(plan.inputs().get(i).columns().get(0)));
            sql.append(", count(").append(x).append("), sum(").append(x).append("), min(").append(x)
                    .append("), max(").append(x).append("), var_samp(").append(x).append(')');
        }
        Filter filter = new Filter(false);
        sql.append(" FROM ").append(relation).append(" q").append(filter.sql).append(data.variant().isPresent() ? " GROUP BY 1" : "");
        long rows = 0;
        long inWindow = 0;
        try (PreparedStatement s = prepare(sql.toString(), filter.parameters); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                String variant = rs.getString(1) == null ? "" : rs.getString(1);
                long n = rs.getLong(2);
                rows += n;
                Optional<Tally.Lane> lane = lane(tally, variant);
                if (lane.isEmpty()) {
                    tally.other(variant, n);
                    continue;
                }
                inWindow += n;
                lane.get().count(n);
                int at = 3;
                for (int i : totals) {
                    long count = rs.getLong(at);
                    lane.get().acceptTotals(i, count, n - count, rs.getDouble(at + 1), rs.getDouble(at + 2),
                            rs.getDouble(at + 3), rs.getDouble(at + 4));
                    at += 5;
                }
            }
        }
        return new Counts(rows, inWindow);
    }

    /** The lane of a variant's rows; empty for another variant. */
    private Optional<Tally.Lane> lane(Tally tally, String variant) {
        if (data.variant().isEmpty()) {
            return Optional.of(tally.lane(Cohort.CANDIDATE));
        }
        DataSpec.VariantSpec v = data.variant().get();
        return variant.equals(v.candidate()) ? Optional.of(tally.lane(Cohort.CANDIDATE))
                : variant.equals(v.baseline()) ? Optional.of(tally.lane(Cohort.BASELINE)) : Optional.empty();
    }

    /** Input {@code i}'s rows grouped by its cells, each group taken as that many equal rows. */
    private void grouped(Tally tally, int i) throws SQLException {
        MeasurePlan.Input input = plan.inputs().get(i);
        List<String> columns = input.columns();
        StringBuilder sql = new StringBuilder("SELECT ");
        sql.append(data.variant().isPresent() ? variantText() : "''");
        boolean[] numeric = new boolean[columns.size()];
        int[] at = new int[columns.size()];
        List<String> groupBy = new ArrayList<>(data.variant().isPresent() ? List.of("1") : List.of());
        for (int c = 0; c < columns.size(); c++) {
            numeric[c] = readsNumber(input.kind(), c) && isNumeric(types.get(columns.get(c)));
            String q = Dialect.quoted(columns.get(c));
            sql.append(", ").append(numeric[c] ? dialect.number(q) : dialect.text(q));
            at[c] = c + 2;
            groupBy.add(String.valueOf(c + 2));
        }
        sql.append(", count(*)");
        Filter filter = new Filter(true);
        sql.append(" FROM ").append(relation).append(" q").append(filter.sql).append(" GROUP BY ").append(String.join(", ", groupBy));
        SqlCells cells = new SqlCells(where, columns, at, numeric, data.missing());
        int[] indices = new int[columns.size()];
        for (int c = 0; c < indices.length; c++) {
            indices[c] = c;
        }
        int countColumn = columns.size() + 2;
        try (PreparedStatement s = prepare(sql.toString(), filter.parameters); ResultSet rs = s.executeQuery()) {
            long results = 0;
            while (rs.next()) {
                bounded(++results);
                String variant = rs.getString(1) == null ? "" : rs.getString(1);
                Optional<Tally.Lane> lane = lane(tally, variant);
                if (lane.isEmpty()) {
                    continue;
                }
                cells.load(rs);
                lane.get().acceptCounted(i, cells, indices, rs.getLong(countColumn));
            }
        }
    }

    /** Whether cell {@code c} of an input of {@code kind} is read as a number (else as text: labels, 1/0 cells). */
    private static boolean readsNumber(MeasurePlan.Kind kind, int c) {
        return switch (kind) {
            case NUMBER, REGRESSION -> true;
            case SCORES, PROBABILITIES, KEYED_SCORES -> c == 1;
            case TRUTHY, LABELS, LABEL_COUNTS, KEYED_LABELS -> false;
        };
    }

    private void bounded(long results) {
        if (results > maxRows) {
            throw RolloutException.input(where + ": more than " + maxRows + " rows would be fetched for one query;"
                    + " narrow the window or the query, or raise ROLLOUT_SQL_MAX_ROWS");
        }
    }

    /**
     * The rows themselves, for {@code inputs}, routed as a CSV row: variant, window (when the
     * timestamp is text, the engine cannot apply it), then the inputs. With {@code count}, the
     * rows are also counted per variant; otherwise {@link #counts} did that.
     */
    private Counts rows(Tally tally, List<Integer> inputs, boolean count) throws SQLException {
        List<String> names = new ArrayList<>();
        Map<String, Integer> index = new HashMap<>();
        List<Boolean> numeric = new ArrayList<>();
        java.util.function.BiConsumer<String, Boolean> add = (name, number) -> {
            if (!index.containsKey(name)) {
                index.put(name, names.size());
                names.add(name);
                numeric.add(number);
            }
        };
        data.variant().ifPresent(v -> add.accept(v.column(), false));
        data.timestamp().ifPresent(t -> add.accept(t, false));
        plan.sliceBy().forEach(c -> add.accept(c, false));
        boolean longFormat = data.format() == DataSpec.Format.LONG;
        if (longFormat) {
            add.accept(data.metricColumn(), false);
            add.accept(data.valueColumn(), false);
        } else {
            for (int i : inputs) {
                MeasurePlan.Input input = plan.inputs().get(i);
                for (int c = 0; c < input.columns().size(); c++) {
                    String name = input.columns().get(c);
                    add.accept(name, readsNumber(input.kind(), c) && isNumeric(types.get(name)));
                }
            }
        }
        List<String> select = new ArrayList<>();
        int[] at = new int[names.size()];
        boolean[] asNumber = new boolean[names.size()];
        for (int c = 0; c < names.size(); c++) {
            String q = Dialect.quoted(names.get(c));
            asNumber[c] = numeric.get(c);
            boolean isTime = data.timestamp().filter(names.get(c)::equals).isPresent();
            select.add(asNumber[c] || isTime && (time == Time.TIMESTAMP_TZ || time == Time.TIMESTAMP_LOCAL) ? q : dialect.text(q));
            at[c] = c + 1;
        }
        Filter filter = new Filter(!count);
        String sql = "SELECT " + String.join(", ", select) + " FROM " + relation + " q" + filter.sql;
        SqlCells cells = new SqlCells(where, names, at, asNumber, data.missing());
        int variant = data.variant().map(v -> index.get(v.column())).orElse(-1);
        int timestamp = data.timestamp().map(index::get).orElse(-1);
        int[][] columns = new int[plan.inputs().size()][];
        for (int i : inputs) {
            columns[i] = plan.inputs().get(i).columns().stream().mapToInt(c -> longFormat ? index.get(data.valueColumn()) : index.get(c)).toArray();
        }
        Map<String, List<Integer>> byName = new HashMap<>();
        if (longFormat) {
            for (int i : inputs) {
                byName.computeIfAbsent(plan.inputs().get(i).columns().get(0), k -> new ArrayList<>()).add(i);
            }
        }
        int metricColumn = longFormat ? index.get(data.metricColumn()) : -1;
        int[] sliceBy = plan.sliceBy().stream().mapToInt(index::get).toArray();
        long[] parsed = new long[2];
        long rows = 0;
        long inWindow = 0;
        try (PreparedStatement s = prepare(sql, filter.parameters); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                bounded(++rows);
                cells.load(rs);
                Optional<Tally.Lane> lane = Optional.of(tally.lane(Cohort.CANDIDATE));
                if (variant >= 0) {
                    lane = lane(tally, cells.text(variant));
                }
                if (timestamp >= 0) {
                    Instant t = instant(rs, at[timestamp], cells, timestamp, parsed);
                    if (!window.contains(t)) {
                        continue;
                    }
                    cells.time(t.getEpochSecond(), t.getNano());
                }
                if (lane.isEmpty()) {
                    if (count) {
                        tally.other(cells.text(variant));
                    }
                    continue;
                }
                if (sliceBy.length > 0) {
                    lane = Optional.of(lane.get().slice(cells, sliceBy));
                }
                if (count) {
                    lane.get().count();
                    inWindow++;
                }
                if (longFormat) {
                    for (int i : byName.getOrDefault(cells.text(metricColumn), List.of())) {
                        lane.get().accept(i, cells, columns[i]);
                    }
                    continue;
                }
                for (int i : inputs) {
                    lane.get().accept(i, cells, columns[i]);
                }
            }
        }
        return new Counts(rows, inWindow);
    }

    /** The current row's time: a typed timestamp as it is (one without a zone read as UTC), text and epoch numbers as a CSV cell. */
    private Instant instant(ResultSet rs, int resultColumn, SqlCells cells, int cell, long[] parsed) throws SQLException {
        switch (time) {
            case TIMESTAMP_TZ -> {
                OffsetDateTime t = rs.getObject(resultColumn, OffsetDateTime.class);
                if (t != null) {
                    return t.toInstant();
                }
            }
            case TIMESTAMP_LOCAL -> {
                LocalDateTime t = rs.getObject(resultColumn, LocalDateTime.class);
                if (t != null) {
                    return t.toInstant(ZoneOffset.UTC);
                }
            }
            case EPOCH, TEXT, NONE -> {
                String text = cells.text(cell);
                if (Timestamps.parse(text, parsed)) {
                    return Instant.ofEpochSecond(parsed[0], parsed[1]);
                }
                throw cells.error(cell, (text.isEmpty() ? "the timestamp is empty" : Cells.quoted(text) + " is not a timestamp")
                        + "; use ISO-8601 with an offset (2026-03-01T12:00:00Z) or epoch seconds or milliseconds");
            }
        }
        throw cells.error(cell, "the timestamp is NULL");
    }

    private PreparedStatement prepare(String sql) throws SQLException {
        return prepare(sql, List.of());
    }

    private PreparedStatement prepare(String sql, List<Object> parameters) throws SQLException {
        queries.add(sql);
        PreparedStatement s = connection.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
        if (timeoutSeconds > 0) {
            s.setQueryTimeout(timeoutSeconds);
        }
        s.setFetchSize(10_000);
        for (int p = 0; p < parameters.size(); p++) {
            s.setObject(p + 1, parameters.get(p));
        }
        return s;
    }
}
