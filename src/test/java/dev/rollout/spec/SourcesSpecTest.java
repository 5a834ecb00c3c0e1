package dev.rollout.spec;

import dev.rollout.RolloutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The spec's {@code sources:} block and each metric's {@code source:}. */
class SourcesSpecTest {

    static final String SOURCES = """
            sources:
              warehouse:
                sql: {url: "jdbc:postgresql://db.internal:5432/ml", query: "select * from predictions", timeout: 2m}
              nightly:
                command: {run: [sh, export.sh]}
              inline:
                command: {run: "cat day.csv"}
            """;

    static String spec(String sources, String metricSource) {
        return SpecLoaderTest.VALID.replace("metrics:\n", sources + "metrics:\n")
                .replace("  - name: accuracy\n", "  - name: accuracy\n" + metricSource);
    }

    @Test
    void readsEachKindAndTheMetricsThatNameOne() {
        RolloutSpec spec = SpecLoaderTest.parse(spec(SOURCES, "    source: warehouse\n"));
        assertEquals(List.of("warehouse", "nightly", "inline"), List.copyOf(spec.sources().keySet()), "the spec's order");
        SourceSpec.Sql sql = spec.sources().get("warehouse").match(s -> s, p -> null, c -> null);
        assertEquals("jdbc:postgresql://db.internal:5432/ml", sql.url());
        assertEquals(Optional.of("select * from predictions"), sql.query());
        assertEquals(Duration.ofMinutes(2), sql.timeout());
        SourceSpec.Command nightly = spec.sources().get("nightly").match(s -> null, p -> null, c -> c);
        assertEquals(List.of("sh", "export.sh"), nightly.argv());
        assertEquals(SourceSpec.DEFAULT_TIMEOUT, nightly.timeout());
        assertEquals(List.of("sh", "-c", "cat day.csv"),
                spec.sources().get("inline").match(s -> null, p -> null, SourceSpec.Command::argv));
        assertEquals(Optional.of("warehouse"), spec.metrics().get(0).sourceName());
        assertEquals(Optional.empty(), spec.metrics().get(1).sourceName());
        assertTrue(spec.readsFiles(), "latency_p95 and f1 still read --metrics");
        assertEquals(1, spec.withMetrics(spec.metrics().subList(0, 1)).metrics().size());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "an undefined source | '    source: lake\n' | metrics[0].source | no source 'lake' in sources: (defined: warehouse, nightly, inline)",
            "no sources at all | '    source: lake\n' | metrics[0].source | no source 'lake' in sources: (the spec defines none)",
    })
    void aMetricNamesADefinedSource(String name, String metricSource, String path, String message) {
        String sources = name.equals("no sources at all") ? "" : SOURCES;
        RolloutException e = assertThrows(RolloutException.class, () -> SpecLoaderTest.parse(spec(sources, metricSource)));
        assertTrue(e.describe().contains(path) && e.describe().contains(message), e.describe());
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "'  a:\n    sql: {url: \"jdbc:duckdb:\", table: t}\n    command: {run: [x]}\n' | a source is one of sql, prometheus or command, not several",
            "'  a:\n    kafka: {topic: t}\n' | a source is one of sql, prometheus or command",
            "'  a-b:\n    command: {run: [x]}\n' | 'a-b' is not a valid source name",
            "'  a:\n    sql: {url: \"jdbc:postgresql://u:secret@db/ml\", table: t}\n' | the URL carries a password",
            "'  a:\n    sql: {url: \"jdbc:postgresql://db/ml?user=u&password=secret\", table: t}\n' | the URL carries a password",
            "'  a:\n    sql: {url: \"postgresql://db/ml\", table: t}\n' | a JDBC URL starts with 'jdbc:'",
            "'  a:\n    sql: {url: \"jdbc:duckdb:\"}\n' | a sql source reads one of query or table",
            "'  a:\n    sql: {url: \"jdbc:duckdb:\", table: t, query: q}\n' | a sql source reads one of query or table",
            "'  a:\n    command: {run: []}\n' | names no program to run",
            "'  a:\n    command: {run: [x], timeout: 0s}\n' | must be longer than zero",
            "'  a:\n    command: {run: [x], env: {A: b}}\n' | unknown key 'env'",
            "'  a:\n    prometheus: {url: \"prometheus:9090\", variantLabel: version}\n' | a Prometheus URL starts with http://",
    })
    void aBadSourceIsAnErrorNamingItsLine(String block, String message) {
        RolloutException e = assertThrows(RolloutException.class,
                () -> SpecLoaderTest.parse(spec("sources:\n" + block, "")));
        assertTrue(e.describe().contains(message), e.describe());
        assertTrue(e.location().line() >= 22, "names the line in sources: " + e.describe());
        assertTrue(e.describe().startsWith("spec.yaml: "), e.describe());
    }

    static final String PROM = """
            sources:
              prom:
                prometheus: {url: "http://127.0.0.1:9090", variantLabel: version, timeout: 5s}
              warehouse:
                sql: {url: "jdbc:duckdb:", table: t}
            """;

    @Test
    void aPrometheusMetricIsAQueryOfAPrometheusSource() {
        RolloutSpec spec = SpecLoaderTest.parse(spec(PROM,
                "    source: prom\n    prometheus: 'sum by (version) (rate(errors_total[{{window}}]))'\n"));
        MetricSpec m = spec.metrics().get(0);
        assertEquals(MetricSource.Kind.PROMETHEUS, m.source().kind());
        assertEquals("sum by (version) (rate(errors_total[{{window}}]))",
                m.source().match(a -> null, c -> null, r -> null, MetricSource.Prometheus::query, d -> null, g -> null));
        assertEquals(List.of(), m.source().columns(), "no row columns");
        SourceSpec.Prometheus prom = spec.sources().get("prom").match(s -> null, p -> p, c -> null);
        assertEquals("version", prom.variantLabel());
        assertEquals(Duration.ofSeconds(5), prom.timeout());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "no source | '    prometheus: up\n' | metrics[0].prometheus | a prometheus: metric reads a Prometheus server: name a source of kind prometheus with source:",
            "a sql source | '    source: warehouse\n    prometheus: up\n' | metrics[0].source | ('warehouse' is a sql source)",
            "a row metric from prometheus | '    source: prom\n' | metrics[0].source | source 'prom' is a Prometheus server: a metric read from it is a query",
            "compare | '    source: prom\n    prometheus: up\n    compare: {margin: 1}\n' | metrics[0].compare | compare needs each variant's rows, and a prometheus: metric has none",
            "aggregate | '    source: prom\n    prometheus: up\n    aggregate: p95\n' | metrics[0].aggregate | already aggregated; remove 'aggregate'",
            "column | '    source: prom\n    prometheus: up\n    column: x\n' | metrics[0].column | remove 'column'",
            "classification | '    source: prom\n    prometheus: up\n    classification: {actual: a, predicted: b, metric: f1}\n' | metrics[0].classification | remove 'classification'",
            "an empty query | '    source: prom\n    prometheus: \" \"\n' | metrics[0].prometheus | is an empty query",
    })
    void aPrometheusMetricRefusesWhatNeedsRows(String name, String metricSource, String path, String message) {
        RolloutException e = assertThrows(RolloutException.class, () -> SpecLoaderTest.parse(spec(PROM, metricSource)));
        assertTrue(e.describe().contains(path) && e.describe().contains(message), e.describe());
    }

    @Test
    void aPrometheusMetricNeedsNoWideRows() {
        String yaml = spec(PROM, "    source: prom\n    prometheus: up\n").replace("data:\n", "data:\n  format: long\n");
        assertEquals(MetricSource.Kind.PROMETHEUS, SpecLoaderTest.parse(yaml.replace("""
                  - name: f1
                    classification: {actual: y_true, predicted: y_pred, metric: f1, average: weighted}
                """, "")).metrics().get(0).source().kind(), "a long export's rule is about rows");
    }
}
