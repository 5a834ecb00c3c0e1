package dev.rollout.metrics;

import dev.rollout.RolloutException;
import dev.rollout.RolloutException.Location;
import dev.rollout.metrics.Reading.Progress;
import dev.rollout.spec.DataSpec;
import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.DuplicateHeaderMode;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.zip.ZipException;

/**
 * Reads one export and feeds its rows to the shared inputs: checks the header, resolves every
 * column to an index once, then per row picks the variant, checks the window, counts the row
 * and hands it to the inputs whose columns the file has. A large plain export is parsed in
 * chunks on several threads (see {@link Reading}); anything else, and any chunk that meets a
 * problem, in one streaming pass that knows every line number.
 */
final class ExportReader {

    private final DataSpec data;
    private final Window window;
    private final MetricInputs inputs;
    private final Path path;
    private final String file;
    private final Reading reading;

    /** Rows in the window per variant, over all files; this reader adds its own. */
    private final long[] variantRows;
    /** Rows in the window of neither variant, over all files; likewise. */
    private final OtherVariants otherRows;
    /** Every header name seen, over all files, to tell "no such column" from "never together". */
    private final Set<String> headerColumns;

    ExportReader(DataSpec data, Window window, MetricInputs inputs, Path path, Reading reading, long[] variantRows,
                 OtherVariants otherRows, Set<String> headerColumns) {
        this.data = data;
        this.window = window;
        this.inputs = inputs;
        this.path = path;
        this.file = path.toString();
        this.reading = reading;
        this.variantRows = variantRows;
        this.otherRows = otherRows;
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

    /** The same rules for a chunk, which starts at a record and has no header. */
    private CSVFormat chunkFormat() {
        return CSVFormat.RFC4180.builder()
                .setDelimiter(data.delimiter())
                .setIgnoreEmptyLines(true)
                .setTrailingData(false)
                .setLenientEof(false)
                .get();
    }

    InputFile read() {
        long size = size();
        reading.progress().start(file, size);
        try {
            if (reading.chunkBytes() > 0 && !ExportStream.gzipped(path)) {
                Optional<InputFile> chunked = readInChunks(size);
                if (chunked.isPresent()) {
                    return chunked.get();
                }
                reading.progress().start(file, size); // read again, from the start, in one pass
            }
            return readInOnePass();
        } finally {
            reading.progress().end();
        }
    }

    /** The file's size, -1 when unknown (a pipe has none). */
    private long size() {
        try {
            return Files.isRegularFile(path) ? Files.size(path) : -1;
        } catch (IOException e) {
            return -1; // the read itself will say what is wrong
        }
    }

    private InputFile readInOnePass() {
        long[] line = {1};
        Progress progress = reading.progress();
        try (ExportStream in = ExportStream.open(path, progress::at)) {
            CSVParser parser = header(in);
            Plan plan = plan(parser);
            Target target = shared();
            records(parser, in, plan, target, line, () -> false);
            String sha = in.sha256();
            return target.count(sha);
        } catch (UncheckedIOException e) {
            throw failure(e.getCause(), line[0]);
        } catch (IOException e) {
            throw failure(e, line[0]);
        }
    }

    /** The header, checked and recorded, resolved against the spec's inputs. */
    private Plan plan(CSVParser parser) {
        Header header = Header.of(file, parser.getHeaderNames(), data.delimiter());
        headerColumns.addAll(header.names());
        return new Plan(header);
    }

    /**
     * Feeds every record of {@code parser} to {@code target}. {@code line[0]} follows the
     * parser, for errors the parser itself throws (best effort: the line after the last good
     * record); {@code stop} ends the loop early when another chunk has failed.
     */
    private void records(CSVParser parser, ExportStream in, Plan plan, Target target, long[] line, BooleanSupplier stop) {
        List<String> names = plan.header.names();
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
            target.dataRows++;
            // Not isConsistent(): a chunk's parser has no header, and then every record counts as consistent.
            if (record.size() != columns) {
                // Points at the first missing field of a short row, or the first extra one of a long row.
                throw row.error(Math.min(record.size(), columns), "this row has " + record.size()
                        + (record.size() == 1 ? " field" : " fields") + ", the header has " + columns
                        + "; a missing or extra separator, or an unquoted "
                        + (data.delimiter() == ',' ? "decimal comma" : "separator inside a value") + "?");
            }
            plan.accept(row, time, target);
            if ((target.dataRows & 1023) == 0 && stop.getAsBoolean()) {
                throw new CancellationException("another chunk failed"); // a partial result must never look whole
            }
        }
    }

