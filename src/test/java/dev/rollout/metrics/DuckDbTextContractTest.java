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

/**
 * The source contract for a {@code sql:} source over a DuckDB table whose columns are all text,
 * as a CSV export loaded as it is: every rule of the CSV path (missing words, a cell that is not
 * a number) applies through the engine. Counts and labels are exact; sums, as summed by the engine.
 */
class DuckDbTextContractTest extends MetricSourceContract {

    @TempDir
    Path tmp;

    @Override
    boolean mergesParts() {
        return true;
    }

    @Override
    MetricsReport measure(RolloutSpec spec, List<List<String>> rows, Window window) throws Exception {
        String url = "jdbc:duckdb:" + tmp.resolve("logs" + System.nanoTime() + ".duckdb");
        try (Connection c = DriverManager.getConnection(url)) {
            SqlTables.text(c, "logs", rows);
        }
        SourceSpec.Sql source = new SourceSpec.Sql("lake", url, Optional.empty(), Optional.of("logs"), Duration.ofMinutes(1));
        return new SqlSource(source, new SourceContext(tmp, Map.of(), MetricSourceContract.NOW)).measure(MeasurePlan.of(spec), window, Reading.defaults());
    }
}
