package dev.rollout.metrics.csv;

import dev.rollout.RolloutException;
import dev.rollout.RolloutException.Location;
import dev.rollout.metrics.Cells;
import dev.rollout.metrics.MeasurePlan;
import dev.rollout.spec.MetricSpec;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which of the plan's inputs some export had (wide: all its columns in one header; long: its
 * name in a row), and every header name seen, over all files: a metric none had is a typo in
 * the spec or the wrong file, and the message tells "no such column" from "never together".
 */
final class Coverage {

    private final MeasurePlan plan;
    private final boolean[] found;
    private final Set<String> headerColumns = new HashSet<>();

    Coverage(MeasurePlan plan) {
        this.plan = plan;
        this.found = new boolean[plan.inputs().size()];
    }

    void header(List<String> names) {
        headerColumns.addAll(names);
    }

    void found(int input) {
        found[input] = true;
    }

    /**
     * A metric whose columns no export has is a typo in the spec or the wrong file, not a
     * metric without data: say which. (A file that lacks a metric's columns is fine — exports
     * may split metrics across files.)
     */
    void requireEveryMetricFound(List<String> files, boolean longFormat, String metricColumn, long dataRows) {
        if (longFormat && dataRows == 0) {
            return;
        }
        String exports = String.join(", ", files);
        List<MetricSpec> metrics = plan.spec().metrics();
        for (int i = 0; i < metrics.size(); i++) {
            if (found[plan.inputOf(i)]) {
                continue;
            }
            List<String> columns = plan.inputs().get(plan.inputOf(i)).columns();
            Location where = Location.of(null, 0, 0, "metric " + metrics.get(i).name());
            if (longFormat) {
                throw RolloutException.input(where, "no row of " + exports + " has '" + Cells.shown(columns.get(0))
                        + "' in its '" + Cells.shown(metricColumn) + "' column");
            }
            List<String> absent = columns.stream().filter(c -> !headerColumns.contains(c)).toList();
            if (absent.isEmpty()) {
                throw RolloutException.input(where, "columns " + quotedList(columns)
                        + " are never in the header of the same export (" + exports + ")");
            }
            throw RolloutException.input(where, (absent.size() == 1 ? "column " : "columns ") + quotedList(absent)
                    + (absent.size() == 1 ? " is" : " are") + " not in the header of " + (files.size() == 1 ? "" : "any of ")
                    + exports);
        }
    }

    private static String quotedList(List<String> columns) {
        return String.join(" and ", columns.stream().map(Cells::quoted).toList());
    }
}
