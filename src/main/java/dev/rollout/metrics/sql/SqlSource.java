package dev.rollout.metrics.sql;

import dev.rollout.RolloutException;
import dev.rollout.metrics.Labels;
import dev.rollout.metrics.MeasurePlan;
import dev.rollout.metrics.MetricsReport;
import dev.rollout.metrics.Provenance;
import dev.rollout.metrics.Reading;
import dev.rollout.metrics.Source;
import dev.rollout.metrics.SourceContext;
import dev.rollout.metrics.Tally;
import dev.rollout.metrics.Window;
import dev.rollout.spec.SourceSpec;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * A {@code sql:} source: the spec's query (or table) in the engine a JDBC URL names, measured by
 * {@link SqlRead} with as much of the work as possible done in the engine. Credentials come from
 * {@code ROLLOUT_SOURCE_<NAME>_USER} and {@code _PASSWORD} when set, else from the driver's own
 * conventions (pgjdbc 42.7: {@code ~/.pgpass} or {@code PGPASSFILE}, and {@code PGPASSWORD}, which
 * rollout passes on since pgjdbc does not read it); the URL is shown without a password everywhere.
 */
public final class SqlSource implements Source {

    /** Rows one query may return before the read stops: the engine reduces, rollout fetches little. */
    static final long DEFAULT_MAX_ROWS = 10_000_000L;

    private final SourceSpec.Sql spec;
    private final SourceContext context;

    public SqlSource(SourceSpec.Sql spec, SourceContext context) {
        this.spec = spec;
        this.context = context;
    }

    @Override
    public MetricsReport measure(MeasurePlan plan, Window window, Reading reading) {
        String who = who();
        Dialect dialect = Dialect.of(spec.url());
        Tally tally = plan.tally();
        try (Connection c = open()) {
            SqlRead read = new SqlRead(c, dialect, who, relation(spec), plan, window, seconds(spec.timeout()), maxRows(context));
            SqlRead.Counts counts = read.read(tally);
            String sent = String.join(";\n", read.queries());
            return tally.report(List.of(provenance(sent, counts.rows(), counts.inWindow())));
        } catch (SQLException e) {
            throw RolloutException.input(who + ": " + SqlUrl.redacted(e.getMessage()));
        }
    }

    /**
     * The late labels of {@code data.labels.source}: the query's (or table's) rows, one per key,
     * with the key and label columns, streamed; its rows are named {@code source NAME row N} in errors.
     */
    public Provenance readLabels(Labels.Builder into) {
        try (Connection c = open()) {
            SqlLabels.Read read = SqlLabels.read(c, Dialect.of(spec.url()), who(), relation(spec), into, seconds(spec.timeout()));
            return provenance(read.sent(), read.rows(), read.rows());
        } catch (SQLException e) {
            // PostgreSQL reports its statement timeout as query_canceled, not as SQLTimeoutException.
            if (e instanceof SQLTimeoutException || "57014".equals(e.getSQLState())) {
                throw RolloutException.input(who() + ": the labels query did not finish within the source's timeout ("
                        + seconds(spec.timeout()) + " s); raise timeout: in the spec or make the query cheaper");
            }
            throw RolloutException.input(who() + ": the labels query failed: " + SqlUrl.redacted(e.getMessage()).lines()
                    .findFirst().orElse(""));
        }
    }

    private String who() {
        return "source " + spec.name();
    }

    private Provenance provenance(String sent, long rows, long inWindow) {
        return new Provenance("sql", Optional.of(spec.name()), SqlUrl.shown(spec.url()), sha256(sent), rows, inWindow,
                Optional.of(sent), Optional.empty());
    }

    /** A connection with the source's credentials and timeouts, read-only where the engine has that. */
    private Connection open() throws SQLException {
        String who = who();
        Properties properties = new Properties();
        context.secret(spec.name(), "USER").ifPresent(u -> properties.setProperty("user", u));
        context.secret(spec.name(), "PASSWORD").ifPresent(p -> properties.setProperty("password", p));
        Dialect dialect = Dialect.of(spec.url());
        if (dialect == Dialect.POSTGRESQL && !properties.containsKey("password")) {
            // libpq's PGPASSWORD, which pgjdbc does not read itself (it reads ~/.pgpass and PGPASSFILE).
            context.var("PGPASSWORD").ifPresent(p -> properties.setProperty("password", p));
        }
        int timeout = seconds(spec.timeout());
        if (dialect == Dialect.POSTGRESQL) {
            properties.setProperty("connectTimeout", String.valueOf(Math.min(timeout, 60)));
            properties.setProperty("loginTimeout", String.valueOf(Math.min(timeout, 60)));
        }
        Connection c = Drivers.connect(who, spec.url(), properties, context);
        try {
            readOnly(c, dialect);
            if (dialect == Dialect.DUCKDB) {
                searchFrom(c, context);
            }
            return c;
        } catch (SQLException e) {
            c.close();
            throw e;
        }
    }

    /**
     * A read-only transaction where the engine has one: the spec's query is trusted, but rollout
     * never means to write. PostgreSQL also streams a result (fetch size) only outside autocommit.
     */
    static void readOnly(Connection c, Dialect dialect) throws SQLException {
        if (dialect == Dialect.POSTGRESQL) {
            c.setAutoCommit(false);
            c.setReadOnly(true);
        }
    }

    /** An in-process DuckDB reads a relative path ({@code read_parquet('logs.parquet')}) from the spec's folder, not the caller's. */
    static void searchFrom(Connection c, SourceContext context) throws SQLException {
        try (java.sql.Statement s = c.createStatement()) {
            s.execute("SET file_search_path = " + Dialect.literal(context.specDirectory().toString()));
        }
    }

    /** The FROM item: the query in parentheses, or the table as a (schema-qualified) quoted name. */
    static String relation(SourceSpec.Sql spec) {
        if (spec.query().isPresent()) {
            String q = spec.query().get().strip();
            while (q.endsWith(";")) {
                q = q.substring(0, q.length() - 1).strip();
            }
            // A line break before the parenthesis: a query ending in a -- comment cannot swallow it.
            return "(" + q + "\n)";
        }
        return Arrays.stream(spec.table().orElseThrow().split("\\.", -1)).map(Dialect::quoted).collect(Collectors.joining("."));
    }

    static int seconds(Duration timeout) {
        long s = (timeout.toMillis() + 999) / 1000;
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, s));
    }

    static long maxRows(SourceContext context) {
        Optional<String> v = context.var("ROLLOUT_SQL_MAX_ROWS");
        if (v.isEmpty()) {
            return DEFAULT_MAX_ROWS;
        }
        try {
            long n = Long.parseLong(v.get().trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw RolloutException.input("ROLLOUT_SQL_MAX_ROWS: '" + v.get() + "' is not a positive whole number");
    }

    static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
