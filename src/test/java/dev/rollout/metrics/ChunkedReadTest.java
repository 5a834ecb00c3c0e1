package dev.rollout.metrics;

import dev.rollout.RolloutException;
import dev.rollout.spec.MetricSource.Average;
import dev.rollout.spec.MetricSource.ClassificationMetric;
import dev.rollout.spec.MetricSource.RegressionMetric;
import dev.rollout.spec.RolloutSpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The parallel read and the one-pass read agree: on seeded random exports of every shape the
 * reader accepts, the chunked read gives the same rows, hashes, counts, order statistics,
 * label metrics and AUC bit for bit, and the same running sums to within an ulp or two; the
 * number of threads never changes a bit; and every file the chunks cannot take (quotes, gzip,
 * an error anywhere) falls back to one pass with exactly its result or its error message.
 */
class ChunkedReadTest {

    /** Metrics whose value is a running sum: merged chunks may round differently in the last bits. */
    private static final Set<String> SUMS = Set.of("mean", "sum", "stddev", "mae", "rmse", "mape");

    static final RolloutSpec WIDE = wideSpec(',');

    /** {@link #WIDE} for an export whose cells are separated by {@code delimiter}. */
    static RolloutSpec wideSpec(char delimiter) {
        return Specs.logs().delimiter(delimiter)
            .column("mean", "latency", "mean")
            .column("sum", "latency", "sum")
            .column("min", "latency", "min")
            .column("max", "latency", "max")
            .column("median", "latency", "median")
            .column("p95", "latency", "p95")
            .column("p99.9", "latency", "p99.9")
            .column("count", "latency", "count")
            .column("stddev", "latency", "stddev")
            .column("last", "latency", "last")
            .column("rate", "failed", "rate")
            .classification("accuracy", "y_true", "y_pred", ClassificationMetric.ACCURACY, Average.BINARY)
            .classification("f1", "y_true", "y_pred", ClassificationMetric.F1, Average.MACRO)
            .classification("recall", "y_true", "y_pred", ClassificationMetric.RECALL, Average.WEIGHTED)
            .classification("precision", "y_true", "y_pred", ClassificationMetric.PRECISION, Average.MICRO)
            .auc("auc", "y_true", "score", "1")
            .regression("mae", "actual", "predicted", RegressionMetric.MAE)
            .regression("rmse", "actual", "predicted", RegressionMetric.RMSE)
            .regression("mape", "actual", "predicted", RegressionMetric.MAPE)
            .build();
    }

    static final RolloutSpec LONG = Specs.logs().longFormat("metric", "value")
            .column("mean", "latency", "mean")
            .column("p95", "latency", "p95")
            .column("last", "latency", "last")
            .column("rate", "failed", "rate")
            .column("count", "rare", "count")
            .build();

    static final String[] LABELS = {"0", "1", "2", "cat", "ünï", "1"};

    @TempDir
    Path tmp;
    Exports exports;

    @BeforeEach
    void setUp() {
        exports = new Exports(tmp);
    }

    /** Records how each file was read. */
    /** Records how each file was read, and checks that progress goes forward to the file's size. */
    static final class Chunked implements Reading.Progress {
        final List<Integer> chunks = new ArrayList<>();
        long size;
        long last;
        boolean failed;

        @Override
        public void start(String file, long bytes) {
            size = bytes;
            last = 0;
        }

        @Override
        public void at(long bytesRead) {
            assertTrue(bytesRead >= last, "progress goes forward: " + bytesRead + " after " + last);
            assertTrue(size < 0 || bytesRead <= size, "progress within the file: " + bytesRead + " of " + size);
            last = bytesRead;
        }

        @Override
        public void chunked(int count) {
            chunks.add(count);
        }

        @Override
        public void end() {
            failed |= size >= 0 && last != size;
        }
    }

    static MetricsReport onePass(RolloutSpec spec, Window window, Path... files) {
        return MetricsReader.read(spec, List.of(files), window, new Reading(1, 0, Reading.Progress.NONE));
    }

