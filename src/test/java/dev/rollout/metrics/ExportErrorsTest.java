package dev.rollout.metrics;

import dev.rollout.RolloutException;
import dev.rollout.metrics.csv.ExportStream;
import dev.rollout.spec.MetricSource.Average;
import dev.rollout.spec.MetricSource.ClassificationMetric;
import dev.rollout.spec.RolloutSpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every malformed export is one {@link RolloutException} whose one-line message names the
 * file, the line (as an editor counts it, header = 1) and the column.
 */
class ExportErrorsTest {

    @TempDir
    Path tmp;
    Exports exports;

    static final RolloutSpec SPEC = Specs.logs()
            .column("lat", "latency", "p50")
            .column("err", "failed", "rate")
            .build();

    static final String HEADER = "ts,v,latency,failed\n";
    static final String GOOD = "2026-01-01T00:00:00Z,b,12,0\n";

    @BeforeEach
    void setUp() {
        exports = new Exports(tmp);
    }

    void assertError(String content, String expected) throws Exception {
        Path p = exports.write("x.csv", content);
        String message = exports.error(SPEC, p);
        assertTrue(message.contains(expected), "expected «" + expected + "» in «" + message + "»");
        assertEquals(1, message.lines().count(), "one line: " + message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            not a number | fast     | x.csv: column latency (line 3, column 3): 'fast' is not a number
            Infinity     | Infinity | x.csv: column latency (line 3, column 3): 'Infinity' is not a finite number
            -inf         | -inf     | x.csv: column latency (line 3, column 3): '-inf' is not a finite number
            hex float    | 0x1p3    | x.csv: column latency (line 3, column 3): '0x1p3' is not a number
            Java suffix  | 1d       | x.csv: column latency (line 3, column 3): '1d' is not a number
            overflow     | 1e309    | x.csv: column latency (line 3, column 3): '1e309' is beyond the range of a double
            underflow    | 5e-400   | x.csv: column latency (line 3, column 3): '5e-400' is too small for a double (below about 4.9e-324) and would read as 0
            negative underflow | -0.5e-330 | x.csv: column latency (line 3, column 3): '-0.5e-330' is too small for a double
            decimal comma| `"0,5"`  | x.csv: column latency (line 3, column 3): '0,5' is not a number
            """)
    void aCellThatIsNotAPlainFiniteNumberIsAnError(String what, String cell, String expected) throws Exception {
        assertError(HEADER + GOOD + "2026-01-01T00:00:01Z,b," + cell + ",0\n", expected);
    }

    @Test
    void aLongBadCellIsQuotedAndCutTo40Characters() throws Exception {
        Path p = exports.write("x.csv", HEADER + "2026-01-01T00:00:01Z,b," + "x".repeat(100) + ",0\n");
        assertTrue(exports.error(SPEC, p).contains("'" + "x".repeat(40) + "…' is not a number"), exports.error(SPEC, p));
    }

    @Test
    void aRateCellThatIsNotTruthyOrFalsyIsAnError() throws Exception {
        assertError(HEADER + "2026-01-01T00:00:00Z,b,1,maybe\n",
                "x.csv: column failed (line 2, column 4): 'maybe' is not 1/0, true/false or yes/no");
    }

    @Test
    void aShortRowIsAnErrorAtItsFirstMissingField() throws Exception {
        assertError(HEADER + GOOD + "2026-01-01T00:00:00Z,b,1\n",
                "x.csv: column failed (line 3, column 4): this row has 3 fields, the header has 4");
    }

    @Test
    void aLongRowIsAnErrorAtItsFirstExtraField() throws Exception {
        assertError(HEADER + GOOD + "2026-01-01T00:00:00Z,b,0,5,0\n",
                "x.csv (line 3, column 5): this row has 5 fields, the header has 4; a missing or extra separator, or an unquoted decimal comma?");
    }

    @Test
    void aDuplicateHeaderNameIsAnError() throws Exception {
        assertError("ts,v,latency,latency,failed\n" + GOOD,
                "x.csv: column latency (line 1, column 4): the header names column 'latency' twice (columns 3 and 4)");
    }

    @Test
    void aBlankHeaderNameIsAnError() throws Exception {
        assertError("ts,v,,failed\n", "x.csv (line 1, column 3): column 3 of the header has no name");
    }

    @Test
    void anUnterminatedQuoteIsAnErrorWhereTheQuoteOpens() throws Exception {
        assertError(HEADER + GOOD + "2026-01-01T00:00:00Z,b,\"12,0\n2026-01-01T00:00:00Z,b,12,0\n",
                "x.csv: column latency (line 3, column 3): not valid CSV: a quoted field is not closed");
    }

    @Test
    void textAfterAClosingQuoteIsAnError() throws Exception {
        assertError(HEADER + GOOD + "2026-01-01T00:00:00Z,b,\"12\"x,0\n",
                "x.csv: column latency (line 3, column 3): not valid CSV: text after a closing quote");
    }

    @Test
    void aRecordLongerThanAMebibyteIsRefusedWithoutReadingItAll() throws Exception {
        assertError(HEADER + GOOD + "2026-01-01T00:00:00Z,b,\"" + "9".repeat(ExportStream.MAX_RECORD_CHARS + 20_000) + "\",0\n",
                "x.csv: column latency (line 3, column 3): a record longer than 1,048,576 characters");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            words         | yesterday                 | x.csv: column ts (line 2, column 1): 'yesterday' is not a timestamp; use ISO-8601 with an offset
            no offset     | 2026-01-01T00:00:00       | x.csv: column ts (line 2, column 1): '2026-01-01T00:00:00' is not a timestamp
            no such day   | 2026-02-30T00:00:00Z      | x.csv: column ts (line 2, column 1): '2026-02-30T00:00:00Z' is not a timestamp
            empty         | ``                        | x.csv: column ts (line 2, column 1): the timestamp is empty
            """)
    void aBadTimestampIsAnError(String what, String cell, String expected) throws Exception {
        assertError(HEADER + cell + ",b,1,0\n", expected);
    }

    @Test
    void aSubnormalNumberOrAWrittenOutZeroIsAValueNotAnUnderflow() throws Exception {
        Path tiny = exports.write("tiny.csv", HEADER + "2026-01-01T00:00:00Z,b,1e-310,0\n");
        assertEquals(1e-310, Exports.read(SPEC, tiny).measurement("lat").orElseThrow().candidate().orElseThrow());
        Path zero = exports.write("zero.csv", HEADER + "2026-01-01T00:00:00Z,b,0.000e-400,0\n");
        assertEquals(0.0, Exports.read(SPEC, zero).measurement("lat").orElseThrow().candidate().orElseThrow());
    }

    @Test
    void aNulByteIsAnErrorAtItsLineAndColumnNotTrimmedAway() throws Exception {
        // "b\0" counted as the candidate "b" when cells were trimmed of NUL bytes.
        assertError(HEADER + GOOD + "2026-01-01T00:00:01Z,b\0,12,0\n",
                "x.csv: column v (line 3, column 2): a NUL byte (0x00), which no CSV text holds");
        assertError(HEADER + GOOD + "2026-01-01T00:00:01Z,b,\"1\0\",0\n", "x.csv: column latency (line 3, column 3): a NUL byte");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"UTF-16LE with a byte order mark, UTF-16LE, true", "UTF-16BE with a byte order mark, UTF-16BE, true",
            "UTF-16LE without one, UTF-16LE, false", "UTF-16BE without one, UTF-16BE, false"})
    void aUtf16FileIsSaidToBeUtf16(String what, String charset, boolean bom) throws Exception {
        byte[] text = ((bom ? "\uFEFF" : "") + HEADER + GOOD).getBytes(java.nio.charset.Charset.forName(charset));
        String message = exports.error(SPEC, exports.write("x.csv", text));
        assertEquals("x.csv (line 1): file is UTF-16; export it as UTF-8", message.substring(message.indexOf("x.csv")));
    }