    /**
     * The parallel read: the header on this thread, the chunks on a pool, and meanwhile this
     * thread hashes the file and looks for quotes. Empty when the file must be read in one pass
     * instead — it has a quote, it is small, or a chunk failed (the one pass then says where).
     * {@code size} is the file's size, -1 for anything but a regular file.
     */
    private Optional<InputFile> readInChunks(long size) {
        // Only a regular file can be read twice and at any offset: a pipe (<(zcat …)) is read once, in one pass.
        if (size < 0 || size / 2 < reading.chunkBytes()) {
            return Optional.empty();
        }
        Plan plan;
        try (ExportStream in = ExportStream.open(path)) {
            plan = plan(header(in));
        } catch (UncheckedIOException | IOException e) {
            return Optional.empty();
        }
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            Optional<Long> start = Chunks.dataStart(channel);
            if (start.isEmpty() || (size - start.get()) / 2 < reading.chunkBytes()) {
                return Optional.empty();
            }
            // Up to the size seen now: rows appended while the file is read are left for the next run, and the
            // hash covers exactly the bytes parsed.
            long[] cuts = Chunks.cuts(channel, start.get(), size, reading.chunkBytes());
            return inChunks(channel, plan, cuts);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private Optional<InputFile> inChunks(FileChannel channel, Plan plan, long[] cuts) throws IOException {
        int chunks = cuts.length - 1;
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong parsed = new AtomicLong(cuts[0]);
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(reading.threads(), chunks), r -> {
            Thread t = new Thread(r, "rollout-chunk");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Target>> futures = new ArrayList<>(chunks);
            for (int c = 0; c < chunks; c++) {
                long from = cuts[c];
                long to = cuts[c + 1];
                futures.add(pool.submit(() -> {
                    try {
                        return chunk(channel, plan, from, to, parsed, stop::get);
                    } catch (Exception | OutOfMemoryError e) {
                        stop.set(true); // the others and the hashing stop early: the file is read in one pass
                        throw e;
                    }
                }));
            }
            Progress progress = reading.progress();
            // The file's own accumulators, so a failing chunk leaves the shared ones untouched. Chunks are merged
            // in file order as they finish, also while the file is hashed, so finished ones do not pile up.
            Target whole = new Target(fresh());
            int[] merged = {0};
            Runnable mergeDone = () -> {
                while (merged[0] < chunks && futures.get(merged[0]).isDone() && !stop.get()) {
                    merge(whole, futures, merged[0]++, stop);
                }
                progress.at(parsed.get());
            };
            Optional<String> sha256 = Chunks.scan(channel, cuts[chunks], mergeDone, stop);
            while (merged[0] < chunks && !stop.get()) {
                await(futures.get(merged[0]), () -> progress.at(parsed.get()));
                merge(whole, futures, merged[0]++, stop);
                progress.at(parsed.get());
            }
            if (stop.get() || sha256.isEmpty()) {
                return Optional.empty(); // a quote, or a chunk failed
            }
            Target shared = shared();
            shared.merge(whole);
            progress.chunked(chunks);
            return Optional.of(shared.count(sha256.get()));
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
    }

    /** Merges finished chunk {@code c} into {@code whole} and lets it go; a failed chunk sets {@code stop} instead. */
    private static void merge(Target whole, List<Future<Target>> futures, int c, AtomicBoolean stop) {
        Target part = result(futures.get(c));
        futures.set(c, null); // the future holds the chunk's accumulators
        if (part == null) {
            stop.set(true);
        } else {
            whole.merge(part);
        }
    }

    /** One chunk, parsed on a pool thread into accumulators of its own. */
    private Target chunk(FileChannel channel, Plan plan, long from, long to, AtomicLong parsed, BooleanSupplier stop)
            throws IOException {
        Target target = new Target(fresh());
        try (ExportStream in = ExportStream.range(channel, from, to, parsed);
             CSVParser parser = CSVParser.builder().setReader(in.reader()).setFormat(chunkFormat()).get()) {
            records(parser, in, plan, target, new long[1], stop);
        }
        return target;
    }

    /** Waits for {@code future}, telling progress every 200 ms. */
    private static void await(Future<Target> future, Runnable tick) {
        while (true) {
            try {
                future.get(200, TimeUnit.MILLISECONDS);
                return;
            } catch (TimeoutException e) {
                tick.run();
            } catch (ExecutionException | CancellationException e) {
                return; // result() says what happened
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * A finished chunk's accumulators, or null when it failed or was stopped — out of memory
     * included: one chunk's label matrix or values may not fit beside the others', and the one
     * pass needs less. Any other Error is not the input's fault and goes on up.
     */
    private static Target result(Future<Target> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error error && !(error instanceof OutOfMemoryError)) {
                throw error;
            }
            return null;
        } catch (CancellationException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** A target over the accumulators shared by all files. */
    private Target shared() {
        return new Target(inputs.all().stream().map(i -> i.variants).toArray(Accumulator[][]::new));
    }

    private Accumulator[][] fresh() {
        List<MetricInputs.Input> all = inputs.all();
        Accumulator[][] acc = new Accumulator[all.size()][2];
        for (int i = 0; i < acc.length; i++) {
            for (int v = 0; v < 2; v++) {
                acc[i][v] = all.get(i).variants[v].fresh();
            }
        }
        return acc;
    }

    /** Where one pass's rows go: the shared accumulators (one pass) or a chunk's own. */
    private final class Target {
        final Accumulator[][] acc;
        /** Long format: the inputs some row named. */
        final boolean[] named;
        final long[] variantRows = new long[2];
        final OtherVariants others = new OtherVariants();
        long dataRows;
        long inWindow;

        Target(Accumulator[][] acc) {
            this.acc = acc;
            this.named = new boolean[acc.length];
        }

        /** Takes in a later part of the file. */
        void merge(Target later) {
            for (int i = 0; i < acc.length; i++) {
                for (int v = 0; v < 2; v++) {
                    acc[i][v].merge(later.acc[i][v]);
                }
                named[i] |= later.named[i];
            }
            variantRows[0] += later.variantRows[0];
            variantRows[1] += later.variantRows[1];
            others.addAll(later.others);
            dataRows += later.dataRows;
            inWindow += later.inWindow;
        }

        /** Adds this file's counts to the totals over all files. */
        InputFile count(String sha256) {
            List<MetricInputs.Input> all = inputs.all();
            for (int i = 0; i < named.length; i++) {
                all.get(i).found |= named[i];
            }
            ExportReader.this.variantRows[0] += variantRows[0];
            ExportReader.this.variantRows[1] += variantRows[1];
            otherRows.addAll(others);
            return new InputFile(file, sha256, dataRows, inWindow);
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
        if (e instanceof CharacterCodingException || e instanceof ExportStream.RecordTooLong || e instanceof ExportStream.NulByte
                || e instanceof CSVException) {
            // The parser and the decoder know the place only roughly: look again, character by character.
            // A pipe cannot be read again (a second look would read the rest of the stream and blame that).
            boolean again = Files.isRegularFile(path);
            Optional<CsvScanner.Problem> found = again ? CsvScanner.find(path, data.delimiter()) : Optional.empty();
            if (found.isPresent()) {
                CsvScanner.Problem p = found.get();
                String message = switch (p.kind()) {
                    case MALFORMED_UTF8 -> String.format(Locale.ROOT,
                            "byte 0x%02X is not UTF-8; save the export as UTF-8 (it looks like Latin-1 or Windows-1252)", p.badByte());
                    case UTF16 -> "file is UTF-16; export it as UTF-8";
                    case NUL -> "a NUL byte (0x00), which no CSV text holds; is the file binary, or padded with zeros?";
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
            if (!again) {
                message += " (at or after this line: a pipe cannot be read again to find the exact place)";
            }
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

    /**
     * The columns of this file resolved to indices, and what each row goes through. Fixed once
     * the header is read, so the chunks of one file share it.
     */
    private final class Plan {
        private final Header header;
        private final int timestamp;
        private final int variant;
        private final String baselineValue;
        private final String candidateValue;
        /** Wide: the inputs this file feeds (indices into the shared inputs), and their column indices. */
        private final int[] active;
        private final int[][] activeColumns;
        /** Long: the metric column, the value column, and the inputs per metric name. */
        private final int metricColumn;
        private final int[] valueColumn;
        private final Map<String, int[]> byName;

        Plan(Header header) {
            this.header = header;
            timestamp = data.timestamp().map(c -> header.require(c, "data.timestamp")).orElse(-1);
            variant = data.variant().map(v -> header.require(v.column(), "data.variant.column")).orElse(-1);
            baselineValue = data.variant().map(DataSpec.VariantSpec::baseline).orElse(null);
            candidateValue = data.variant().map(DataSpec.VariantSpec::candidate).orElse(null);
            List<MetricInputs.Input> all = inputs.all();
            if (data.format() == DataSpec.Format.LONG) {
                metricColumn = header.require(data.metricColumn(), "data.long.metric");
                valueColumn = new int[] {header.require(data.valueColumn(), "data.long.value")};
                Map<String, List<Integer>> names = new HashMap<>();
                for (int i = 0; i < all.size(); i++) {
                    names.computeIfAbsent(all.get(i).columns.get(0), c -> new ArrayList<>()).add(i);
                }
                byName = new HashMap<>();
                names.forEach((name, ids) -> byName.put(name, ids.stream().mapToInt(Integer::intValue).toArray()));
                active = new int[0];
                activeColumns = new int[0][];
                return;
            }
            metricColumn = -1;
            valueColumn = null;
            byName = Map.of();
            List<Integer> found = new ArrayList<>();
            List<int[]> foundColumns = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) {
                MetricInputs.Input input = all.get(i);
                int[] columns = new int[input.columns.size()];
                boolean every = true;
                for (int c = 0; c < columns.length; c++) {
                    columns[c] = header.find(input.columns.get(c));
                    every &= columns[c] >= 0;
                }
                if (every) {
                    input.found = true;
                    found.add(i);
                    foundColumns.add(columns);
                }
            }
            active = found.stream().mapToInt(Integer::intValue).toArray();
            activeColumns = foundColumns.toArray(int[][]::new);
        }

        /** Feeds one row to its inputs in {@code target}. */
        void accept(Row row, long[] time, Target target) {
            int[] named = null;
            if (metricColumn >= 0) {
                // Before the variant and window checks: a metric name in any row shows the spec's name is right.
                named = byName.get(row.text(metricColumn));
                if (named != null) {
                    for (int i : named) {
                        target.named[i] = true;
                    }
                }
            }
            int v = MetricInputs.CANDIDATE;
            String other = null;
            if (variant >= 0) {
                String cell = row.text(variant);
                if (cell.equals(candidateValue)) {
                    v = MetricInputs.CANDIDATE;
                } else if (cell.equals(baselineValue)) {
                    v = MetricInputs.BASELINE;
                } else {
                    other = cell; // another model version: counted if in the window, never compared
                }
            }
            if (timestamp >= 0) {
                String cell = row.text(timestamp);
                if (!Timestamps.parse(cell, time)) {
                    throw row.error(timestamp, (cell.isEmpty() ? "the timestamp is empty" : Row.quoted(cell) + " is not a timestamp")
                            + "; use ISO-8601 with an offset (2026-03-01T12:00:00Z) or epoch seconds or milliseconds");
                }
                if (!inWindow(time[0], (int) time[1])) {
                    return;
                }
                row.time(time[0], (int) time[1]);
            }
            if (other != null) {
                target.others.add(other);
                return;
            }
            target.variantRows[v]++;
            target.inWindow++;
            Accumulator[][] acc = target.acc;
            if (metricColumn >= 0) {
                if (named != null) {
                    for (int i : named) {
                        acc[i][v].accept(row, valueColumn);
                    }
                }
                return;
            }
            for (int a = 0; a < active.length; a++) {
                acc[active[a]][v].accept(row, activeColumns[a]);
            }
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
