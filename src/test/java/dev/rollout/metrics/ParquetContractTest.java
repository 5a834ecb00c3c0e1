package dev.rollout.metrics;

import dev.rollout.spec.RolloutSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The typed contract for Parquet files named by {@code --metrics}, written by DuckDB from the typed rows. */
class ParquetContractTest extends TypedSourceContract {

    @TempDir
    Path tmp;

    /** The rows as Parquet files, split in {@code parts} consecutive files. */
    static List<Path> parquet(Path dir, List<List<String>> rows, int parts) throws Exception {
        List<Path> files = new java.util.ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:")) {
            SqlTables.typed(c, "logs", rows);
            for (int p = 0; p < parts; p++) {
                Path f = dir.resolve("part" + p + "-" + System.nanoTime() + ".parquet");
                long from = (long) rows.size() * p / parts;
                long to = (long) rows.size() * (p + 1) / parts;
                SqlTables.exec(c, "COPY (SELECT * FROM logs WHERE rowid >= " + from + " AND rowid < " + to
                        + " ORDER BY rowid) TO '" + f + "' (FORMAT parquet)");
                files.add(f);
            }
        }
        return files;
    }

    @Override
    MetricsReport measure(RolloutSpec spec, List<List<String>> rows, Window window) throws Exception {
        return Sources.of(parquet(tmp, rows, 1), new SourceContext(tmp, Map.of(), MetricSourceContract.NOW))
                .measure(MeasurePlan.of(spec), window, Reading.defaults());
    }

    @Test
    void severalFilesAreOneExportAndEachIsRecorded() throws Exception {
        List<List<String>> rows = MetricSourceContract.rows(11, 3000);
        List<Path> files = parquet(tmp, rows, 3);
        MetricsReport report = Sources.of(files, new SourceContext(tmp, Map.of(), MetricSourceContract.NOW))
                .measure(MeasurePlan.of(MetricSourceContract.spec()), Window.ALL, Reading.defaults());
        MetricSourceContract.assertSameReport(MetricSourceContract.reference(MetricSourceContract.spec(), rows, Window.ALL),
                report, true);
        assertEquals(3, report.inputs().size());
        for (int i = 0; i < 3; i++) {
            Provenance p = report.inputs().get(i);
            assertEquals("parquet", p.kind());
            assertEquals(files.get(i).toString(), p.location());
            assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(files.get(i)))),
                    p.digest());
            assertEquals(1000, p.rows());
        }
    }
}
