package dev.rollout.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rollout.metrics.prometheus.PrometheusServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

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

    @Test
    void evaluateJudgesTheQueryAtTheWindowsEndAndRecordsIt() throws Exception {
        Path spec = write(spec(prometheus.url(), errorRate(ERROR_RATE)));
        CliRunner.Result r = at(prometheus.end()).run("evaluate", spec.toString(), "--since", "1h", "-o", "json");
        System.out.println(r);
        assertEquals(0, r.exit(), r.toString());
    }
}
