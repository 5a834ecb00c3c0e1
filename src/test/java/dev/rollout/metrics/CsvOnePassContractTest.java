package dev.rollout.metrics;

import dev.rollout.metrics.csv.CsvSource;
import dev.rollout.spec.RolloutSpec;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The source contract for CSV exports read in one streaming pass. */
class CsvOnePassContractTest extends MetricSourceContract {

    @TempDir
    Path tmp;

    /** The rows as an export, with a header line, cells separated by commas. */
    static Path export(Path dir, List<List<String>> rows) throws Exception {
        StringBuilder sb = new StringBuilder(String.join(",", HEADER)).append('\n');
        for (List<String> row : rows) {
            sb.append(String.join(",", row)).append('\n');
        }
        return Files.write(dir.resolve("export.csv"), sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    MetricsReport measure(RolloutSpec spec, List<List<String>> rows, Window window) throws Exception {
        return new CsvSource(List.of(export(tmp, rows))).measure(MeasurePlan.of(spec), window,
                new Reading(1, 0, Reading.Progress.NONE));
    }
}