    @Test
    void aByteThatIsNotUtf8IsAnErrorNamingItsLineAndColumn() throws Exception {
        byte[] latin1 = (HEADER + GOOD + "2026-01-01T00:00:00Z,\u00e9,1,0\n").getBytes(StandardCharsets.ISO_8859_1);
        Path p = exports.write("latin1.csv", latin1);
        String message = exports.error(SPEC, p);
        assertTrue(message.contains("latin1.csv: column v (line 3, column 2): byte 0xE9 is not UTF-8"), message);
    }

    @Test
    void aByteThatIsNotUtf8FarIntoTheFileStillHasItsExactLine() throws Exception {
        StringBuilder sb = new StringBuilder(HEADER);
        for (int i = 0; i < 20_000; i++) {
            sb.append(GOOD);
        }
        byte[] head = sb.toString().getBytes(StandardCharsets.UTF_8);
        byte[] tail = "2026-01-01T00:00:00Z,b,1,\u00ff\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[head.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        Path p = exports.write("big.csv.gz", all);
        String message = exports.error(SPEC, p);
        assertTrue(message.contains("big.csv.gz: column failed (line 20002, column 4): byte 0xFF is not UTF-8"), message);
    }

    @Test
    void aSemicolonSeparatedFileAsksForDataDelimiter() throws Exception {
        assertError("ts;v;latency;failed\n2026-01-01T00:00:00Z;b;0,5;0\n",
                "x.csv (line 1, column 1): the header is a single column 'ts;v;latency;failed': the file looks separated by "
                        + "semicolons, not commas; set data.delimiter: \";\" in the spec");
    }

