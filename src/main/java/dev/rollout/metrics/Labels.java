package dev.rollout.metrics;

import dev.rollout.RolloutException;
import dev.rollout.RolloutException.Location;
import dev.rollout.metrics.command.CommandSource;
import dev.rollout.metrics.sql.ParquetSource;
import dev.rollout.metrics.sql.SqlSource;
import dev.rollout.spec.DataSpec;
import dev.rollout.spec.LabelsSpec;
import dev.rollout.spec.RolloutSpec;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.DuplicateHeaderMode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Labels that arrived after the predictions: one row per key, from the {@code --labels} files
 * (CSV, gzipped when named {@code .gz}, Parquet when named {@code .parquet}) and the source
 * {@code data.labels.source} names (a query's rows, a command's CSV), held in memory, key → label
 * text. That is the one part of a read that grows with the data: at most {@link #MAX} labels,
 * each costing its key's text and about 100 bytes besides (a label text is shared by the keys
 * that have it, up to {@link Builder#SHARED} distinct texts), so ten million labels need about
 * 1.5 GB of heap.
 */
public final class Labels {

    /** Labels held at most: past it the read stops with an error rather than running out of memory. */
    public static final int MAX = 10_000_000;

    private final Map<String, Arrival> byKey;
    private final List<String> read;
    private final List<Provenance> inputs;

    private Labels(Map<String, Arrival> byKey, List<String> read, List<Provenance> inputs) {
        this.byKey = byKey;
        this.read = List.copyOf(read);
        this.inputs = List.copyOf(inputs);
    }

    /** The label of the prediction with {@code key}; null when none has arrived. */
    String label(String key) {
        Arrival a = byKey.get(key);
        return a == null ? null : a.label;
    }

    /** Labels read, over every input. */
    public long size() {
        return byKey.size();
    }

    /** What was read, in order: the files as given, {@code source NAME} for data.labels.source. */
    public List<String> files() {
        return read;
    }

    /** The inputs read, for the audit trail, each with {@link Provenance#LABELS} as its role. */
    public List<Provenance> inputs() {
        return inputs;
    }

    /**
     * Reads data.labels.source (when the spec names one), then {@code paths} in order: every input
     * is read, as several files are, so a key has one label whichever input it came from. A key on
     * two rows, in one input or two, is an error naming both; a row whose label is missing (SQL NULL,
     * or one of data.missing's words) gives its prediction no label.
     *
     * @param window the window judged: a command source is told it, as a metrics command is
     */
    public static Labels read(RolloutSpec spec, List<Path> paths, SourceContext context, Window window) {
        LabelsSpec labels = spec.data().labels().orElseThrow();
        Builder into = new Builder(labels, spec.data());
        labels.source().map(name -> spec.sources().get(name)).ifPresent(source -> into.taken(source.<Provenance>match(
                sql -> new SqlSource(sql, context).readLabels(into),
                prometheus -> {
                    throw new IllegalStateException("the spec loader refuses a Prometheus labels source");
                },
                command -> new CommandSource(command, context).readLabels(into, spec, window))));
        for (Path path : paths) {
            into.taken(ParquetSource.isParquet(path) ? ParquetSource.readLabels(path, into, context) : csv(path, into));
        }
        return into.build();
    }

    private static Provenance csv(Path path, Builder into) {
        String file = path.toString();
        try (InputStream raw = Files.newInputStream(path)) {
            Csv read = csv(file, raw, path.getFileName().toString().endsWith(".gz"), into);
            return new Provenance(Provenance.CSV, file, read.sha256(), read.rows(), read.rows());
        } catch (NoSuchFileException e) {
            throw RolloutException.input(Location.file(file), "no such file");
        } catch (IOException e) {
            throw cannotRead(file, e);
        }
    }

    /** A CSV of labels as read: the SHA-256 of its bytes as they came (gzipped, if they were), and its rows. */
    public record Csv(String sha256, long rows) {
    }

    /**
     * Reads the CSV of labels in {@code bytes} (gzipped when {@code gzipped}) with data's delimiter;
     * its rows are named by their lines.
     *
     * @param where what errors name: a file's path, {@code source NAME}
     */
    public static Csv csv(String where, InputStream bytes, boolean gzipped, Builder into) {
        MessageDigest md = sha256();
        try (CSVParser parser = parser(new DigestInputStream(bytes, md), gzipped, into.data)) {
            List<String> header = parser.getHeaderNames();
            int key = into.column(header, into.spec.key(), "data.labels.key", where, 1, "the header of " + where);
            int actual = into.column(header, into.spec.actual(), "data.labels.actual", where, 1, "the header of " + where);
            int input = into.begin(where, Unit.LINE);
            long rows = 0;
            for (CSVRecord record : parser) {
                long line = parser.getCurrentLineNumber();
                if (record.size() != header.size()) {
                    throw RolloutException.input(Location.of(where, (int) line, 0, null), "this row has " + record.size()
                            + " fields, the header has " + header.size());
                }
                into.add(input, record.get(key).strip(), record.get(actual).strip(), line);
                rows++;
            }
            return new Csv(HexFormat.of().formatHex(md.digest()), rows);
        } catch (IOException | UncheckedIOException e) {
            throw cannotRead(where, e);
        }
    }

    private static RolloutException cannotRead(String where, Exception e) {
        return RolloutException.input(Location.file(where), "cannot read the labels: "
                + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static CSVParser parser(InputStream raw, boolean gzipped, DataSpec data) throws IOException {
        InputStream bytes = gzipped ? new GZIPInputStream(raw, 1 << 16) : raw;
        BufferedReader reader = new BufferedReader(new InputStreamReader(bytes, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)), 1 << 16);
        CSVFormat format = CSVFormat.RFC4180.builder().setDelimiter(data.delimiter()).setHeader().setSkipHeaderRecord(true)
                .setDuplicateHeaderMode(DuplicateHeaderMode.DISALLOW).setIgnoreEmptyLines(true).get();
        try {
            return CSVParser.builder().setReader(reader).setFormat(format).get();
        } catch (IllegalArgumentException e) {
            reader.close();
            throw new IOException("bad header: " + e.getMessage(), e);
        }
    }

    /**
     * A key's label and where it was read: the input's number in the high bits, its line or
     * row in the low ones, so a key found twice names both places without reading anything again.
     */
    private record Arrival(String label, long at) {
    }

    /** How an input's rows are counted, for errors: a CSV's lines (the header is line 1), a result's rows (from 1). */
    public enum Unit {
        LINE, ROW;

        String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Labels being read, input after input, by whichever reader the input needs. */
    public static final class Builder {

        /** Distinct label texts shared between keys; past it (a regression's numbers) each key keeps its own. */
        static final int SHARED = 4096;
        private static final int ROW_BITS = 40;

        private final LabelsSpec spec;
        private final DataSpec data;
        private final Map<String, Arrival> byKey = new HashMap<>();
        private final Map<String, String> texts = new HashMap<>();
        private final List<String> wheres = new ArrayList<>();
        private final List<Unit> units = new ArrayList<>();
        private final List<String> read = new ArrayList<>();
        private final List<Provenance> inputs = new ArrayList<>();

        Builder(LabelsSpec spec, DataSpec data) {
            this.spec = spec;
            this.data = data;
        }

        /** The key column's name, as data.labels.key gives it. */
        public String key() {
            return spec.key();
        }

        /** The label column's name, as data.labels.actual gives it. */
        public String actual() {
            return spec.actual();
        }

        /**
         * The index of {@code name} in {@code columns}: an input without the key or the label column is an
         * error naming it and where it was looked for ({@code the header of labels/day-1.csv}, on line
         * {@code line}; 0 for a result's columns, which have no line).
         */
        public int column(List<String> columns, String name, String specKey, String where, int line, String lookedIn) {
            int at = columns.indexOf(name);
            if (at < 0) {
                throw RolloutException.input(Location.of(where, line, 0, "column " + Cells.shown(name)), "column '"
                        + Cells.shown(name) + "' (" + specKey + " in the spec) is not in " + lookedIn);
            }
            return at;
        }

        /**
         * Starts an input: its rows are then named {@code WHERE UNIT N} ({@code labels/day-1.csv line 6},
         * {@code source labels row 17}); the number to give {@link #add}.
         */
        public int begin(String where, Unit unit) {
            wheres.add(where);
            units.add(unit);
            return wheres.size() - 1;
        }

        /**
         * One row of input {@code input}: its key and label cells as text, stripped, as a CSV cell is
         * read ({@code null} for a SQL NULL); {@code at} its line or row, 1-based.
         */
        public void add(int input, String key, String label, long at) {
            Arrival before = byKey.get(key);
            if (before != null) {
                throw duplicate(key, before, input, at);
            }
            if (byKey.size() >= MAX) {
                throw RolloutException.input(place(input, at), "more than " + MAX
                        + " labels; evaluate a shorter window's labels");
            }
            // A missing label is kept without text: its prediction has no label, and its key still cannot come twice.
            String text = label == null || data.missing().contains(label) ? null : shared(label);
            byKey.put(key, new Arrival(text, ((long) input << ROW_BITS) | at));
        }

        private String shared(String label) {
            String s = texts.get(label);
            if (s != null) {
                return s;
            }
            if (texts.size() < SHARED) {
                texts.put(label, label);
            }
            return label;
        }

        /** Where a row is, as errors give it: a CSV line as the line of the location, a result's row in the text. */
        private Location place(int input, long at) {
            return switch (units.get(input)) {
                case LINE -> Location.of(wheres.get(input), (int) at, 0, spec.key());
                case ROW -> Location.of(wheres.get(input), 0, 0, spec.key());
            };
        }

        private RolloutException duplicate(String key, Arrival before, int input, long at) {
            int first = (int) (before.at >>> ROW_BITS);
            long firstAt = before.at & ((1L << ROW_BITS) - 1);
            String row = switch (units.get(input)) {
                case LINE -> ""; // in the location
                case ROW -> "row " + at + ": ";
            };
            return RolloutException.input(place(input, at), row + "key " + Cells.quoted(key) + " has a label already, on "
                    + wheres.get(first) + " " + units.get(first).word() + " " + firstAt + "; the labels have one row per prediction");
        }

        /** An input read whole: its place in the audit trail (as labels) and in the coverage's list. */
        void taken(Provenance input) {
            inputs.add(input.asLabels());
            read.add(input.source().map(s -> "source " + s).orElse(input.location()));
        }

        Labels build() {
            return new Labels(byKey, read, inputs);
        }
    }
}
