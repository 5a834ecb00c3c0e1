package dev.rollout.metrics;

import dev.rollout.RolloutException;
import dev.rollout.RolloutException.Location;
import dev.rollout.spec.DataSpec;
import dev.rollout.spec.MetricSource;
import dev.rollout.spec.MetricSpec;
import dev.rollout.spec.RolloutSpec;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.DuplicateHeaderMode;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Reads metric exports (CSV, optionally gzipped) in one streaming pass per file and turns
 * them into per-variant values for every metric of the spec. Memory does not grow with the
 * file except for the primitive arrays that exact percentiles and AUC need.
 */
public final class MetricsReader {

    private static final int BUFFER = 1 << 16;
    /** The longest field accepted: far beyond any metric, small enough that memory stays bounded. */
    private static final int MAX_FIELD = 1 << 20;
    private static final int BASELINE = 0;
    private static final int CANDIDATE = 1;
    private static final String[] VARIANT_WORDS = {"baseline", "candidate"};

    private MetricsReader() {
    }

    /** The only entry point: reads {@code files} for {@code spec}, keeping rows inside {@code window}. */
    public static MetricsReport read(RolloutSpec spec, List<Path> files, Window window) {
        List<MetricInput> inputs = new ArrayList<>();
        for (MetricSpec m : spec.metrics()) {
            inputs.add(new MetricInput(m));
        }
        long[] rows = new long[2];
        List<InputFile> read = new ArrayList<>();
        for (Path file : files) {
            read.add(new FileReader(spec, file, window, inputs, rows).read());
        }
        for (MetricInput input : inputs) {
            if (!input.seen) {
                throw RolloutException.input("metric " + input.spec.name() + ": no --metrics file has "
                        + String.join(" and ", input.columns().stream().map(c -> "column '" + c + "'").toList())
                        + (spec.data().format() == DataSpec.Format.LONG ? " in its '" + spec.data().metricColumn() + "' column" : ""));
            }
        }
        boolean hasVariant = spec.data().variant().isPresent();
        List<Measurement> measurements = new ArrayList<>();
        for (MetricInput input : inputs) {
            Accumulator.Result b = input.acc[BASELINE].result("baseline");
            Accumulator.Result c = input.acc[CANDIDATE].result("candidate");
            List<String> notes = new ArrayList<>(c.notes());
            if (hasVariant) {
                notes.addAll(b.notes());
            }
            Sample baselineRows = Sample.EMPTY;
            Sample candidateRows = Sample.EMPTY;
            if (input.spec.compare().isPresent() && input.acc[CANDIDATE] instanceof ColumnValues) {
                boolean values = input.spec.compare().get().test() == dev.rollout.spec.CompareSpec.Test.MANN_WHITNEY;
                baselineRows = ((ColumnValues) input.acc[BASELINE]).sample(values);
                candidateRows = ((ColumnValues) input.acc[CANDIDATE]).sample(values);
            }
            measurements.add(new Measurement(input.spec.name(), hasVariant ? b.value() : java.util.OptionalDouble.empty(),
                    c.value(), b.samples(), c.samples(), b.missing(), c.missing(), notes, baselineRows, candidateRows));
        }
        return new MetricsReport(read, hasVariant, rows[BASELINE], rows[CANDIDATE], measurements);
    }

    /** One metric's accumulators (baseline, candidate) and the columns it reads. */
    private static final class MetricInput {
        final MetricSpec spec;
        final Accumulator[] acc = new Accumulator[2];
        boolean seen;

        MetricInput(MetricSpec spec) {
            this.spec = spec;
            // Mann–Whitney ranks the rows themselves; the other comparisons need only mean and variance.
            boolean ranks = spec.compare().filter(c -> c.test() == dev.rollout.spec.CompareSpec.Test.MANN_WHITNEY).isPresent();
            for (int v = 0; v < 2; v++) {
                acc[v] = create(spec.source(), ranks);
            }
        }

        private static Accumulator create(MetricSource source, boolean ranks) {
            if (source instanceof MetricSource.ColumnAggregate a) {
                return new ColumnValues(a.aggregate(), ranks);
            }
            if (source instanceof MetricSource.Classification c) {
                return c.metric() == MetricSource.ClassificationMetric.AUC ? new RocAuc(c) : new ConfusionMatrix(c);
            }
            return new RegressionErrors(((MetricSource.Regression) source).metric());
        }

        List<String> columns() {
            MetricSource s = spec.source();
            if (s instanceof MetricSource.ColumnAggregate a) {
                return List.of(a.column());
            }
            if (s instanceof MetricSource.Classification c) {
                return c.metric() == MetricSource.ClassificationMetric.AUC ? List.of(c.actual(), c.score())
                        : List.of(c.actual(), c.predicted());
            }
            MetricSource.Regression r = (MetricSource.Regression) s;
            return List.of(r.actual(), r.predicted());
        }
    }

    /** The reading of one file. */
    private static final class FileReader {
        private final RolloutSpec spec;
        private final Path file;
        private final String name;
        private final Window window;
        private final List<MetricInput> inputs;
        private final long[] rows;
        private Map<String, Integer> header;
        private long line;

