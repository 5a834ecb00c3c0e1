package dev.rollout.metrics.csv;

import dev.rollout.RolloutException;
import dev.rollout.metrics.MeasurePlan;
import dev.rollout.metrics.MetricsReport;
import dev.rollout.metrics.Provenance;
import dev.rollout.metrics.Reading;
import dev.rollout.metrics.Source;
import dev.rollout.metrics.Tally;
import dev.rollout.metrics.Window;
import dev.rollout.spec.DataSpec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * CSV metric exports, read in order into one tally: gzipped when named {@code .gz}, wide or
 * long as the spec's {@code data:} says. Each file is checked at its header, then read in
 * chunks on several threads when it is large and plain ({@link ChunkedRead}), otherwise, and
 * whenever a chunk meets a problem, in one streaming pass that knows every line number
 * ({@link OnePassRead}). Errors name the file, the line and the column ({@link CsvErrors}).
 */
public final class CsvSource implements Source {

    private final List<Path> files;

    /** The exports {@code files}, read in this order. */
    public CsvSource(List<Path> files) {
        this.files = List.copyOf(files);
    }

    @Override
    public MetricsReport measure(MeasurePlan plan, Window window, Reading reading) {
        if (files.isEmpty()) {
            throw RolloutException.input("no metric exports to read: name at least one CSV file");
        }
        Tally tally = plan.tally();
        Coverage coverage = new Coverage(plan);
        List<Provenance> read = new ArrayList<>();
        long dataRows = 0;
        for (Path file : files) {
            Provenance p = read(new CsvExport(file, plan, window, reading, coverage), tally);
            dataRows += p.rows();
            read.add(p);
        }
        return report(plan, tally, coverage, files.stream().map(Path::toString).toList(), dataRows, read);
    }

    /**
     * One export that arrives on {@code bytes} (a command's output), read with the same rules as a
     * file in one streaming pass as it arrives, never held whole; errors name it {@code name}, with
     * the line and column. {@code as} says what was read, in the audit trail's words.
     */
    public static MetricsReport measure(String name, InputStream bytes, MeasurePlan plan, Window window, Reading reading,
                                        UnaryOperator<Provenance> as) {
        Tally tally = plan.tally();
        Coverage coverage = new Coverage(plan);
        reading.progress().start(name, -1);
        Provenance p;
        try {
            p = OnePassRead.read(new CsvExport(name, plan, window, reading, coverage), tally, bytes);
        } finally {
            reading.progress().end();
        }
        return report(plan, tally, coverage, List.of(name), p.rows(), List.of(as.apply(p)));
    }

    private static MetricsReport report(MeasurePlan plan, Tally tally, Coverage coverage, List<String> exports, long dataRows,
                                        List<Provenance> read) {
        DataSpec data = plan.spec().data();
        coverage.requireEveryMetricFound(exports, data.format() == DataSpec.Format.LONG, data.metricColumn(), dataRows);
        return tally.report(read);
    }

    private static Provenance read(CsvExport export, Tally tally) {
        Reading reading = export.reading;
        long size = size(export.path);
        reading.progress().start(export.file, size);
        try {
            if (reading.chunkBytes() > 0) {
                // A gzipped file as a pipeline when it could hold two chunks (it inflates to about four times its size).
                boolean gzipped = ExportStream.gzipped(export.path);
                Optional<Provenance> chunked = !gzipped ? new ChunkedRead(export, tally).read(size)
                        : size >= 0 && size * 2 >= reading.chunkBytes() ? new ChunkedRead(export, tally).readGzipped() : Optional.empty();
                if (chunked.isPresent()) {
                    return chunked.get();
                }
                reading.progress().start(export.file, size); // read again, from the start, in one pass
            }
            return OnePassRead.read(export, tally);
        } finally {
            reading.progress().end();
        }
    }

    /** The file's size, -1 when unknown (a pipe has none). */
    private static long size(Path path) {
        try {
            return Files.isRegularFile(path) ? Files.size(path) : -1;
        } catch (IOException e) {
            return -1; // the read itself will say what is wrong
        }
    }
}
