package dev.rollout.metrics.csv;

import dev.rollout.RolloutException;
import dev.rollout.RolloutException.Location;
import dev.rollout.metrics.MeasurePlan;
import dev.rollout.metrics.Reading;
import dev.rollout.metrics.Tally;
import dev.rollout.metrics.Window;
import dev.rollout.spec.DataSpec;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.DuplicateHeaderMode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * One export being read, and what its one-pass and its chunked read share: the CSV rules,
 * the header, the router, and the loop over records.
 */
final class CsvExport {

    /** The export's file; null for an export that arrives on a stream, which cannot be read again. */
    final Path path;
    final String file;
    final DataSpec data;
    final MeasurePlan plan;
    final Window window;
    final Reading reading;
    final Coverage coverage;

    CsvExport(Path path, MeasurePlan plan, Window window, Reading reading, Coverage coverage) {
        this(path, path.toString(), plan, window, reading, coverage);
    }

    /** An export on a stream, called {@code name} in errors. */
    CsvExport(String name, MeasurePlan plan, Window window, Reading reading, Coverage coverage) {
        this(null, name, plan, window, reading, coverage);
    }

    private CsvExport(Path path, String file, MeasurePlan plan, Window window, Reading reading, Coverage coverage) {
        this.path = path;
        this.file = file;
        this.data = plan.spec().data();
        this.plan = plan;
        this.window = window;
        this.reading = reading;
        this.coverage = coverage;
    }

    /**
     * RFC 4180 with the first record as the header, and strict where commons-csv's defaults
     * are lenient: a repeated or blank header name, text after a closing quote and a quote
     * left open at the end of the file are errors, not guesses.
     */
    private CSVFormat format() {
        return CSVFormat.RFC4180.builder()
                .setDelimiter(data.delimiter())
                .setHeader()
                .setSkipHeaderRecord(true)
                .setDuplicateHeaderMode(DuplicateHeaderMode.DISALLOW)
                .setAllowMissingColumnNames(false)
                .setIgnoreEmptyLines(true)
                .setTrailingData(false)
                .setLenientEof(false)
                .get();
    }

    /** The same rules for a chunk, which starts at a record and has no header. */
    CSVFormat chunkFormat() {
        return CSVFormat.RFC4180.builder()
                .setDelimiter(data.delimiter())
                .setIgnoreEmptyLines(true)
                .setTrailingData(false)
                .setLenientEof(false)
                .get();
    }

    /** A new part over {@code tally}'s accumulators. */
    Part part(Tally tally) {
        return new Part(tally, plan.inputs().size());
    }

    /** The header, checked and recorded, resolved against the plan's inputs. */
    RowRouter router(CSVParser parser) {
        Header header = Header.of(file, parser.getHeaderNames(), data.delimiter());
        coverage.header(header.names());
        return new RowRouter(header, plan, window, coverage);
    }

    /**
     * Feeds every record of {@code parser} to {@code part}. {@code line[0]} follows the
     * parser, for errors the parser itself throws (best effort: the line after the last good
     * record); {@code stop} ends the loop early when another chunk has failed.
     */
    void records(CSVParser parser, ExportStream in, RowRouter router, Part part, long[] line, BooleanSupplier stop) {
        List<String> names = router.names();
        Row row = new Row(file, names, data.missing());
        long[] time = new long[2];
        Iterator<CSVRecord> records = parser.iterator();
        int columns = names.size();
        while (true) {
            line[0] = parser.getCurrentLineNumber() + 1;
            in.startRecord();
            if (!records.hasNext()) {
                return;
            }
            CSVRecord record = records.next();
            if (record.size() == 1 && columns > 1 && record.get(0).isBlank()) {
                continue; // a line of only spaces: as empty as an empty line, which the parser skips
            }
            row.set(record, parser.getCurrentLineNumber());
            part.dataRows++;
            // Not isConsistent(): a chunk's parser has no header, and then every record counts as consistent.
            if (record.size() != columns) {
                // Points at the first missing field of a short row, or the first extra one of a long row.
                throw row.error(Math.min(record.size(), columns), "this row has " + record.size()
                        + (record.size() == 1 ? " field" : " fields") + ", the header has " + columns
                        + "; a missing or extra separator, or an unquoted "
                        + (data.delimiter() == ',' ? "decimal comma" : "separator inside a value") + "?");
            }
            router.accept(row, time, part);
            if ((part.dataRows & 1023) == 0 && stop.getAsBoolean()) {
                throw new CancellationException("another chunk failed"); // a partial result must never look whole
            }
        }
    }

    /** Opens the parser, which reads the header; commons-csv's header complaints become ours. */
    CSVParser header(ExportStream in) throws IOException {
        try {
            return CSVParser.builder().setReader(in.reader()).setFormat(format()).get();
        } catch (IllegalArgumentException e) {
            // A duplicate or blank name (DISALLOW, no missing names). Read the header again, plainly,
            // to say which column: commons-csv's message names its API, not the file.
            if (path != null) {
                Header.of(file, plainHeader(), data.delimiter());
            }
            throw RolloutException.input(Location.of(file, 1, 0, null), "bad header: " + CsvErrors.firstLine(e.getMessage()));
        }
    }

    private List<String> plainHeader() {
        try (ExportStream in = ExportStream.open(path);
             CSVParser p = CSVParser.builder().setReader(in.reader())
                     .setFormat(CSVFormat.RFC4180.builder().setDelimiter(data.delimiter()).get()).get()) {
            Iterator<CSVRecord> it = p.iterator();
            return it.hasNext() ? it.next().toList() : List.of();
        } catch (IOException | UncheckedIOException e) {
            return List.of();
        }
    }
}