    static MetricsReport chunked(RolloutSpec spec, Window window, int threads, long chunk, Chunked seen, Path... files) {
        return MetricsReader.read(spec, List.of(files), window, new Reading(threads, chunk, seen));
    }

    @Test
    void randomWideExportsReadTheSameInChunksAsInOnePass() throws Exception {
        for (int seed = 1; seed <= 40; seed++) {
            Random random = new Random(seed);
            Path a = exports.write("wide-" + seed + "-a.csv", wide(random, 200 + random.nextInt(1500)));
            Path b = exports.write("wide-" + seed + "-b.csv", wide(random, 50 + random.nextInt(400)));
            Window window = seed % 3 == 0 ? new Window(Optional.of(Instant.parse("2026-03-01T00:05:00Z")),
                    Optional.of(Instant.parse("2026-03-01T00:40:00Z"))) : Window.ALL;
            long chunk = 64 + random.nextInt(2000);
            agree("seed " + seed, WIDE, window, chunk, a, b);
        }
    }

    @Test
    void randomLongExportsReadTheSameInChunksAsInOnePass() throws Exception {
        for (int seed = 1; seed <= 20; seed++) {
            Random random = new Random(1000 + seed);
            Path a = exports.write("long-" + seed + ".csv", longExport(random, 300 + random.nextInt(2000)));
            agree("seed " + seed, LONG, Window.ALL, 64 + random.nextInt(1000), a);
        }
    }

    private void agree(String what, RolloutSpec spec, Window window, long chunk, Path... files) {
        MetricsReport one = onePass(spec, window, files);
        Chunked seen1 = new Chunked();
        MetricsReport serial = chunked(spec, window, 1, chunk, seen1, files);
        Chunked seen4 = new Chunked();
        MetricsReport parallel = chunked(spec, window, 4, chunk, seen4, files);
        assertFalse(seen4.chunks.isEmpty(), what + ": no file was read in chunks");
        assertTrue(seen4.chunks.stream().allMatch(c -> c > 1), what + ": " + seen4.chunks);
        assertEquals(seen1.chunks, seen4.chunks, what + ": the cuts depend on the thread count");
        assertFalse(seen1.failed || seen4.failed, what + ": progress did not reach the end of every file");
        assertEquals(serial, parallel, what + ": one thread and four threads differ");

        assertEquals(one.files(), parallel.files(), what + ": files");
        assertEquals(one.baselineRows(), parallel.baselineRows(), what);
        assertEquals(one.candidateRows(), parallel.candidateRows(), what);
        for (int i = 0; i < one.measurements().size(); i++) {
            Measurement o = one.measurements().get(i);
            Measurement p = parallel.measurements().get(i);
            String m = what + ", " + o.metric();
            assertEquals(o.notes(), p.notes(), m);
            assertEquals(o.baselineSamples(), p.baselineSamples(), m);
            assertEquals(o.candidateSamples(), p.candidateSamples(), m);
            assertEquals(o.baselineMissing(), p.baselineMissing(), m);
            assertEquals(o.candidateMissing(), p.candidateMissing(), m);
            same(m + " baseline", o.baseline(), p.baseline(), SUMS.contains(o.metric()));
            same(m + " candidate", o.candidate(), p.candidate(), SUMS.contains(o.metric()));
        }
    }

    private static void same(String what, OptionalDouble one, OptionalDouble chunks, boolean sum) {
        assertEquals(one.isPresent(), chunks.isPresent(), what);
        if (one.isEmpty()) {
            return;
        }
        double a = one.getAsDouble();
        double b = chunks.getAsDouble();
        if (sum) {
            assertEquals(a, b, Math.max(Math.abs(a), 1e-300) * 1e-13, what);
        } else {
            assertEquals(Double.doubleToLongBits(a), Double.doubleToLongBits(b), what + ": " + a + " vs " + b);
        }
    }

