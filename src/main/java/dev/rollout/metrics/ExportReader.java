package dev.rollout.metrics;

import dev.rollout.RolloutException;
import dev.rollout.RolloutException.Location;
import dev.rollout.spec.DataSpec;
import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.DuplicateHeaderMode;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.ZipException;

/**
 * Reads one export in one streaming pass and feeds its rows to the shared inputs: checks the
 * header, resolves every column to an index once, then per row picks the variant, checks the
 * window, counts the row and hands it to the inputs whose columns the file has.
 */
final class ExportReader {

    private final DataSpec data;
    private final Window window;
    private final MetricInputs inputs;
    private final Path path;
    private final String file;

    /** Rows in the window per variant, over all files; this reader adds its own. */
    private final long[] variantRows;
    /** Every header name seen, over all files, to tell "no such column" from "never together". */
    private final Set<String> headerColumns;

    ExportReader(DataSpec data, Window window, MetricInputs inputs, Path path, long[] variantRows, Set<String> headerColumns) {
        this.data = data;
        this.window = window;
        this.inputs = inputs;
        this.path = path;
        this.file = path.toString();
        this.variantRows = variantRows;
        this.headerColumns = headerColumns;
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

    InputFile read() {
        long line = 1;
        try (ExportStream in = ExportStream.open(path)) {
            CSVParser parser = header(in);
            Header header = Header.of(file, parser.getHeaderNames(), data.delimiter());
            headerColumns.addAll(header.names());
            Plan plan = new Plan(header);
            Row row = new Row(file, header.names());
            long[] time = new long[2];
            long dataRows = 0;
            long inWindow = 0;
            Iterator<CSVRecord> records = parser.iterator();
            while (true) {
                // Best effort for errors inside the parser: the line after the last good record.
                line = parser.getCurrentLineNumber() + 1;
                in.startRecord();
                if (!records.hasNext()) {
                    break;
                }
                CSVRecord record = records.next();
                if (record.size() == 1 && header.names().size() > 1 && record.get(0).isBlank()) {
                    continue; // a line of only spaces: as empty as an empty line, which the parser skips
                }
                row.set(record, parser.getCurrentLineNumber());
                dataRows++;
                if (!record.isConsistent()) {
                    // Points at the first missing field of a short row, or the first extra one of a long row.
                    throw row.error(Math.min(record.size(), header.names().size()), "this row has " + record.size()
                            + (record.size() == 1 ? " field" : " fields") + ", the header has " + header.names().size()
                            + "; a missing or extra separator, or an unquoted "
                            + (data.delimiter() == ',' ? "decimal comma" : "separator inside a value") + "?");
                }
                if (plan.accept(row, time)) {
                    inWindow++;
                }
            }
            return new InputFile(file, in.sha256(), dataRows, inWindow);
        } catch (UncheckedIOException e) {
            throw failure(e.getCause(), line);
        } catch (IOException e) {
            throw failure(e, line);
        }
    }

    /** Opens the parser, which reads the header; commons-csv's header complaints become ours. */
    private CSVParser header(ExportStream in) throws IOException {
        try {
            return CSVParser.builder().setReader(in.reader()).setFormat(format()).get();
        } catch (IllegalArgumentException e) {
            // A duplicate or blank name (DISALLOW, no missing names). Read the header again, plainly,
            // to say which column: commons-csv's message names its API, not the file.
            Header.of(file, plainHeader(), data.delimiter());
            throw RolloutException.input(Location.of(file, 1, 0, null), "bad header: " + firstLine(e.getMessage()));
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

    private RolloutException failure(Throwable e, long line) {
        int at = (int) Math.min(line, Integer.MAX_VALUE);
        if (e instanceof NoSuchFileException) {
            return RolloutException.input(Location.file(file), "no such file");
        }
        if (e instanceof AccessDeniedException) {
            return RolloutException.input(Location.file(file), "permission denied");
        }
        if (e instanceof CharacterCodingException || e instanceof ExportStream.RecordTooLong || e instanceof CSVException) {
            // The parser and the decoder know the place only roughly: look again, character by character.
            Optional<CsvScanner.Problem> found = CsvScanner.find(path, data.delimiter());
            if (found.isPresent()) {
                CsvScanner.Problem p = found.get();
                String message = switch (p.kind()) {
                    case MALFORMED_UTF8 -> String.format(Locale.ROOT,
                            "byte 0x%02X is not UTF-8; save the export as UTF-8 (it looks like Latin-1 or Windows-1252)", p.badByte());
                    case TEXT_AFTER_QUOTE -> "not valid CSV: text after a closing quote; quote the whole field, and write a quote inside it as \"\"";
                    case UNCLOSED_QUOTE -> "not valid CSV: a quoted field is not closed: the file ends before its closing '\"'";
                    case RECORD_TOO_LONG -> e.getMessage() != null && e instanceof ExportStream.RecordTooLong ? e.getMessage()
                            : new ExportStream.RecordTooLong().getMessage();
                };
                return RolloutException.input(Location.of(file, (int) Math.min(p.line(), Integer.MAX_VALUE), p.field() + 1,
                        p.column()), message);
            }
            String message = e instanceof CharacterCodingException ? "not valid UTF-8; save the export as UTF-8"
                    : e instanceof CSVException ? "not valid CSV: " + firstLine(e.getMessage()) : e.getMessage();
            return RolloutException.input(Location.of(file, at, 0, null), message);
        }
        if (e instanceof ZipException || e instanceof EOFException && ExportStream.gzipped(path)) {
            return RolloutException.input(Location.of(file, at, 0, null),
                    "not a valid gzip file (" + firstLine(e.getMessage()) + "); is it truncated, or not gzipped despite its name?");
        }
        return RolloutException.input(Location.file(file), "cannot read: " + firstLine(String.valueOf(e.getMessage())));
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** The columns of this file resolved to indices, and what each row goes through. */
    private final class Plan {
        private final int timestamp;
        private final int variant;
        private final String baselineValue;
        private final String candidateValue;
        /** Wide: the inputs this file feeds, and their column indices. */
        private final List<MetricInputs.Input> active = new ArrayList<>();
        private final List<int[]> activeColumns = new ArrayList<>();
        /** Long: the metric column, the value column, and the inputs per metric name. */
        private final int metricColumn;
        private final int[] valueColumn;
        private final Map<String, List<MetricInputs.Input>> byName;

        Plan(Header header) {
            timestamp = data.timestamp().map(c -> header.require(c, "data.timestamp")).orElse(-1);
            variant = data.variant().map(v -> header.require(v.column(), "data.variant.column")).orElse(-1);
            baselineValue = data.variant().map(DataSpec.VariantSpec::baseline).orElse(null);
            candidateValue = data.variant().map(DataSpec.VariantSpec::candidate).orElse(null);
            if (data.format() == DataSpec.Format.LONG) {
                metricColumn = header.require(data.metricColumn(), "data.long.metric");
                valueColumn = new int[] {header.require(data.valueColumn(), "data.long.value")};
                byName = inputs.byColumnName();
                return;
            }
            metricColumn = -1;
            valueColumn = null;
            byName = Map.of();
            for (MetricInputs.Input input : inputs.all()) {
                int[] columns = new int[input.columns.size()];
                boolean all = true;
                for (int c = 0; c < columns.length; c++) {
                    columns[c] = header.find(input.columns.get(c));
                    all &= columns[c] >= 0;
                }
                if (all) {
                    input.found = true;
                    active.add(input);
                    activeColumns.add(columns);
                }
            }
        }

        /** Feeds one row to its inputs; true when it is in the window and belongs to a variant. */
        boolean accept(Row row, long[] time) {
            List<MetricInputs.Input> named = null;
            if (metricColumn >= 0) {
                // Before the variant and window checks: a metric name in any row shows the spec's name is right.
                named = byName.get(row.text(metricColumn));
                if (named != null) {
                    for (MetricInputs.Input input : named) {
                        input.found = true;
                    }
                }
            }
            int v = MetricInputs.CANDIDATE;
            if (variant >= 0) {
                String cell = row.text(variant);
                if (cell.equals(candidateValue)) {
                    v = MetricInputs.CANDIDATE;
                } else if (cell.equals(baselineValue)) {
                    v = MetricInputs.BASELINE;
                } else {
                    return false; // another model version: not part of this comparison
                }
            }
            if (timestamp >= 0) {
                String cell = row.text(timestamp);
                if (!Timestamps.parse(cell, time)) {
                    throw row.error(timestamp, (cell.isEmpty() ? "the timestamp is empty" : Row.quoted(cell) + " is not a timestamp")
                            + "; use ISO-8601 with an offset (2026-03-01T12:00:00Z) or epoch seconds or milliseconds");
                }
                if (!inWindow(time[0], (int) time[1])) {
                    return false;
                }
                row.time(time[0], (int) time[1]);
            }
            variantRows[v]++;
            if (metricColumn >= 0) {
                if (named != null) {
                    for (MetricInputs.Input input : named) {
                        input.variants[v].accept(row, valueColumn);
                    }
                }
                return true;
            }
            for (int i = 0; i < active.size(); i++) {
                active.get(i).variants[v].accept(row, activeColumns.get(i));
            }
            return true;
        }

        private boolean inWindow(long seconds, int nanos) {
            if (window.since().isPresent() && compare(seconds, nanos, window.since().get()) < 0) {
                return false;
            }
            return window.until().isEmpty() || compare(seconds, nanos, window.until().get()) <= 0;
        }

        private static int compare(long seconds, int nanos, Instant bound) {
            int c = Long.compare(seconds, bound.getEpochSecond());
            return c != 0 ? c : Integer.compare(nanos, bound.getNano());
        }
    }
}
