package dev.rollout.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rollout.metrics.prometheus.PrometheusServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Prometheus metrics through every command that evaluates, against a real Prometheus. */
class PrometheusCliTest {

    @TempDir
    static Path serverDir;
    static PrometheusServer prometheus;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        prometheus = PrometheusServer.start(serverDir);
    }

    @AfterAll
    static void stop() throws Exception {
        if (prometheus != null) {
            prometheus.close();
        }
    }

    static final String ERROR_RATE = "sum by (version) (rate(errors_total{job=\"fraud\"}[{{window}}]))"
            + " / sum by (version) (rate(requests_total{job=\"fraud\"}[{{window}}]))";

    static String spec(String url, String metrics) {
        return """
                version: 1
                name: fraud-detector
                model:
                  baseline: "41"
                  candidate: "42"
                stages:
                  - name: canary
                    traffic: 5
                    minSamples: 1000
                  - name: full
                    traffic: 100
                sources:
                  prom:
                    prometheus: {url: "%s", variantLabel: version, timeout: 3s}
                metrics:
                %s
                scoring:
                  promote: 0.7
                  rollback: 0.5
                """.formatted(url, metrics.indent(2).stripTrailing());
    }

    static String errorRate(String query) {
        return """
                - name: error_rate
                  source: prom
                  prometheus: '%s'
                  direction: lower
                  normalize: baseline
                  gate: {max: 0.01, maxRegression: 0.002}
                """.formatted(query);
    }

    Path write(String yaml) throws Exception {
        Path spec = tmp.resolve("rollout.yaml");
        Files.writeString(spec, yaml);
        return spec;
    }

    CliRunner at(Instant now) {
        return new CliRunner().at(now.toString());
    }

    /** Every file the rollout keeps beside the spec, to show a failed command wrote nothing. */
    Map<String, String> stored() throws Exception {
        Map<String, String> files = new TreeMap<>();
        Path dir = tmp.resolve(".rollout");
        if (Files.isDirectory(dir)) {
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.filter(Files::isRegularFile).toList()) {
                    files.put(dir.relativize(p).toString(), Files.readString(p));
                }
            }
        }
        return files;
    }

    static void near(double expected, JsonNode actual) {
        assertTrue(actual.isNumber(), "a number: " + actual);
        assertEquals(expected, actual.asDouble(), 1e-12 * expected);
    }

    @Test
    void evaluateJudgesTheQueryAtTheWindowsEndAndRecordsIt() throws Exception {
        Path spec = write(spec(prometheus.url(), errorRate(ERROR_RATE)));
        CliRunner runner = at(prometheus.end()).env("ROLLOUT_SOURCE_PROM_TOKEN", "tok-Secret-77");
        CliRunner.Result r = runner.run("evaluate", spec.toString(), "--since", "1h", "-o", "json");
        assertEquals(0, r.exit(), r.toString());
        JsonNode e = r.json();
        assertEquals("PROMOTE", e.get("decision").asText(), "minSamples 1000 does not apply to a query: " + r);
        JsonNode m = e.get("metrics").get(0);
        near(0.005, m.get("baseline"));
        near(0.004, m.get("candidate"));
        assertTrue(m.get("notes").toString().contains("1 series of neither variant left out: version=\\\"40\\\""), m.toString());
        assertTrue(e.get("rows").get("notes").get(0).asText().contains("minSamples does not apply"), e.toString());
        assertEquals(prometheus.end().minus(Duration.ofHours(1)).toString(), e.get("window").get("since").asText());
        JsonNode input = e.get("inputs").get(0);
        assertEquals(1, e.get("inputs").size());
        assertEquals("prometheus", input.get("kind").asText());
        assertEquals("prom", input.get("source").asText());
        assertEquals(prometheus.url(), input.get("path").asText());
        assertEquals(ERROR_RATE.replace("{{window}}", "3600s"), input.get("query").asText());
        assertEquals(prometheus.end().toString(), input.get("time").asText());
        assertTrue(input.get("sha256").asText().matches("[0-9a-f]{64}"), input.toString());
        assertEquals(3, input.get("rows").asLong(), "series in the answer");

        CliRunner.Result text = runner.run("evaluate", spec.toString(), "--since", "1h");
        assertEquals(0, text.exit(), text.toString());
        assertTrue(text.out().contains("read prom: prometheus '" + prometheus.url() + "' query sum by (version)") && text.out().contains("[3600s]"
                + "))") && text.out().contains(" at " + prometheus.end() + " (3 series)"), text.out());
        assertTrue(!r.out().contains("tok-Secret-77") && !text.out().contains("tok-Secret-77") && !stored().toString().contains("tok-Secret-77"));
    }

    @Test
    void advanceWithoutMetricsEvaluatesFromPrometheusAndReportShowsIt() throws Exception {
        Path spec = write(spec(prometheus.url(), errorRate(ERROR_RATE)));
        Instant entered = prometheus.end().minus(Duration.ofMinutes(30));
        CliRunner.Result start = at(entered).run("advance", spec.toString());
        assertEquals(0, start.exit(), start.toString());
        CliRunner.Result moved = at(prometheus.end()).run("advance", spec.toString(), "-o", "json");
        assertEquals(0, moved.exit(), moved.toString());
        assertEquals("full", moved.json().get("stage").get("name").asText(), moved.toString());

        CliRunner.Result history = at(prometheus.end()).run("history", spec.toString(), "-o", "json");
        assertEquals(0, history.exit(), history.toString());
        List<String> queries = history.json().findValuesAsText("query");
        assertEquals(List.of(ERROR_RATE.replace("{{window}}", "1800s")), queries, "the window since the stage was entered");
        assertEquals(List.of(prometheus.end().toString()), history.json().findValuesAsText("time"));

        Path html = tmp.resolve("report.html");
        CliRunner.Result report = at(prometheus.end()).run("report", spec.toString(), "--out", html.toString());
        assertEquals(0, report.exit(), report.toString());
        String page = Files.readString(html);
        assertTrue(page.contains("error_rate") && page.contains("0.004"), "the evaluation's values are in the report");
    }

    @Test
    void aSpecMixingPrometheusAndCsvCountsTheCsvRows() throws Exception {
        String latency = """
                - name: latency_p95
                  column: latency_ms
                  aggregate: p95
                  direction: lower
                  normalize: {best: 50, worst: 400}
                """;
        String yaml = spec(prometheus.url(), errorRate(ERROR_RATE) + latency)
                .replace("sources:", "data:\n  timestamp: ts\n  variant: {column: model_version}\nsources:");
        Path spec = write(yaml);
        StringBuilder csv = new StringBuilder("ts,model_version,latency_ms\n");
        Instant t = prometheus.end().minus(Duration.ofMinutes(20));
        for (int i = 0; i < 5; i++) {
            csv.append(t.plusSeconds(i)).append(",41,").append(100 + i).append('\n');
            csv.append(t.plusSeconds(i)).append(",42,").append(90 + i).append('\n');
        }
        Path export = tmp.resolve("latency.csv");
        Files.writeString(export, csv);

        CliRunner.Result few = at(prometheus.end()).run("evaluate", spec.toString(), "--metrics", export.toString(),
                "--since", "1h", "-o", "json");
        assertEquals(3, few.exit(), few.toString());
        JsonNode e = few.json();
        assertEquals(5, e.get("rows").get("candidate").asLong(), "the CSV's rows, not 0 for the query without rows");
        assertTrue(e.get("reasons").toString().contains("only 5 candidate rows in the window; stage canary needs minSamples 1000"),
                e.toString());
        near(0.004, e.get("metrics").get(0).get("candidate"));
        near(93.8, e.get("metrics").get(1).get("candidate"));
        assertEquals(List.of("prometheus", "csv"), e.get("inputs").findValuesAsText("kind"));

        Files.writeString(spec, yaml.replace("minSamples: 1000", "minSamples: 5"));
        CliRunner.Result enough = at(prometheus.end()).run("evaluate", spec.toString(), "--metrics", export.toString(),
                "--since", "1h", "-o", "json");
        assertEquals(0, enough.exit(), enough.toString());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "a misspelt metric | sum by (version) (rate(eror_total[{{window}}])) | the query returned no series: no data in the window",
            "a variant missing | sum by (version) (rate(requests_total{version=\"41\"}[{{window}}])) | no series with version=\"42\" (the candidate)",
            "a variant twice | rate(shard_total[{{window}}]) | 2 series with version=\"42\" (the candidate): the query must give one per variant",
            "0/0 | sum by (version) (rate(idle_total[{{window}}])) / sum by (version) (rate(idle_total[{{window}}])) | the series with version=\"42\" (the candidate) is NaN",
            "x/0 | sum by (version) (rate(errors_total[{{window}}])) / sum by (version) (rate(idle_total[{{window}}])) | the series with version=\"42\" (the candidate) is +Inf",
    })
    void aQueryWithoutAValuePerVariantHoldsAndSaysWhy(String name, String query, String note) throws Exception {
        Path spec = write(spec(prometheus.url(), errorRate(query)));
        CliRunner.Result r = at(prometheus.end()).run("evaluate", spec.toString(), "--since", "1h", "-o", "json");
        assertEquals(3, r.exit(), r.toString());
        JsonNode m = r.json().get("metrics").get(0);
        assertTrue(m.get("candidate").isNull(), m.toString());
        assertTrue(m.get("notes").toString().replace("\\\"", "\"").contains(note), m.toString());
        assertEquals("HOLD", r.json().get("decision").asText());
    }

    @Test
    void aServerThatRefusesFailsOrHangsIsExitOneNamingTheSourceAndNothingIsWritten() throws Exception {
        Path spec = write(spec(prometheus.url(), errorRate("sum(rate(requests_total[{{window}}])")));
        assertEquals(0, at(prometheus.end().minus(Duration.ofHours(1))).run("advance", spec.toString()).exit());
        Map<String, String> before = stored();

        CliRunner.Result bad = at(prometheus.end()).run("advance", spec.toString());
        assertEquals(1, bad.exit(), bad.toString());
        assertTrue(bad.err().contains("source prom, metric error_rate: " + prometheus.url() + " answered HTTP 400, bad_data: ")
                && bad.err().contains("parse error"), bad.err());
        assertEquals(before, stored(), "nothing written");

        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Files.writeString(spec, spec("http://127.0.0.1:" + closed, errorRate(ERROR_RATE)));
        CliRunner.Result refused = at(prometheus.end()).run("evaluate", spec.toString());
        assertEquals(1, refused.exit(), refused.toString());
        assertTrue(refused.err().contains("source prom, metric error_rate: cannot connect to http://127.0.0.1:" + closed),
                refused.err());
        assertEquals(before, stored(), "nothing written");

        Files.writeString(spec, spec(prometheus.url(), errorRate(ERROR_RATE)));
        prometheus.freeze();
        CliRunner.Result hung;
        try {
            hung = at(prometheus.end()).run("evaluate", spec.toString());
        } finally {
            prometheus.thaw();
        }
        assertEquals(1, hung.exit(), hung.toString());
        assertTrue(hung.err().contains("source prom, metric error_rate: no answer from " + prometheus.url()
                + " within 3s (the source's timeout)"), hung.err());
        assertEquals(before, stored(), "nothing written");
    }

    @Test
    void aWindowWithoutAStartIsRefusedForAQueryThatNeedsItsLength() throws Exception {
        Path spec = write(spec(prometheus.url(), errorRate(ERROR_RATE)));
        CliRunner.Result r = at(prometheus.end()).run("evaluate", spec.toString());
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("source prom, metric error_rate: the query uses {{window}}, but the window has no start:"
                + " start the rollout"), r.err());
    }
}
