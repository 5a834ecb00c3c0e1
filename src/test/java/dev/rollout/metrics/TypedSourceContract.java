package dev.rollout.metrics;

import dev.rollout.spec.RolloutSpec;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static dev.rollout.metrics.MetricSourceContract.START;
import static dev.rollout.metrics.MetricSourceContract.assertSameReport;
import static dev.rollout.metrics.MetricSourceContract.reference;
import static dev.rollout.metrics.MetricSourceContract.rows;
import static dev.rollout.metrics.MetricSourceContract.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The source contract for engines that hold the rows typed (a timestamp, integers, doubles, NULL
 * for a missing cell, see {@link SqlTables#typed}): the same rows give the same report as their CSV
 * export — counts, labels, notes and positive labels identical, values to 1e-12 relative — with
 * the window applied by the engine on a real timestamp.
 */
abstract class TypedSourceContract {

    abstract MetricsReport measure(RolloutSpec spec, List<List<String>> rows, Window window) throws Exception;

    @Test
    void theSameRowsGiveTheSameReportAsTheirCsvExport() throws Exception {
        List<List<String>> rows = rows(20261201, 6000);
        assertSameReport(reference(spec(), rows, Window.ALL), measure(spec(), rows, Window.ALL), true);
    }

    @Test
    void theEngineKeepsTheWindowsRows() throws Exception {
        List<List<String>> rows = rows(7, 6000);
        Window window = new Window(Optional.of(START.plusSeconds(1000)), Optional.of(START.plusSeconds(4321)));
        MetricsReport report = measure(spec(), rows, window);
        assertSameReport(reference(spec(), rows, window), report, true);
        assertEquals(3322, report.baselineRows() + report.candidateRows() + report.otherRows(), "since and until are inclusive");
        assertEquals(report.baselineRows() + report.candidateRows(), report.inputs().stream().mapToLong(Provenance::rowsInWindow).sum());
    }

    @Test
    void noRowInTheWindowIsNoData() throws Exception {
        List<List<String>> rows = rows(3, 100);
        Window later = new Window(Optional.of(START.plusSeconds(10_000)), Optional.empty());
        MetricsReport report = measure(spec(), rows, later);
        assertEquals(0, report.candidateRows());
        assertEquals(0, report.baselineRows());
        assertEquals(List.of("no candidate rows in the window", "no baseline rows in the window"),
                report.measurement("mean").orElseThrow().notes());
        assertSameReport(reference(spec(), rows, later), report, true);
    }
}