        FileReader(RolloutSpec spec, Path file, Window window, List<MetricInput> inputs, long[] rows) {
            this.spec = spec;
            this.file = file;
            this.name = file.toString();
            this.window = window;
            this.inputs = inputs;
            this.rows = rows;
        }

        InputFile read() {
            MessageDigest sha;
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JVM has SHA-256", e);
            }
            long dataRows = 0;
            long inWindow = 0;
            try (InputStream raw = Files.newInputStream(file);
                 DigestInputStream digest = new DigestInputStream(new BufferedInputStream(raw, BUFFER), sha);
                 InputStream in = name.endsWith(".gz") ? new GZIPInputStream(digest, BUFFER) : digest;
                 BufferedReader reader = new BufferedReader(new ExportTextReader(in, spec.data().delimiter(), MAX_FIELD), BUFFER)) {
                CSVFormat format = CSVFormat.RFC4180.builder()
                        .setDelimiter(spec.data().delimiter())
                        .setHeader().setSkipHeaderRecord(true)
                        .setDuplicateHeaderMode(DuplicateHeaderMode.DISALLOW)
                        .setAllowMissingColumnNames(false)
                        .setIgnoreEmptyLines(true)
                        .setTrailingData(false)
                        .setLenientEof(false)
                        .get();
                CSVParser parser;
                try {
                    parser = CSVParser.builder().setReader(reader).setFormat(format).get();
                } catch (IllegalArgumentException e) {
                    throw error(1, 0, null, "bad header: " + e.getMessage());
                }
                try (parser) {
                    header = parser.getHeaderMap();
                    Plan plan = plan();
                    Iterator<CSVRecord> records = parser.iterator();
                    while (true) {
                        line = parser.getCurrentLineNumber() + 1;
                        if (!next(records)) {
                            break;
                        }
                        CSVRecord r = records.next();
                        dataRows++;
                        if (plan.row(r, dataRows)) {
                            inWindow++;
                        }
                    }
                    // Drain what the parser did not need (a gzip trailer) so the digest covers the whole file.
                    digest.transferTo(java.io.OutputStream.nullOutputStream());
                }
            } catch (NoSuchFileException e) {
                throw RolloutException.input(Location.file(name), "no such file");
            } catch (ExportTextReader.Problem e) {
                throw error(e.line, 0, null, e.getMessage());
            } catch (IOException e) {
                throw error(line, 0, null, "cannot read: " + e.getMessage());
            }
            return new InputFile(name, HexFormat.of().formatHex(sha.digest()), dataRows, inWindow);
        }

        private boolean next(Iterator<CSVRecord> records) throws ExportTextReader.Problem {
            try {
                return records.hasNext();
            } catch (UncheckedIOException e) {
                if (e.getCause() instanceof ExportTextReader.Problem p) {
                    throw p;
                }
                String message = e.getCause() == null ? e.getMessage() : e.getCause().getMessage();
                throw error(line, 0, null, "not valid CSV: " + firstLine(message));
            } catch (IllegalStateException e) {
                throw error(line, 0, null, "not valid CSV: " + firstLine(e.getMessage()));
            }
        }

        /** Column indices resolved once per file, so the per-row work is array lookups. */
        private Plan plan() {
            if (header.size() == 1) {
                String only = header.keySet().iterator().next();
                if (only.contains(";") || only.contains("\t") || (spec.data().delimiter() != ',' && only.contains(","))) {
                    throw error(1, 1, null, "the header is a single column '" + abbreviate(only)
                            + "': the file seems to use another separator; set data.delimiter in the spec");
                }
            }
            for (String h : header.keySet()) {
                if (h.isBlank()) {
                    throw error(1, 0, null, "a header name is blank");
                }
            }
            DataSpec data = spec.data();
            int ts = data.timestamp().map(c -> required(c, "data.timestamp")).orElse(-1);
            int variant = data.variant().map(v -> required(v.column(), "data.variant.column")).orElse(-1);
            if (data.format() == DataSpec.Format.LONG) {
                int metric = required(data.metricColumn(), "data.long.metric");
                int value = required(data.valueColumn(), "data.long.value");
                Map<String, MetricInput> byName = new HashMap<>();
                for (MetricInput m : inputs) {
                    byName.put(((MetricSource.ColumnAggregate) m.spec.source()).column(), m);
                }
                return new Plan(ts, variant, new int[0][], metric, value, byName);
            }
            int[][] columns = new int[inputs.size()][];
            for (int i = 0; i < inputs.size(); i++) {
                List<String> needed = inputs.get(i).columns();
                int[] idx = new int[needed.size()];
                boolean all = true;
                for (int c = 0; c < idx.length; c++) {
                    Integer at = header.get(needed.get(c));
                    idx[c] = at == null ? -1 : at;
                    all &= at != null;
                }
                if (all) {
                    columns[i] = idx;
                    inputs.get(i).seen = true;
                }
            }
            return new Plan(ts, variant, columns, -1, -1, Map.of());
        }

