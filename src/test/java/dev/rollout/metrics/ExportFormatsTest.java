package dev.rollout.metrics;

import dev.rollout.spec.RolloutSpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shapes of exports that are well formed, however odd: they all read. */
class ExportFormatsTest {

    @TempDir
    Path tmp;
    Exports exports;

    static final RolloutSpec SPEC = Specs.logs()
            .column("lat", "latency", "mean")
            .column("lat_p50", "latency", "p50")
            .column("err", "failed", "rate")
            .build();

    @BeforeEach
    void setUp() {
        exports = new Exports(tmp);
    }

    static double candidate(MetricsReport r, String metric) {
        return r.measurement(metric).orElseThrow().candidate().orElseThrow();
    }

    static double baseline(MetricsReport r, String metric) {
        return r.measurement(metric).orElseThrow().baseline().orElseThrow();
    }

    @Test
    void aByteOrderMarkIsNotPartOfTheFirstColumnName() throws Exception {
        Path p = exports.write("bom.csv", "\uFEFFts,v,latency,failed\n2026-01-01T00:00:00Z,b,10,0\n");
        assertEquals(10.0, candidate(Exports.read(SPEC, p), "lat"));
    }

    @Test
    void crlfLineEndsAndQuotedLineBreaksRead() throws Exception {
        Path p = exports.write("crlf.csv", "ts,v,latency,failed,note\r\n"
                + "2026-01-01T00:00:00Z,b,10,0,\"two\r\nlines\"\r\n"
                + "2026-01-01T00:00:01Z,b,\"20\",\"1\",\"say \"\"hi\"\"\"\r\n");
        MetricsReport r = Exports.read(SPEC, p);
        assertEquals(2, r.candidateRows());
        assertEquals(15.0, candidate(r, "lat"));
        assertEquals(0.5, candidate(r, "err"));
        assertEquals(2, r.files().get(0).rows());
    }