    @Test
    void aTabSeparatedFileAsksForDataDelimiter() throws Exception {
        assertError("ts\tv\tlatency\tfailed\n", "the file looks separated by tabs, not commas; set data.delimiter: \"\\t\"");
    }

    @Test
    void aMissingVariantColumnIsAnErrorListingTheHeader() throws Exception {
        assertError("ts,latency,failed\n2026-01-01T00:00:00Z,1,0\n",
                "x.csv: column v (line 1): column 'v' (data.variant.column in the spec) is not in the header of ");
        assertTrue(exports.error(SPEC, tmp.resolve("x.csv")).endsWith("x.csv; the header has: ts, latency, failed"));
    }

    @Test
    void aMissingTimestampColumnIsAnErrorInEveryFile() throws Exception {
        Path good = exports.write("good.csv", HEADER + GOOD);
        Path bad = exports.write("bad.csv", "v,latency,failed\nb,1,0\n");
        String message = exports.error(SPEC, good, bad);
        assertTrue(message.startsWith("bad.csv: column ts (line 1): column 'ts' (data.timestamp in the spec) is not in the header"),
                message);
    }

    @Test
    void aMetricColumnInNoFileIsAnErrorNamingMetricAndColumn() throws Exception {
        RolloutSpec spec = Specs.logs().column("lat", "latency_ms", "p95").build();
        Path a = exports.write("a.csv", HEADER + GOOD);
        Path b = exports.write("b.csv", "ts,v,other\n2026-01-01T00:00:00Z,b,1\n");
        assertEquals("metric lat: column 'latency_ms' is not in the header of any of a.csv, b.csv"
                .replace("a.csv", tmp.resolve("a.csv").toString()).replace("b.csv", tmp.resolve("b.csv").toString()),
                assertThrows(RolloutException.class, () -> MetricsReader.read(spec, List.of(a, b), Window.ALL)).describe());
    }

    @Test
    void aLabelPairSplitAcrossFilesIsAnError() throws Exception {
        RolloutSpec spec = Specs.logs()
                .classification("f1", "y_true", "y_pred", ClassificationMetric.F1, Average.MACRO).build();
        Path a = exports.write("a.csv", "ts,v,y_true\n2026-01-01T00:00:00Z,b,1\n");
        Path b = exports.write("b.csv", "ts,v,y_pred\n2026-01-01T00:00:00Z,b,1\n");
        String message = exports.error(spec, a, b);
        assertTrue(message.startsWith("metric f1: columns 'y_true' and 'y_pred' are never in the header of the same export"), message);
    }

