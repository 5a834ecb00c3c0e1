package dev.rollout.metrics;

import dev.rollout.metrics.sql.SqlSource;
import dev.rollout.spec.RolloutSpec;
import dev.rollout.spec.SourceSpec;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The typed contract for a {@code sql:} source over a DuckDB database file, the relation given as a query. */
class DuckDbTypedContractTest extends TypedSourceContract {

    @TempDir
    Path tmp;

    @Override
    MetricsReport measure(RolloutSpec spec, List<List<String>> rows, Window window) throws Exception {
        String url = "jdbc:duckdb:" + tmp.resolve("logs" + System.nanoTime() + ".duckdb");
        try (Connection c = DriverManager.getConnection(url)) {
            SqlTables.typed(c, "logs", rows);
        }
        SourceSpec.Sql source = new SourceSpec.Sql("lake", url, Optional.of("select * from logs -- every column"),
                Optional.empty(), Duration.ofMinutes(1));
        return new SqlSource(source, new SourceContext(tmp, Map.of(), MetricSourceContract.NOW)).measure(MeasurePlan.of(spec), window, Reading.defaults());
    }
}
