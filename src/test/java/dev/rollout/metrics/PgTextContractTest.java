package dev.rollout.metrics;

import dev.rollout.spec.RolloutSpec;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

/** The source contract for a {@code sql:} source over a PostgreSQL table of text columns: the CSV rules, through the engine. */
class PgTextContractTest extends MetricSourceContract {

    @TempDir
    Path tmp;

    @Override
    boolean mergesParts() {
        return true;
    }

    @Override
    MetricsReport measure(RolloutSpec spec, List<List<String>> rows, Window window) throws Exception {
        return PgTables.measure(tmp, spec, rows, window, false);
    }
}
