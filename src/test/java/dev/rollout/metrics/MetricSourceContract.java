package dev.rollout.metrics;

import dev.rollout.RolloutException;
import dev.rollout.metrics.memory.MemorySource;
import dev.rollout.spec.MetricSource.Average;
import dev.rollout.spec.MetricSource.ClassificationMetric;
import dev.rollout.spec.MetricSource.RegressionMetric;
import dev.rollout.spec.RolloutSpec;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every metric source promises: the same rows give the same {@link MetricsReport} —
 * the same values, sample and missing counts, notes, positive labels, rows per variant and
 * rows of other variants. A source's test extends this class and says how the rows reach it
 * ({@link #measure}); the expected report is the one the simplest source, {@link MemorySource},
 * makes of the same rows, and a few values are also checked from first principles.
 */
abstract class MetricSourceContract {

    /** The clock of a source read outside the CLI: these sources read no clock, but the context carries one. */
    static final java.time.Instant NOW = java.time.Instant.parse("2026-03-02T12:00:00Z");

    static final List<String> HEADER = List.of("ts", "v", "latency", "ok", "cls", "pred", "lbl", "score", "y", "yhat");
    static final Instant START = Instant.parse("2026-03-01T00:00:00Z");

    /** {@code rows} (cells as text, {@link #HEADER}'s columns) measured by the source under test. */
    abstract MetricsReport measure(RolloutSpec spec, List<List<String>> rows, Window window) throws Exception;

    /**
     * Whether the source reads in parts and merges them: running sums and variances then agree
     * to within an ulp or two instead of to the bit (see {@code Accumulator.merge}).
     */
    boolean mergesParts() {
        return false;
    }

    static RolloutSpec spec() {
        return Specs.logs().missing("", "NaN", "nan", "NA")
                .column("n", "latency", "count").column("mean", "latency", "mean").column("p95", "latency", "p95")
                .column("median", "latency", "median").column("sd", "latency", "stddev").column("last", "latency", "last")
                .column("min", "latency", "min").column("max", "latency", "max").column("sum", "latency", "sum")
                .column("ok", "ok", "rate")
                .classification("accuracy", "cls", "pred", ClassificationMetric.ACCURACY, Average.MACRO)
                .classification("f1w", "cls", "pred", ClassificationMetric.F1, Average.WEIGHTED)
                .classification("recall", "lbl", "ok", ClassificationMetric.RECALL, Average.BINARY)
                .auc("auc", "lbl", "score", "1")
                .regression("mae", "y", "yhat", RegressionMetric.MAE).regression("rmse", "y", "yhat", RegressionMetric.RMSE)
                .regression("mape", "y", "yhat", RegressionMetric.MAPE)
                .build();
    }

    /** Seeded rows: two variants and a third one, cells missing here and there, one a second apart. */
    static List<List<String>> rows(long seed, int n) {
        Random r = new Random(seed);
        String[] classes = {"cat", "dog", "bird"};
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String v = r.nextInt(50) == 0 ? "c" : r.nextBoolean() ? "a" : "b";
            String latency = r.nextInt(40) == 0 ? (r.nextBoolean() ? "" : "NA") : String.valueOf(Math.round(r.nextGaussian() * 3000 + 20000) / 100.0);
            String ok = r.nextInt(30) == 0 ? "NaN" : r.nextInt(10) < 8 ? "1" : "0";
            String cls = classes[r.nextInt(3)];
            String pred = r.nextInt(4) == 0 ? classes[r.nextInt(3)] : cls;
            String lbl = r.nextBoolean() ? "1" : "0";
            String score = String.valueOf(Math.round((lbl.equals("1") ? 0.3 : 0) * 1000 + r.nextInt(700)) / 1000.0);
            double y = 1 + r.nextInt(1000) / 10.0;
            String yhat = r.nextInt(25) == 0 ? "" : String.valueOf(Math.round((y + r.nextGaussian() * 5) * 100) / 100.0);
            rows.add(List.of(START.plusSeconds(i).toString(), v, " " + latency, ok, cls, pred, lbl, score,
                    String.valueOf(y), yhat));
        }
        return rows;
    }

    static MetricsReport reference(RolloutSpec spec, List<List<String>> rows, Window window) {
        return new MemorySource(HEADER, rows).measure(MeasurePlan.of(spec), window, Reading.defaults());
    }

    @Test
    void theSameRowsGiveTheSameReport() throws Exception {
        List<List<String>> rows = rows(20261201, 6000);
        RolloutSpec spec = spec();
        assertSameReport(reference(spec, rows, Window.ALL), measure(spec, rows, Window.ALL));
    }

    @Test
    void theSameWindowKeepsTheSameRows() throws Exception {
        List<List<String>> rows = rows(7, 6000);
        Window window = new Window(Optional.of(START.plusSeconds(1000)), Optional.of(START.plusSeconds(4321)));
        MetricsReport report = measure(spec(), rows, window);
        assertSameReport(reference(spec(), rows, window), report);
        assertEquals(3322, report.baselineRows() + report.candidateRows() + report.otherRows(), "since and until are inclusive");
        assertEquals(report.baselineRows() + report.candidateRows(), report.inputs().stream().mapToLong(Provenance::rowsInWindow).sum());
        assertEquals(6000, report.inputs().stream().mapToLong(Provenance::rows).sum());
    }

    @Test
    void valuesAreTheRowsValuesFromFirstPrinciples() throws Exception {
        List<List<String>> rows = List.of(
                row(0, "a", "10", "1", "cat", "cat", "1", "0.9", "10", "11"),
                row(1, "a", "NA", "0", "dog", "cat", "0", "0.2", "20", "18"),
                row(2, "b", "30", "1", "cat", "cat", "1", "0.8", "10", "10"),
                row(3, "b", "50", "", "dog", "dog", "0", "0.4", "40", ""),
                row(4, "c", "99", "1", "cat", "cat", "1", "0.1", "10", "10"),
                row(5, "b", "40", "1", "bird", "dog", "1", "0.3", "5", "6"));
        MetricsReport report = measure(spec(), rows, Window.ALL);
        assertEquals(2, report.baselineRows());
        assertEquals(3, report.candidateRows());
        assertEquals(1, report.otherRows());
        Measurement mean = report.measurement("mean").orElseThrow();
        assertEquals(10.0, mean.baseline().getAsDouble());
        assertEquals(40.0, mean.candidate().getAsDouble());
        assertEquals(1, mean.baselineMissing());
        assertTrue(mean.notes().contains("1 of the baseline's 2 rows left out: 'latency' is missing (empty, NaN, nan or NA)"),
                mean.notes().toString());
        assertEquals(49.0, report.measurement("p95").orElseThrow().candidate().getAsDouble(), 1e-12);
        assertEquals(40.0, report.measurement("last").orElseThrow().candidate().getAsDouble());
        assertEquals(1.0, report.measurement("ok").orElseThrow().candidate().getAsDouble());
        assertEquals(2.0 / 3, report.measurement("accuracy").orElseThrow().candidate().getAsDouble());
        assertEquals(Optional.of("1"), report.measurement("recall").orElseThrow().positive());
        assertEquals(0.5, report.measurement("mae").orElseThrow().candidate().getAsDouble());
        assertTrue(report.notes().get(0).startsWith("1 row in the window left out: the variant is neither"), report.notes().toString());
        assertSameReport(reference(spec(), rows, Window.ALL), report);
    }

    @Test
    void aCellThatIsNotANumberNamesItsColumn() {
        List<List<String>> rows = List.of(row(0, "a", "10", "1", "cat", "cat", "1", "0.9", "10", "11"),
                row(1, "b", "fast", "1", "cat", "cat", "1", "0.9", "10", "11"));
        String message = assertThrows(RolloutException.class, () -> measure(spec(), rows, Window.ALL)).describe();
        assertTrue(message.contains("column latency") && message.contains("'fast' is not a number"), message);
    }

    static List<String> row(int second, String... cells) {
        List<String> row = new ArrayList<>();
        row.add(START.plusSeconds(second).toString());
        row.addAll(List.of(cells));
        return row;
    }

    private void assertSameReport(MetricsReport expected, MetricsReport actual) {
        assertSameReport(expected, actual, mergesParts());
    }

    /**
     * {@code actual} reports what {@code expected} does; with {@code merged}, sums and variances to 1e-12
     * relative (a source that merged parts, or an engine that summed in its own order), the rest exactly.
     */
    static void assertSameReport(MetricsReport expected, MetricsReport actual, boolean merged) {
        assertEquals(expected.hasVariant(), actual.hasVariant());
        assertEquals(expected.baselineRows(), actual.baselineRows(), "baseline rows");
        assertEquals(expected.candidateRows(), actual.candidateRows(), "candidate rows");
        assertEquals(expected.otherRows(), actual.otherRows(), "other rows");
        assertEquals(expected.notes(), actual.notes());
        assertEquals(expected.measurements().size(), actual.measurements().size());
        for (int i = 0; i < expected.measurements().size(); i++) {
            Measurement e = expected.measurements().get(i);
            Measurement a = actual.measurements().get(i);
            if (!merged) {
                assertEquals(e, a, e.metric());
                continue;
            }
            assertEquals(e.baselineSamples(), a.baselineSamples(), e.metric());
            assertEquals(e.candidateSamples(), a.candidateSamples(), e.metric());
            assertEquals(e.baselineMissing(), a.baselineMissing(), e.metric());
            assertEquals(e.candidateMissing(), a.candidateMissing(), e.metric());
            assertEquals(e.notes(), a.notes(), e.metric());
            assertEquals(e.positive(), a.positive(), e.metric());
            close(e.baseline(), a.baseline(), e.metric());
            close(e.candidate(), a.candidate(), e.metric());
        }
    }

    private static void close(OptionalDouble expected, OptionalDouble actual, String metric) {
        assertEquals(expected.isPresent(), actual.isPresent(), metric);
        if (expected.isPresent()) {
            assertEquals(expected.getAsDouble(), actual.getAsDouble(), Math.abs(expected.getAsDouble()) * 1e-12, metric);
        }
    }
}
