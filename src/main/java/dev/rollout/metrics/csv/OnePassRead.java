package dev.rollout.metrics.csv;

import dev.rollout.metrics.Provenance;
import dev.rollout.metrics.Reading.Progress;
import dev.rollout.metrics.Tally;
import org.apache.commons.csv.CSVParser;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * The streaming read: one pass over the export, straight into the shared tally, that knows
 * every line number. Reads anything: a pipe, a gzipped file, a file with quotes, and a file
 * whose chunked read met a problem, which it then reports with its exact place.
 */
final class OnePassRead {

    private OnePassRead() {
    }

    static Provenance read(CsvExport export, Tally tally) {
        long[] line = {1};
        Progress progress = export.reading.progress();
        try (ExportStream in = ExportStream.open(export.path, progress::at)) {
            return pass(export, tally, in, line);
        } catch (UncheckedIOException e) {
            throw CsvErrors.failure(export.path, export.data.delimiter(), e.getCause(), line[0]);
        } catch (IOException e) {
            throw CsvErrors.failure(export.path, export.data.delimiter(), e, line[0]);
        }
    }

    /** An export that arrives on {@code bytes} and cannot be read again (a command's output), closed at the end. */
    static Provenance read(CsvExport export, Tally tally, InputStream bytes) {
        long[] line = {1};
        Progress progress = export.reading.progress();
        try (ExportStream in = ExportStream.of(bytes, false, progress::at)) {
            return pass(export, tally, in, line);
        } catch (UncheckedIOException e) {
            throw CsvErrors.failure(export.file, Optional.empty(), export.data.delimiter(), e.getCause(), line[0]);
        } catch (IOException e) {
            throw CsvErrors.failure(export.file, Optional.empty(), export.data.delimiter(), e, line[0]);
        }
    }

    private static Provenance pass(CsvExport export, Tally tally, ExportStream in, long[] line) throws IOException {
        CSVParser parser = export.header(in);
        RowRouter router = export.router(parser);
        Part part = export.part(tally);
        export.records(parser, in, router, part, line, () -> false);
        String sha = in.sha256();
        return part.end(export.file, sha, export.coverage);
    }
}