    @Test
    void anEmptyFileIsAnError() throws Exception {
        assertError("", "x.csv: the file is empty");
    }

    @Test
    void noFilesAtAllIsAnError() {
        assertEquals("no metric exports to read: name at least one CSV file", exports.error(SPEC));
    }

    @Test
    void aMissingFileIsAnError() {
        String message = exports.error(SPEC, tmp.resolve("nope.csv"));
        assertEquals("nope.csv: no such file", message);
    }

    @Test
    void aPlainFileNamedGzIsAnError() throws Exception {
        Path p = tmp.resolve("x.csv.gz");
        Files.writeString(p, HEADER + GOOD);
        assertTrue(exports.error(SPEC, p).contains("x.csv.gz (line 1): not a valid gzip file"), exports.error(SPEC, p));
    }

    @Test
    void classificationMetricsInALongExportAreAnError() {
        RolloutSpec spec = Specs.logs().longFormat("metric", "value")
                .classification("f1", "y_true", "y_pred", ClassificationMetric.F1, Average.MACRO).build();
        String message = exports.error(spec);
        assertTrue(message.startsWith("metric f1: classification and regression metrics need a wide export"), message);
    }

    @Test
    void averageBinaryWithThreeLabelsIsAnErrorLikeScikitLearn() throws Exception {
        RolloutSpec spec = Specs.logs()
                .classification("f1", "y", "p", ClassificationMetric.F1, Average.BINARY, "cat").build();
        Path p = exports.write("x.csv", "ts,v,y,p\n2026-01-01T00:00:00Z,b,cat,dog\n2026-01-01T00:00:00Z,b,bird,cat\n");
        assertEquals("metric f1: average: binary needs at most two labels, found 3 in the candidate's rows (bird, cat, dog); "
                + "use micro, macro or weighted", exports.error(spec, p));
    }

    @Test
    void averageBinaryWithAPositiveLabelNotAmongTwoLabelsIsAnErrorLikeScikitLearn() throws Exception {
        RolloutSpec spec = Specs.logs()
                .classification("recall", "y", "p", ClassificationMetric.RECALL, Average.BINARY, "1").build();
        Path p = exports.write("x.csv", "ts,v,y,p\n2026-01-01T00:00:00Z,b,yes,no\n2026-01-01T00:00:00Z,b,no,no\n");
        assertEquals("metric recall: the positive label '1' is not one of the labels in the candidate's rows (no, yes); "
                + "set positive to one of them", exports.error(spec, p));
    }

    @Test
    void lineNumbersCountQuotedLineBreaksAndBlankLinesAsAnEditorDoes() throws Exception {
        String text = HEADER
                + "2026-01-01T00:00:00Z,b,\"1\",\"0\"\n"
                + "\n"
                + "2026-01-01T00:00:00Z,\"b\",12,0\r\n"
                + "\"2026-01-01\nT00:00:00Z\",b,12,0\n"; // the timestamp has a line break in it: lines 5-6
        Path p = exports.write("x.csv", text);
        assertTrue(exports.error(SPEC, p).startsWith("x.csv: column ts (line 5, column 1): '2026-01-01\\nT00:00:00Z' is not"),
                exports.error(SPEC, p));
        Path q = exports.write("y.csv", "ts,v,latency,failed,note\n"
                + "2026-01-01T00:00:00Z,b,1,0,\"two\n\nbreaks\"\n" // lines 2-4
                + "\n"
                + "2026-01-01T00:00:00Z,b,1,bad,x\n");
        assertTrue(exports.error(SPEC, q).startsWith("y.csv: column failed (line 6, column 4): 'bad'"), exports.error(SPEC, q));
    }

    @Test
    void aCellWithALineBreakIsReportedOnOneLine() throws Exception {
        Path p = exports.write("x.csv", HEADER + "2026-01-01T00:00:00Z,b,\"1\n2\",0\n");
        String message = exports.error(SPEC, p);
        assertEquals("x.csv: column latency (line 2, column 3): '1\\n2' is not a number", message);
        assertFalse(message.contains("\n"));
    }
}
