package dev.rollout.metrics;

import dev.rollout.spec.RolloutSpec;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

/** The typed contract for a {@code sql:} source over a PostgreSQL table: timestamptz, integers, doubles, NULLs. */
class PgTypedContractTest extends TypedSourceContract {

    @TempDir
    Path tmp;

    @Override
    MetricsReport measure(RolloutSpec spec, List<List<String>> rows, Window window) throws Exception {
        return PgTables.measure(tmp, spec, rows, window, true);
    }
}