    /**
     * The file is cut where {@link dev.rollout.metrics.csv.Chunks#length} says, plain and
     * gzipped alike, whatever the threads: four chunks of 64 KiB and the rest of a line, one of
     * 128 KiB, and the rest (206,760 bytes, less than the 256 KiB a sixth cut needs).
     */
    @Test
    void theCutsRampUpAndDependOnlyOnTheFile() throws Exception {
        RolloutSpec spec = Specs.spec().column("count", "x", "count").build();
        StringBuilder text = new StringBuilder("x\n");
        Random random = new Random(3);
        while (text.length() < 600_000) {
            // 20 bytes a line, random digits: the gzipped file stays large enough to be read in chunks.
            text.append(String.format(java.util.Locale.ROOT, "%09d.%09d\n", random.nextInt(1_000_000_000), random.nextInt(1_000_000_000)));
        }
        Path plain = exports.write("ramp.csv", text.toString());
        Path gz = tmp.resolve("ramp.csv.gz");
        try (var out = new java.util.zip.GZIPOutputStream(java.nio.file.Files.newOutputStream(gz))) {
            out.write(text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        for (Path p : List.of(plain, gz)) {
            for (int threads : new int[] {1, 3}) {
                Chunked seen = new Chunked();
                MetricsReport r = chunked(spec, Window.ALL, threads, 1 << 18, seen, p);
                assertEquals(List.of(6), seen.chunks, p + ", " + threads + " threads");
                assertEquals(30_000, r.measurements().get(0).candidateSamples());
            }
        }
    }

    /**
     * Chunks of a megabyte, larger than one read of the file (a chunk is read in pieces of a
     * quarter of a megabyte): every piece lands where it belongs, and the file is read in chunks,
     * not given up to the one pass (which would give the same values, only slowly).
     */
    @Test
    void chunksLargerThanOneReadAreReadWhole() throws Exception {
        Random random = new Random(77);
        Path p = exports.write("large-chunks.csv", wide(random, 60_000));
        assertTrue(java.nio.file.Files.size(p) > 3 << 20, "the file holds several chunks of 1 MiB: " + java.nio.file.Files.size(p));
        agree("1 MiB chunks", WIDE, Window.ALL, 1 << 20, p);
    }

    /**
     * A plain decimal in data.missing (-999, 0.0) makes such cells missing in chunks as in one
     * pass; the chunks' fast path reads any other decimal without looking at the words.
     */
    @Test
    void aDecimalInDataMissingIsMissingInChunksAsInOnePass() throws Exception {
        RolloutSpec spec = Specs.logs().missing("", "NaN", "-999", "0.0")
                .column("p95", "latency", "p95")
                .column("count", "latency", "count")
                .column("min", "latency", "min")
                .build();
        Random random = new Random(99);
        StringBuilder text = new StringBuilder("ts,v,latency\n");
        for (int i = 0; i < 3000; i++) {
            int pick = random.nextInt(10);
            String cell = pick == 0 ? "-999" : pick == 1 ? "0.0" : pick == 2 ? "0" : pick == 3 ? "-999.5"
                    : String.format(java.util.Locale.ROOT, "%.2f", random.nextDouble() * 300);
            text.append("2026-03-01T00:").append(String.format("%02d", i % 60)).append(":00Z,")
                    .append(random.nextBoolean() ? "a" : "b").append(',').append(cell).append('\n');
        }
        Path p = exports.write("decimal-missing.csv", text.toString());
        agree("decimal missing words", spec, Window.ALL, 256, p);
        Measurement count = onePass(spec, Window.ALL, p).measurements().get(1);
        assertTrue(count.candidateMissing() > 100 && count.baselineMissing() > 100, count.toString());
        // "0" and "-999.5" are numbers, not the words "0.0" and "-999": the least value is -999.5.
        assertEquals(-999.5, onePass(spec, Window.ALL, p).measurements().get(2).baseline().getAsDouble());
    }

    @Test
    void aQuoteAnywhereMeansOnePassWithTheSameResult() throws Exception {
        Random random = new Random(7);
        String text = wide(random, 1500);
        // A quoted line break late in the file: a cut at that line feed would split the record.
        int at = text.lastIndexOf("\n", text.length() - 200);
        String quoted = text.substring(0, at + 1) + "2026-03-01T00:59:59Z,b,\"1\n2\",1,1,1,0.5,3,3\n" + text.substring(at + 1);
        Path p = exports.write("quoted.csv", quoted.replace(",b,\"1\n2\",", ",b,\"12\","));
        Path withBreak = exports.write("quoted-break.csv", quoted.replace(",b,\"1\n2\",1,", ",b,12,\"x\ny\","));
        Chunked seen = new Chunked();
        assertEquals(onePass(WIDE, Window.ALL, p), chunked(WIDE, Window.ALL, 4, 128, seen, p));
        assertTrue(seen.chunks.isEmpty(), "read in chunks despite a quote");
        RolloutException e = assertThrows(RolloutException.class, () -> chunked(WIDE, Window.ALL, 4, 128, new Chunked(), withBreak));
        RolloutException f = assertThrows(RolloutException.class, () -> onePass(WIDE, Window.ALL, withBreak));
        assertEquals(f.describe(), e.describe());
        assertTrue(e.describe().contains("'x\\ny' is not 1/0"), e.describe());
    }

    @Test
    void anErrorInALateChunkIsReportedExactlyAsOnePassReportsIt() throws Exception {
        Random random = new Random(11);
        String text = wide(random, 2000);
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        int bad = lines.size() - 40;
        String[] cells = lines.get(bad).split(",", -1);
        cells[2] = "12,5";
        lines.set(bad, String.join(",", cells));
        Path ragged = exports.write("ragged.csv", String.join("\n", lines));
        cells[2] = "fast";
        lines.set(bad, String.join(",", java.util.Arrays.copyOf(cells, 9)));
        Path word = exports.write("word.csv", String.join("\n", lines));
        // An extra field, and a row short of a column no metric reads: chunks have no header map to check them against.
        List<String> extra = new ArrayList<>(List.of(text.split("\n", -1)));
        extra.set(bad, extra.get(bad) + ",surplus");
        Path surplus = exports.write("surplus.csv", String.join("\n", extra));
        List<String> noted = new ArrayList<>();
        for (String l : text.split("\n", -1)) {
            noted.add(l.isBlank() ? l : l + ",note");
        }
        int plain = bad;
        while (text.split("\n", -1)[plain].isBlank()) {
            plain--;
        }
        noted.set(plain, text.split("\n", -1)[plain]);
        Path shortRow = exports.write("short.csv", String.join("\n", noted));
        byte[] latin1 = text.getBytes(StandardCharsets.UTF_8);
        int late = text.lastIndexOf(",b,", text.length() - 300) + 1;
        latin1[late] = (byte) 0xE9;
        Path encoding = exports.write("latin1.csv", latin1);
        for (Path p : List.of(ragged, word, encoding, surplus, shortRow)) {
            RolloutException one = assertThrows(RolloutException.class, () -> onePass(WIDE, Window.ALL, p));
            Chunked seen = new Chunked();
            RolloutException chunks = assertThrows(RolloutException.class, () -> chunked(WIDE, Window.ALL, 3, 256, seen, p));
            assertEquals(one.describe(), chunks.describe(), p.toString());
            assertTrue(one.describe().contains("line "), one.describe());
        }
    }

    @Test
    void aNulByteAnUnderflowAndUtf16AreReportedInChunksExactlyAsInOnePass() throws Exception {
        String text = wide(new Random(12), 2000);
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int late = text.lastIndexOf(",b,", text.length() - 300) + 2;
        byte[] nul = bytes.clone();
        nul[late] = 0;
        Path nulFile = exports.write("nul.csv", nul);
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        int bad = lines.size() - 40;
        while (lines.get(bad).isBlank()) {
            bad--;
        }
        String[] cells = lines.get(bad).split(",", -1);
        cells[2] = "5e-400";
        lines.set(bad, String.join(",", cells));
        Path underflow = exports.write("underflow.csv", String.join("\n", lines));
        Path utf16 = exports.write("utf16.csv", text.getBytes(StandardCharsets.UTF_16LE));
        for (Path p : List.of(nulFile, underflow, utf16)) {
            RolloutException one = assertThrows(RolloutException.class, () -> onePass(WIDE, Window.ALL, p));
            Chunked seen = new Chunked();
            RolloutException chunks = assertThrows(RolloutException.class, () -> chunked(WIDE, Window.ALL, 3, 1024, seen, p));
            assertEquals(one.describe(), chunks.describe(), p.toString());
            assertTrue(one.describe().contains("line "), one.describe());
        }
        assertTrue(onePassError(nulFile).contains("a NUL byte (0x00)"), onePassError(nulFile));
        assertTrue(onePassError(underflow).contains("(line " + (bad + 1) + ", column 3): '5e-400' is too small"),
                onePassError(underflow));
        assertTrue(onePassError(utf16).endsWith("utf16.csv (line 1): file is UTF-16; export it as UTF-8"), onePassError(utf16));
    }

    /** What the chunks' byte scanner reads differently from the parser is left to the one pass: a lone CR, odd blanks. */
    @Test
    void whatOnlyTheParserReadsIsLeftToTheOnePass() throws Exception {
        String text = wide(new Random(13), 2000).replace("\r\n", "\n");
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        int bad = lines.size() - 40;
        while (lines.get(bad).isBlank()) {
            bad--;
        }
        // A carriage return alone ends a record for the parser: here it splits one row into two short ones.
        String row = lines.get(bad);
        lines.set(bad, row.substring(0, row.indexOf(',') + 1) + "\r" + row.substring(row.indexOf(',') + 1));
        Path loneCr = exports.write("lone-cr.csv", String.join("\n", lines));
        RolloutException one = assertThrows(RolloutException.class, () -> onePass(WIDE, Window.ALL, loneCr));
        RolloutException chunks = assertThrows(RolloutException.class, () -> chunked(WIDE, Window.ALL, 3, 256, new Chunked(), loneCr));
        assertEquals(one.describe(), chunks.describe());

        // A line of ideographic spaces is blank to the parser's check, though trim() keeps them; long mantissas and a
        // plus sign go to the text rules.
        List<String> odd = new ArrayList<>(List.of(text.split("\n", -1)));
        odd.add(bad, "\u3000\u3000");
        odd.add(bad - 200, "\t \t");
        for (int i = 1; i < odd.size(); i += 7) {
            String[] cells = odd.get(i).split(",", -1);
            if (cells.length == 9) {
                cells[2] = i % 2 == 0 ? "+" + i + ".12345678901234567" : " \t" + i + ".5\t";
                odd.set(i, String.join(",", cells));
            }
        }
        agree("odd", WIDE, Window.ALL, 256, exports.write("odd.csv", String.join("\n", odd)));
    }

    /**
     * The chunks' scanner looks at eight bytes at a time: a line end, a CRLF, a byte it must
     * doubt or a line to check as UTF-8 can fall at any place in a word and across two. At
     * every shift of the same rows by one byte, a valid file reads as the one pass reads it and
     * a file with a lone CR, a NUL, a quote or a bad UTF-8 byte (right after a valid line with
     * bytes above 127) fails with the one pass's very message.
     */
    @Test
    void everyByteIsSeenWhereverItFallsInAWord() throws Exception {
        for (int shift = 0; shift < 16; shift++) {
            String pad = "x".repeat(shift);
            // Columns nobody reads at both ends: a bad byte there is found by the scanner, not by a cell's rule.
            StringBuilder sb = new StringBuilder("note,ts,v,latency,failed,y_true,y_pred,score,actual,predicted,tail\r\n");
            // Past what the header's reader decodes ahead (64 Ki chars), where only the chunks see the bytes.
            for (int i = 0; i < 2000; i++) {
                sb.append('n').append(pad).append(",2026-03-01T00:").append(String.format(Locale.ROOT, "%02d", i % 60))
                        .append(":00Z,").append(i % 3 == 0 ? "a" : "b").append(',').append(i % 97).append(".5,0,")
                        .append(LABELS[i % LABELS.length]).append(',').append(LABELS[(i + 1) % LABELS.length])
                        .append(",0.5,1,2,").append(i % 5 == 0 ? "ü" : "t").append(i % 2 == 0 ? "\r\n" : "\n");
            }
            String text = sb.toString();
            agree("shift " + shift, WIDE, Window.ALL, 4096, exports.write("shift-" + shift + ".csv", text));
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            // Byte offsets: the text has two-byte characters.
            String latin = new String(bytes, StandardCharsets.ISO_8859_1);
            int late = bytes.length - 700;
            int after = latin.indexOf("\u00c3\u00bc\n", late) + 3; // the 'n' starting a line after one with bytes above 127
            List<byte[]> bad = new ArrayList<>();
            for (byte b : new byte[] {'\r', 0, '"', (byte) 0xff}) {
                byte[] copy = bytes.clone();
                // A quote opens a quoted field only at a field's start; the others are wrong anywhere.
                copy[b == (byte) 0xff ? after : latin.indexOf(",0.5,", late + shift) + 1] = b;
                bad.add(copy);
            }
            for (int k = 0; k < bad.size(); k++) {
                Path p = exports.write("bad-" + shift + "-" + k + ".csv", bad.get(k));
                RolloutException one = assertThrows(RolloutException.class, () -> onePass(WIDE, Window.ALL, p),
                        "shift " + shift + ", byte " + k);
                RolloutException chunks = assertThrows(RolloutException.class,
                        () -> chunked(WIDE, Window.ALL, 2, 4096, new Chunked(), p), "shift " + shift + ", byte " + k);
                assertEquals(one.describe(), chunks.describe(), "shift " + shift + ", byte " + k);
            }
        }
    }

    /**
     * The scanner finds the bytes 0x08 to 0x0F with the line ends (LF and CR are two of them) and
     * keeps the others in their field: a vertical tab or a form feed inside a label, a tab or a
     * backspace around a number (cut by trim() as the one pass cuts them), and a tab as the
     * delimiter, read as the one pass reads them.
     */
    @Test
    void controlBytesBesideTheLineEndsAreFieldBytes() throws Exception {
        String text = wide(new Random(21), 3000);
        String[] controls = {"\u0008", "\t", "\u000b", "\f", "\u000e", "\u000f"};
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        for (int i = 1; i < lines.size(); i++) {
            String[] cells = lines.get(i).split(",", -1);
            if (cells.length == 9) {
                String c = controls[i % controls.length];
                cells[4] = i % 3 == 0 ? cells[4] + c + "x" : cells[4]; // y_true: a label with a control byte inside
                cells[2] = i % 4 == 0 ? c + cells[2] + c : cells[2]; // latency: blanks around a number
                lines.set(i, String.join(",", cells));
            }
        }
        String controlled = String.join("\n", lines);
        agree("control bytes", WIDE, Window.ALL, 256, exports.write("controls.csv", controlled));
        // Tab-separated: the tabs that were blanks become spaces, every comma a tab.
        String tabbed = controlled.replace("\t", " ").replace(',', '\t');
        agree("tab-separated", wideSpec('\t'), Window.ALL, 256, exports.write("controls.tsv", tabbed));
    }

    private static String onePassError(Path p) {
        return assertThrows(RolloutException.class, () -> onePass(WIDE, Window.ALL, p)).describe();
    }

    /** The parser skips empty lines before the header; the first cut must not fall after one of them. */
    @Test
    void blankLinesBeforeTheHeaderMeanOnePass() throws Exception {
        for (String before : List.of("\n", "\r\n\n", "\uFEFF\n")) {
            String text = wide(new Random(9), 1200);
            text = text.startsWith("\uFEFF") ? text.substring(1) : text;
            Path p = exports.write("blank.csv", before + text);
            Chunked seen = new Chunked();
            assertEquals(onePass(WIDE, Window.ALL, p), chunked(WIDE, Window.ALL, 3, 256, seen, p));
            assertTrue(seen.chunks.isEmpty(), seen.chunks.toString());
            assertEquals(1200, onePass(WIDE, Window.ALL, p).files().get(0).rows(), "the header is not a row");
        }
    }

    @Test
    void gzipAndSmallFilesAreReadInOnePass() throws Exception {
        Random random = new Random(3);
        String text = wide(random, 800);
        Path gz = exports.write("log.csv.gz", text);
        Path small = exports.write("small.csv", wide(new Random(4), 3));
        Chunked seen = new Chunked();
        assertTrue(Files.size(gz) > 2 * 1024 && Files.size(small) < 2 * 1024);
        assertEquals(onePass(WIDE, Window.ALL, small), chunked(WIDE, Window.ALL, 4, 1024, seen, small));
        assertTrue(seen.chunks.isEmpty(), seen.chunks.toString());
    }

    /** A gzipped export is inflated on one thread and parsed in chunks on the others, cut where its plain text is. */
    @Test
    void aGzippedExportIsParsedInTheChunksOfItsPlainText() throws Exception {
        for (int seed = 1; seed <= 12; seed++) {
            Random random = new Random(500 + seed);
            String text = wide(random, 1500 + random.nextInt(3000));
            Path gz = exports.write("log-" + seed + ".csv.gz", text);
            Path plain = exports.write("log-" + seed + ".csv", text);
            long chunk = 256 + random.nextInt(4000);
            agree("gz seed " + seed, WIDE, Window.ALL, chunk, gz);
            Chunked gzSeen = new Chunked();
            Chunked plainSeen = new Chunked();
            MetricsReport fromGz = chunked(WIDE, Window.ALL, 3, chunk, gzSeen, gz);
            MetricsReport fromPlain = chunked(WIDE, Window.ALL, 3, chunk, plainSeen, plain);
            assertEquals(plainSeen.chunks, gzSeen.chunks, "the same cuts");
            assertEquals(fromPlain.measurements(), fromGz.measurements(), "gz seed " + seed);
        }
        // Problems in a late chunk: the one pass reads the file again and says where, as it does for a plain file.
        String text = wide(new Random(41), 3000);
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int late = text.lastIndexOf(",b,", text.length() - 300) + 2;
        byte[] nul = bytes.clone();
        nul[late] = 0;
        byte[] quote = bytes.clone();
        quote[late] = '"';
        byte[] latin1 = bytes.clone();
        latin1[late - 1] = (byte) 0xE9;
        for (byte[] b : List.of(nul, quote, latin1)) {
            Path gz = exports.write("bad.csv.gz", b);
            RolloutException one = assertThrows(RolloutException.class, () -> onePass(WIDE, Window.ALL, gz));
            Chunked seen = new Chunked();
            RolloutException chunks = assertThrows(RolloutException.class, () -> chunked(WIDE, Window.ALL, 3, 1024, seen, gz));
            assertEquals(one.describe(), chunks.describe());
        }
    }

    /** A pipe ({@code --metrics <(zcat log.csv.gz)}) can be read only once: never in chunks, never twice. */
    @Test
    void aPipeIsReadOnceInOnePass() throws Exception {
        String text = wide(new Random(5), 1500);
        Path regular = exports.write("regular.csv", text);
        Path fifo = tmp.resolve("pipe.csv");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        Thread writer = new Thread(() -> {
            try {
                Files.writeString(fifo, text);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        writer.setDaemon(true);
        writer.start();
        Chunked seen = new Chunked();
        MetricsReport fromPipe = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20),
                () -> chunked(WIDE, Window.ALL, 4, 128, seen, fifo));
        assertTrue(seen.chunks.isEmpty());
        MetricsReport fromFile = onePass(WIDE, Window.ALL, regular);
        assertEquals(fromFile.measurements(), fromPipe.measurements());
        assertEquals(fromFile.files().get(0).sha256(), fromPipe.files().get(0).sha256());
    }

    // --- generators ---

    /** A wide export: every shape the reader accepts unquoted, in random mixtures. */
    static String wide(Random r, int rows) {
        String nl = r.nextBoolean() ? "\n" : "\r\n";
        StringBuilder sb = new StringBuilder();
        if (r.nextInt(4) == 0) {
            sb.append('\uFEFF');
        }
        sb.append("ts,v,latency,failed,y_true,y_pred,score,actual,predicted").append(nl);
        long t = Instant.parse("2026-03-01T00:00:00Z").getEpochSecond();
        for (int i = 0; i < rows; i++) {
            int blank = r.nextInt(60);
            if (blank == 0) {
                sb.append(nl);
            } else if (blank == 1) {
                sb.append("   ").append(nl);
            }
            t += r.nextInt(4) - (r.nextInt(10) == 0 ? 5 : 0); // ties and some rows out of order
            String ts = switch (r.nextInt(3)) {
                case 0 -> Instant.ofEpochSecond(t).toString();
                case 1 -> Long.toString(t);
                default -> Instant.ofEpochSecond(t, r.nextInt(1000) * 1_000_000L).toString();
            };
            String v = r.nextInt(10) == 0 ? "c" : r.nextBoolean() ? "a" : "b";
            String latency = switch (r.nextInt(12)) {
                case 0 -> "";
                case 1 -> "NaN";
                case 2 -> " " + r.nextInt(500) + " ";
                case 3 -> String.format(Locale.ROOT, "%.3e", r.nextDouble() * 800);
                case 4 -> "-0.0";
                default -> String.format(Locale.ROOT, "%.2f", 20 + r.nextGaussian() * 40 + r.nextInt(3) * 100);
            };
            String failed = new String[] {"0", "1", "true", "false", "yes", "no", "", "0", "0"}[r.nextInt(9)];
            String truth = LABELS[r.nextInt(LABELS.length)];
            String predicted = r.nextInt(3) == 0 ? LABELS[r.nextInt(LABELS.length)] : truth;
            if (r.nextInt(40) == 0) {
                predicted = "";
            }
            String score = r.nextInt(30) == 0 ? "" : Double.toString(Math.round(r.nextDouble() * 50) / 50.0);
            double actual = r.nextInt(20) == 0 ? 0 : 1 + r.nextDouble() * 100;
            String act = Double.toString(actual);
            String pred = r.nextInt(25) == 0 ? "nan" : Double.toString(actual + r.nextGaussian() * 3);
            sb.append(String.join(",", ts, v, latency, failed, truth, predicted, score, act, pred));
            if (i < rows - 1 || r.nextBoolean()) {
                sb.append(nl);
            }
        }
        return sb.toString();
    }

    /** A long export: ts, v, metric, value, with names the spec reads and names it does not. */
    static String longExport(Random r, int rows) {
        StringBuilder sb = new StringBuilder("ts,v,metric,value\n");
        long t = Instant.parse("2026-03-01T00:00:00Z").getEpochSecond();
        String[] names = {"latency", "latency", "failed", "other", "rare"};
        for (int i = 0; i < rows; i++) {
            t += r.nextInt(3);
            String name = names[r.nextInt(i > rows / 2 ? 5 : 4)]; // 'rare' appears only in the second half
            String value = name.equals("failed") ? (r.nextBoolean() ? "1" : "0")
                    : r.nextInt(15) == 0 ? "" : String.format(Locale.ROOT, "%.3f", r.nextDouble() * 100);
            sb.append(Instant.ofEpochSecond(t)).append(',').append(r.nextInt(8) == 0 ? "c" : r.nextBoolean() ? "a" : "b")
                    .append(',').append(name).append(',').append(value).append('\n');
        }
        return sb.toString();
    }
}
