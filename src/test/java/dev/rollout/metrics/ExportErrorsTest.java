package dev.rollout.metrics;

import dev.rollout.RolloutException;
import dev.rollout.spec.RolloutSpec;
import dev.rollout.spec.SpecLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every malformed export is an error naming file, line and column; the well-formed oddities parse. */
class ExportErrorsTest {

    @TempDir
    Path tmp;

    static final RolloutSpec SPEC = SpecLoader.parse("s.yaml", """
            version: 1
            name: t
            model: {baseline: a, candidate: b}
            stages: [{name: s, traffic: 5}]
            data: {timestamp: ts, variant: {column: v}}
            metrics:
              - {name: lat, column: latency, aggregate: p50, direction: lower, normalize: {best: 0, worst: 100}}
              - {name: err, column: failed, aggregate: rate, weight: 0}
            """.getBytes(StandardCharsets.UTF_8));

    Path file(String name, byte[] bytes) throws Exception {
        Path p = tmp.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    Path file(String name, String text) throws Exception {
        return file(name, text.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            not a number      | ts,v,latency,failed\\n2026-01-01T00:00:00Z,b,12,0\\n2026-01-01T00:00:01Z,b,fast,0\\n | x.csv: column latency (line 3, column 3): 'fast' is not a number
            Infinity          | ts,v,latency,failed\\n2026-01-01T00:00:00Z,b,Infinity,0\\n | x.csv: column latency (line 2, column 3): 'Infinity' is not a number
            hex float         | ts,v,latency,failed\\n2026-01-01T00:00:00Z,b,0x1p3,0\\n | '0x1p3' is not a number
            overflow          | ts,v,latency,failed\\n2026-01-01T00:00:00Z,b,1e309,0\\n | '1e309' is not a number
            truthy            | ts,v,latency,failed\\n2026-01-01T00:00:00Z,b,1,maybe\\n | x.csv: column failed (line 2, column 4): 'maybe' is not 1/0, true/false or yes/no
            ragged row        | ts,v,latency,failed\\n2026-01-01T00:00:00Z,b,1,0\\n2026-01-01T00:00:00Z,b,1\\n | x.csv (line 3): this row has 3 fields, the header has 4
            duplicate header  | ts,v,latency,latency,failed\\n | x.csv (line 1): bad header
            bad timestamp     | ts,v,latency,failed\\nyesterday,b,1,0\\n | x.csv: column ts (line 2, column 1): 'yesterday' is not a timestamp
            missing column    | ts,latency,failed\\n | x.csv (line 1): column 'v' (data.variant.column in the spec) is not in the header
            semicolons        | ts;v;latency;failed\\n | the file seems to use another separator; set data.delimiter
            unterminated quote| ts,v,latency,failed\\n2026-01-01T00:00:00Z,b,"12,0\\n | x.csv (line 2): not valid CSV
            """)
    void malformedExportsNameFileLineAndColumn(String what, String content, String message) throws Exception {
        Path p = file("x.csv", content.replace("\\n", "\n"));
        RolloutException e = assertThrows(RolloutException.class, () -> MetricsReader.read(SPEC, List.of(p), Window.ALL), what);
        String described = e.describe().replace(tmp.toString() + "/", "");
        assertTrue(described.contains(message), described);
    }

    @Test
    void badUtf8IsAnErrorWithTheLine() throws Exception {
        byte[] bytes = "ts,v,latency,failed\n2026-01-01T00:00:00Z,b,1,0\n2026-01-01T00:00:00Z,\u00e9,1,0\n".getBytes(StandardCharsets.ISO_8859_1);
        Path p = file("latin1.csv", bytes);
        RolloutException e = assertThrows(RolloutException.class, () -> MetricsReader.read(SPEC, List.of(p), Window.ALL));
        assertTrue(e.describe().contains("not valid UTF-8"), e.describe());
    }

    @Test
    void bomCrlfQuotedNewlinesGzipAndSeveralFilesParse() throws Exception {
        Path a = file("a.csv", "\uFEFFts,v,latency,failed,note\r\n2026-01-01T00:00:00Z,b,10,0,\"multi\r\nline\"\r\n1767225601,a,20,yes,x\r\n");
        Path gz = tmp.resolve("b.csv.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write("ts,v,latency,failed\n1767225602000,b,30,true\n2026-01-01T01:00:00+01:00,b,,0\n".getBytes(StandardCharsets.UTF_8));
        }
        MetricsReport r = MetricsReader.read(SPEC, List.of(a, gz), Window.ALL);
        assertEquals(3, r.candidateRows());
        assertEquals(1, r.baselineRows());
        Measurement lat = r.measurement("lat").orElseThrow();
        assertEquals(20.0, lat.candidate().getAsDouble(), 0.0, "median of 10, 30; the empty cell is missing");
        assertEquals(1, lat.candidateMissing());
        assertEquals(1.0 / 3, r.measurement("err").orElseThrow().candidate().getAsDouble(), 1e-15);
        assertEquals(64, r.files().get(1).sha256().length());
    }
}