    @Test
    void gzipInputReadsLikeThePlainFileAndIsHashedAsStored() throws Exception {
        String text = "ts,v,latency,failed\n2026-01-01T00:00:00Z,b,10,0\n2026-01-01T00:00:00Z,a,30,1\n";
        Path plain = exports.write("x.csv", text);
        Path gz = exports.write("x.csv.gz", text);
        MetricsReport a = Exports.read(SPEC, plain);
        MetricsReport b = Exports.read(SPEC, gz);
        assertEquals(a.measurements(), b.measurements());
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(gz)));
        assertEquals(digest, b.files().get(0).sha256());
        assertEquals(gz.toString(), b.files().get(0).path());
        assertEquals(new InputFile(gz.toString(), digest, 2, 2), b.files().get(0));
    }

    @Test
    void severalFilesAddUpAndAFileWithoutAMetricsColumnsContributesNothingToIt() throws Exception {
        Path a = exports.write("a.csv", "ts,v,latency,failed\n2026-01-01T00:00:00Z,b,10,0\n2026-01-01T00:00:00Z,a,5,0\n");
        Path b = exports.write("b.csv", "ts,v,latency\n2026-01-01T00:00:00Z,b,20\n");
        Path c = exports.write("c.csv", "v,failed,ts\nb,1,2026-01-01T00:00:00Z\nb,1,2026-01-01T00:00:00Z\n");
        MetricsReport r = Exports.read(SPEC, a, b, c);
        assertEquals(4, r.candidateRows());
        assertEquals(1, r.baselineRows());
        assertEquals(15.0, candidate(r, "lat"));
        assertEquals(2, r.measurement("lat").orElseThrow().candidateSamples());
        assertEquals(2.0 / 3, candidate(r, "err"));
        assertEquals(List.of(2L, 1L, 2L), r.files().stream().map(InputFile::rows).toList());
    }

    @Test
    void theDelimiterComesFromTheSpec() throws Exception {
        RolloutSpec spec = Specs.logs().delimiter(';').column("lat", "latency", "mean").build();
        Path p = exports.write("semi.csv", "ts;v;latency\n2026-01-01T00:00:00Z;b;1.5\n2026-01-01T00:00:00Z;b;2.5\n");
        assertEquals(2.0, candidate(Exports.read(spec, p), "lat"));
    }

    @Test
    void emptyLinesAndLinesOfOnlySpacesAreSkipped() throws Exception {
        Path p = exports.write("gaps.csv", "ts,v,latency,failed\n\n2026-01-01T00:00:00Z,b,10,0\n   \n\n2026-01-01T00:00:00Z,b,20,0\n \n");
        MetricsReport r = Exports.read(SPEC, p);
        assertEquals(15.0, candidate(r, "lat"));
        assertEquals(2, r.files().get(0).rows());
    }

    @Test
    void spacesAroundCellsAndHeaderNamesAreIgnored() throws Exception {
        Path p = exports.write("pad.csv", "ts , v,latency ,failed\n2026-01-01T00:00:00Z, b , 10 , yes \n");
        MetricsReport r = Exports.read(SPEC, p);
        assertEquals(10.0, candidate(r, "lat"));
        assertEquals(1.0, candidate(r, "err"));
    }

    @Test
    void emptyAndNaNCellsAreMissingValuesNotZeros() throws Exception {
        Path p = exports.write("m.csv", "ts,v,latency,failed\n"
                + "2026-01-01T00:00:00Z,b,10,0\n"
                + "2026-01-01T00:00:00Z,b,,\n"
                + "2026-01-01T00:00:00Z,b,NaN,nan\n"
                + "2026-01-01T00:00:00Z,b,nan,1\n"
                + "2026-01-01T00:00:00Z,b,20,\n"
                + "2026-01-01T00:00:00Z,b,0,0\n");
        MetricsReport r = Exports.read(SPEC, p);
        Measurement lat = r.measurement("lat").orElseThrow();
        assertEquals(10.0, lat.candidate().orElseThrow(), "mean of 10, 20, 0; the blanks are not zeros");
        assertEquals(3, lat.candidateSamples());
        assertEquals(3, lat.candidateMissing());
        assertEquals(10.0, candidate(r, "lat_p50"));
        Measurement err = r.measurement("err").orElseThrow();
        assertEquals(1.0 / 3, err.candidate().orElseThrow());
        assertEquals(3, err.candidateMissing());
        assertEquals(6, r.candidateRows(), "a row with missing cells is still a row");
    }

    @Test
    void aColumnOfOnlyBlanksHasNoValueAndSaysWhy() throws Exception {
        Path p = exports.write("blank.csv", "ts,v,latency,failed\n2026-01-01T00:00:00Z,b,,0\n2026-01-01T00:00:00Z,a,3,0\n");
        Measurement lat = Exports.read(SPEC, p).measurement("lat").orElseThrow();
        assertTrue(lat.candidate().isEmpty());
        assertEquals(3.0, lat.baseline().orElseThrow());
        assertEquals(List.of("no candidate values in the window (1 empty or NaN cell)"), lat.notes());
    }

    @Test
    void rowsOfOtherVariantsAreIgnoredAndNotCounted() throws Exception {
        Path p = exports.write("v.csv", "ts,v,latency,failed\n2026-01-01T00:00:00Z,b,10,0\n2026-01-01T00:00:00Z,c,1000,1\n"
                + "2026-01-01T00:00:00Z,a,30,1\n");
        MetricsReport r = Exports.read(SPEC, p);
        assertEquals(1, r.candidateRows());
        assertEquals(1, r.baselineRows());
        assertEquals(10.0, candidate(r, "lat"));
        assertEquals(30.0, baseline(r, "lat"));
        assertEquals(new InputFile(p.toString(), r.files().get(0).sha256(), 3, 2), r.files().get(0));
        assertEquals(1, r.otherRows(), "counted apart, never compared");
    }

    @Test
    void rowsOfOtherVariantsInTheWindowAreCountedAndNamedMostFrequentFirst() throws Exception {
        StringBuilder csv = new StringBuilder("ts,v,latency,failed\n");
        String[] values = {"b", "a", "c", "42", "42", "c", "42", "x1", "x2", "x3", "x4", "x5", "x6"};
        for (String v : values) {
            csv.append("2026-01-01T00:00:00Z,").append(v).append(",10,0\n");
        }
        csv.append("2025-12-01T00:00:00Z,c,10,0\n"); // outside the window
        Path p = exports.write("o.csv", csv.toString());
        Window window = new Window(Optional.of(Instant.parse("2026-01-01T00:00:00Z")), Optional.empty());
        for (long chunk : new long[] {0, 1024}) {
            MetricsReport r = MetricsReader.read(SPEC, List.of(p), window, new Reading(2, chunk, Reading.Progress.NONE));
            assertEquals(11, r.otherRows());
            assertEquals(List.of("11 rows in the window left out: the variant is neither the baseline 'a' nor the candidate"
                    + " 'b' ('42': 3, 'c': 2, 'x1': 1, 'x2': 1, 'x3': 1, other values: 3); check model.candidate and"
                    + " data.variant"), r.notes());
        }
    }

    @Test
    void withoutAVariantColumnEveryRowIsTheCandidatesAndThereIsNoBaseline() throws Exception {
        RolloutSpec spec = Specs.spec().column("lat", "latency", "mean").build();
        Path p = exports.write("c.csv", "latency,other\n10,x\n20,y\n");
        MetricsReport r = Exports.read(spec, p);
        assertFalse(r.hasVariant());
        assertEquals(2, r.candidateRows());
        assertEquals(0, r.baselineRows());
        Measurement lat = r.measurement("lat").orElseThrow();
        assertEquals(15.0, lat.candidate().orElseThrow());
        assertTrue(lat.baseline().isEmpty());
        assertEquals(List.of(), lat.notes(), "no baseline is the judge's to mention, once");
    }

    @Test
    void aVariantColumnWithoutBaselineRowsNotesIt() throws Exception {
        Path p = exports.write("c.csv", "ts,v,latency,failed\n2026-01-01T00:00:00Z,b,10,0\n");
        Measurement lat = Exports.read(SPEC, p).measurement("lat").orElseThrow();
        assertTrue(lat.baseline().isEmpty());
        assertEquals(List.of("no baseline rows in the window"), lat.notes());
    }

    @Test
    void theWindowKeepsRowsFromSinceToUntilInclusiveAndOnlyThoseCount() throws Exception {
        Path p = exports.write("w.csv", "ts,v,latency,failed\n"
                + "2026-01-01T09:59:59.999Z,b,1,0\n"
                + "2026-01-01T10:00:00Z,b,2,0\n"           // since, inclusive
                + "2026-01-01T12:00:00+02:00,b,3,0\n"      // 10:00 UTC too
                + "1767265200,b,4,0\n"                     // 2026-01-01T11:00:00Z in epoch seconds
                + "1767268800000,b,5,0\n"                  // 12:00:00Z in epoch milliseconds, until, inclusive
                + "2026-01-01 12:00:00.001Z,b,6,0\n");
        Window w = new Window(Optional.of(Instant.parse("2026-01-01T10:00:00Z")), Optional.of(Instant.parse("2026-01-01T12:00:00Z")));
        MetricsReport r = MetricsReader.read(SPEC, List.of(p), w);
        assertEquals(4, r.candidateRows());
        assertEquals(3.5, candidate(r, "lat"));
        assertEquals(6, r.files().get(0).rows());
        assertEquals(4, r.files().get(0).rowsInWindow());
    }

    @Test
    void withoutATimestampColumnTheWindowIsIgnored() throws Exception {
        RolloutSpec spec = Specs.spec().variant("v", "a", "b").column("lat", "latency", "mean").build();
        Path p = exports.write("n.csv", "v,latency\nb,1\nb,3\n");
        MetricsReport r = MetricsReader.read(spec, List.of(p),
                new Window(Optional.of(Instant.parse("2099-01-01T00:00:00Z")), Optional.empty()));
        assertEquals(2.0, candidate(r, "lat"));
    }

    @Test
    void anEmptyWindowHasNoValuesAndSaysSo() throws Exception {
        Path p = exports.write("e.csv", "ts,v,latency,failed\n2026-01-01T00:00:00Z,b,1,0\n2026-01-01T00:00:00Z,a,1,0\n");
        MetricsReport r = MetricsReader.read(SPEC, List.of(p), new Window(Optional.of(Instant.parse("2027-01-01T00:00:00Z")),
                Optional.empty()));
        Measurement lat = r.measurement("lat").orElseThrow();
        assertTrue(lat.candidate().isEmpty() && lat.baseline().isEmpty());
        assertEquals(List.of("no candidate rows in the window", "no baseline rows in the window"), lat.notes());
    }

    @Test
    void lastIsTheValueOfTheNewestRowAndOfTheLaterRowReadOnTies() throws Exception {
        RolloutSpec spec = Specs.logs().column("last", "latency", "last").build();
        Path a = exports.write("a.csv", "ts,v,latency\n"
                + "2026-01-01T10:00:00Z,b,1\n"
                + "2026-01-01T12:00:00Z,b,2\n"             // newest so far
                + "2026-01-01T11:00:00Z,b,3\n"             // older, read later: not last
                + "2026-01-01T12:00:00Z,b,\n");            // newest but missing: skipped
        Path b = exports.write("b.csv", "ts,v,latency\n"
                + "2026-01-01T14:00:00+02:00,b,4\n");      // 12:00 UTC again: a tie, read later, wins
        assertEquals(2.0, candidate(Exports.read(spec, a), "last"));
        assertEquals(4.0, candidate(Exports.read(spec, a, b), "last"));
        assertEquals(2.0, candidate(Exports.read(spec, b, a), "last"), "ties go to the later row read, across files too");
    }

    @Test
    void withoutATimestampColumnLastIsTheLastRowRead() throws Exception {
        RolloutSpec spec = Specs.spec().column("last", "latency", "last").build();
        Path a = exports.write("a.csv", "latency\n5\n7\n");
        Path b = exports.write("b.csv", "latency\n9\n\n3\n");
        assertEquals(3.0, candidate(Exports.read(spec, a, b), "last"));
        assertEquals(7.0, candidate(Exports.read(spec, b, a), "last"));
    }

    @Test
    void countSumMinMaxAndStddevOfAFewValues() throws Exception {
        RolloutSpec spec = Specs.spec().column("count", "x", "count").column("sum", "x", "sum").column("min", "x", "min")
                .column("max", "x", "max").column("sd", "x", "stddev").column("median", "x", "median").build();
        MetricsReport r = Exports.read(spec, exports.write("f.csv", "x\n2\n4\n4\n4\n5\n5\n7\n9\n\n"));
        assertEquals(8.0, candidate(r, "count"));
        assertEquals(40.0, candidate(r, "sum"));
        assertEquals(2.0, candidate(r, "min"));
        assertEquals(9.0, candidate(r, "max"));
        assertEquals(Math.sqrt(32.0 / 7), candidate(r, "sd"), 1e-15, "sample standard deviation, ddof = 1");
        assertEquals(4.5, candidate(r, "median"));
    }

    @Test
    void stddevOfOneValueIsUndefinedWithANote() throws Exception {
        RolloutSpec spec = Specs.spec().column("sd", "x", "stddev").column("n", "x", "count").build();
        MetricsReport r = Exports.read(spec, exports.write("one.csv", "x\n3\n"));
        Measurement sd = r.measurement("sd").orElseThrow();
        assertTrue(sd.candidate().isEmpty());
        assertEquals(List.of("stddev needs at least 2 candidate values, found 1"), sd.notes());
        assertEquals(1.0, candidate(r, "n"));
    }

    @Test
    void aCountOfNothingIsZeroNotUndefined() throws Exception {
        RolloutSpec spec = Specs.spec().column("n", "x", "count").build();
        assertEquals(0.0, candidate(Exports.read(spec, exports.write("none.csv", "x\n\nNaN\n")), "n"));
    }

    @Test
    void aLongExportGivesTheSameValuesAsTheWideOne() throws Exception {
        RolloutSpec wide = Specs.logs().column("latency_ms", "latency_ms", "p95").column("lat_mean", "latency_ms", "mean")
                .column("error_rate", "is_error", "rate").column("last", "latency_ms", "last").build();
        RolloutSpec tidy = Specs.logs().longFormat("metric", "value").column("latency_ms", "latency_ms", "p95")
                .column("lat_mean", "latency_ms", "mean").column("error_rate", "is_error", "rate")
                .column("last", "latency_ms", "last").build();
        StringBuilder w = new StringBuilder("ts,v,latency_ms,is_error\n");
        StringBuilder l = new StringBuilder("ts,v,metric,value\n");
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 500; i++) {
            String ts = Instant.parse("2026-01-01T00:00:00Z").plusSeconds(random.nextInt(600)).toString();
            String v = random.nextBoolean() ? "a" : "b";
            String lat = random.nextInt(20) == 0 ? "" : String.valueOf(Math.round(random.nextGaussian() * 3000 + 10000) / 100.0);
            String err = random.nextInt(10) == 0 ? "yes" : "no";
            w.append(ts).append(',').append(v).append(',').append(lat).append(',').append(err).append('\n');
            l.append(ts).append(',').append(v).append(",latency_ms,").append(lat).append('\n');
            l.append(ts).append(',').append(v).append(",is_error,").append(err).append('\n');
            l.append(ts).append(',').append(v).append(",unrelated,").append("whatever").append('\n');
        }
        MetricsReport fromWide = Exports.read(wide, exports.write("wide.csv", w.toString()));
        MetricsReport fromLong = Exports.read(tidy, exports.write("long.csv", l.toString()));
        assertEquals(fromWide.measurements(), fromLong.measurements());
        // A long row is one value: a variant has the rows of its best-covered metric, as many as the wide export, so
        // minSamples means the same in both; the rows of 'unrelated', which the spec does not read, never count.
        assertEquals(fromWide.candidateRows(), fromLong.candidateRows());
        assertEquals(fromWide.baselineRows(), fromLong.baselineRows());
    }

    @Test
    void aLongExportWithoutAMetricsNameIsAnErrorButAnEmptyOneIsNot() throws Exception {
        RolloutSpec tidy = Specs.logs().longFormat("metric", "value").column("lat", "latency_ms", "p95").build();
        Path header = exports.write("empty.csv", "ts,v,metric,value\n");
        assertTrue(Exports.read(tidy, header).measurement("lat").orElseThrow().candidate().isEmpty());
        Path other = exports.write("other.csv", "ts,v,metric,value\n2026-01-01T00:00:00Z,b,latency,5\n");
        assertTrue(exports.error(tidy, other).startsWith("metric lat: no row of other.csv has 'latency_ms' in its 'metric' column"),
                exports.error(tidy, other));
    }
}
