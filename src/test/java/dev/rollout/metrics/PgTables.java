package dev.rollout.metrics;

import dev.rollout.metrics.sql.SqlSource;
import dev.rollout.spec.RolloutSpec;
import dev.rollout.spec.SourceSpec;
import dev.rollout.state.PgServer;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The contract's rows in a table of the test PostgreSQL server, read by a {@code sql:} source logged in as {@link PgServer#USER}. */
final class PgTables {

    private PgTables() {
    }

    /** The JDBC URL of the test server, no credentials in it. */
    static String url() {
        return "jdbc:postgresql://127.0.0.1:" + PgServer.port() + "/postgres";
    }

    /** The credentials as a run's environment gives them to the source named {@code name}. */
    static Map<String, String> credentials(String name) {
        return Map.of("ROLLOUT_SOURCE_" + name.toUpperCase(java.util.Locale.ROOT) + "_USER", PgServer.USER,
                "ROLLOUT_SOURCE_" + name.toUpperCase(java.util.Locale.ROOT) + "_PASSWORD", PgServer.PASSWORD);
    }

    /** A fresh schema owned by the test user, with the table {@code logs}; returns {@code schema.logs}. */
    static String table(List<List<String>> rows, boolean typed) throws Exception {
        String schema = PgServer.freshSchema();
        try (Connection c = PgServer.admin()) {
            SqlTables.exec(c, "CREATE SCHEMA " + schema + " AUTHORIZATION " + PgServer.USER);
            if (typed) {
                SqlTables.typed(c, schema + ".logs", rows);
            } else {
                SqlTables.text(c, schema + ".logs", rows);
            }
            SqlTables.exec(c, "GRANT SELECT ON " + schema + ".logs TO " + PgServer.USER);
        }
        return schema + ".logs";
    }

    static MetricsReport measure(Path dir, RolloutSpec spec, List<List<String>> rows, Window window, boolean typed) throws Exception {
        SourceSpec.Sql source = new SourceSpec.Sql("wh", url(), Optional.empty(), Optional.of(table(rows, typed)), Duration.ofMinutes(1));
        return new SqlSource(source, new SourceContext(dir, credentials("wh"), MetricSourceContract.NOW)).measure(MeasurePlan.of(spec), window, Reading.defaults());
    }
}