        private int required(String column, String key) {
            Integer at = header.get(column);
            if (at == null) {
                throw error(1, 0, null, "column '" + column + "' (" + key + " in the spec) is not in the header; the header has: "
                        + abbreviate(String.join(", ", header.keySet())));
            }
            return at;
        }

        /** What to do with each row of this file. */
        private final class Plan {
            final int ts;
            final int variant;
            final int[][] columns;
            final int metric;
            final int value;
            final Map<String, MetricInput> byName;
            final String baselineValue;
            final String candidateValue;

            Plan(int ts, int variant, int[][] columns, int metric, int value, Map<String, MetricInput> byName) {
                this.ts = ts;
                this.variant = variant;
                this.columns = columns;
                this.metric = metric;
                this.value = value;
                this.byName = byName;
                this.baselineValue = spec.data().variant().map(DataSpec.VariantSpec::baseline).orElse(null);
                this.candidateValue = spec.data().variant().map(DataSpec.VariantSpec::candidate).orElse(null);
            }

            /** Accumulates one row; true when it is in the window and belongs to a variant. */
            boolean row(CSVRecord r, long order) {
                if (!r.isConsistent()) {
                    throw error(line, 0, null, "this row has " + r.size() + " fields, the header has " + header.size());
                }
                int v = CANDIDATE;
                if (variant >= 0) {
                    String cell = r.get(variant).trim();
                    if (cell.equals(candidateValue)) {
                        v = CANDIDATE;
                    } else if (cell.equals(baselineValue)) {
                        v = BASELINE;
                    } else {
                        return false;
                    }
                }
                long time = order;
                if (ts >= 0) {
                    Instant at = timestamp(r.get(ts).trim());
                    if (!window.contains(at)) {
                        return false;
                    }
                    time = at.getEpochSecond() * 1_000_000_000L + at.getNano();
                }
                rows[v]++;
                if (metric >= 0) {
                    MetricInput m = byName.get(r.get(metric).trim());
                    if (m != null) {
                        m.seen = true;
                        column((ColumnValues) m.acc[v], r, value, time);
                    }
                    return true;
                }
                for (int i = 0; i < columns.length; i++) {
                    if (columns[i] != null) {
                        accumulate(inputs.get(i), inputs.get(i).acc[v], r, columns[i], time);
                    }
                }
                return true;
            }

            private Instant timestamp(String cell) {
                try {
                    return Cells.instant(cell);
                } catch (DateTimeException | NumberFormatException e) {
                    throw error(line, ts + 1, header(ts), "'" + abbreviate(cell)
                            + "' is not a timestamp: use ISO-8601 with an offset (2026-03-01T12:00:00Z) or epoch seconds/milliseconds");
                }
            }

            private void accumulate(MetricInput input, Accumulator acc, CSVRecord r, int[] idx, long time) {
                if (acc instanceof ColumnValues values) {
                    column(values, r, idx[0], time);
                } else if (acc instanceof ConfusionMatrix cm) {
                    String actual = r.get(idx[0]).trim();
                    String predicted = r.get(idx[1]).trim();
                    if (actual.isEmpty() || predicted.isEmpty()) {
                        cm.missing();
                    } else {
                        cm.add(actual, predicted);
                    }
                } else if (acc instanceof RocAuc auc) {
                    String actual = r.get(idx[0]).trim();
                    double score = number(r, idx[1]);
                    if (actual.isEmpty() || Double.isNaN(score)) {
                        auc.missing();
                    } else {
                        auc.add(actual, score);
                    }
                } else {
                    RegressionErrors errors = (RegressionErrors) acc;
                    double actual = number(r, idx[0]);
                    double predicted = number(r, idx[1]);
                    if (Double.isNaN(actual) || Double.isNaN(predicted)) {
                        errors.missing();
                    } else {
                        errors.add(actual, predicted);
                    }
                }
            }

            private void column(ColumnValues values, CSVRecord r, int index, long time) {
                String cell = r.get(index).trim();
                double d;
                try {
                    d = values.wantsTruthy() ? Cells.truthy(cell) : Cells.number(cell);
                } catch (NumberFormatException e) {
                    throw error(line, index + 1, header(index), "'" + abbreviate(cell) + "' is not "
                            + (values.wantsTruthy() ? "1/0, true/false or yes/no" : "a number"));
                }
                if (Double.isNaN(d)) {
                    values.missing();
                } else {
                    values.add(d, time);
                }
            }

            private double number(CSVRecord r, int index) {
                String cell = r.get(index).trim();
                try {
                    return Cells.number(cell);
                } catch (NumberFormatException e) {
                    throw error(line, index + 1, header(index), "'" + abbreviate(cell) + "' is not a number");
                }
            }
        }

        private String header(int index) {
            for (Map.Entry<String, Integer> e : header.entrySet()) {
                if (e.getValue() == index) {
                    return e.getKey();
                }
            }
            return "#" + (index + 1);
        }

        private RolloutException error(long atLine, int column, String columnName, String message) {
            return RolloutException.input(Location.of(name, (int) Math.min(atLine, Integer.MAX_VALUE), column,
                    columnName == null ? null : "column " + columnName), message);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
