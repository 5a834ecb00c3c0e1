package dev.rollout.metrics.csv;

import dev.rollout.metrics.Cells;
import dev.rollout.metrics.MeasurePlan;
import dev.rollout.metrics.Tally;
import dev.rollout.metrics.Window;
import dev.rollout.spec.DataSpec;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The columns of one export resolved to indices, and the way each row goes: which variant
 * (or another one, only counted), inside the window or not, and, wide, to the inputs whose
 * columns the file has or, long, to the inputs its metric cell names. Fixed once the header
 * is read, so the chunks of one file share it.
 */
final class RowRouter {
    private final Header header;
    private final Window window;
    private final int timestamp;
    private final int variant;
    /** The variant column's two values; null without one. */
    private final Row.Expected baseline;
    private final Row.Expected candidate;
    /** The two values in UTF-8, compared with a chunk's bytes as they are. */
    /** The columns of slices.by; empty when the spec has no slices. */
    private final int[] sliceBy;
    /** Wide: the inputs this file feeds (indices into the plan's inputs), and their column indices. */
    private final int[] active;
    private final int[][] activeColumns;
    /** Long: the metric column, the value column, and the inputs per metric name. */
    private final int metricColumn;
    private final int[] valueColumn;
    private final Map<String, int[]> byName;

    RowRouter(Header header, MeasurePlan plan, Window window, Coverage coverage) {
        this.header = header;
        this.window = window;
        DataSpec data = plan.spec().data();
        timestamp = data.timestamp().map(c -> header.require(c, "data.timestamp")).orElse(-1);
        variant = data.variant().map(v -> header.require(v.column(), "data.variant.column")).orElse(-1);
        baseline = data.variant().map(v -> Row.Expected.of(v.baseline())).orElse(null);
        candidate = data.variant().map(v -> Row.Expected.of(v.candidate())).orElse(null);
        sliceBy = plan.sliceBy().stream().mapToInt(c -> header.require(c, "slices.by")).toArray();
        List<MeasurePlan.Input> all = plan.inputs();
        if (data.format() == DataSpec.Format.LONG) {
            metricColumn = header.require(data.metricColumn(), "data.long.metric");
            valueColumn = new int[] {header.require(data.valueColumn(), "data.long.value")};
            Map<String, List<Integer>> names = new HashMap<>();
            for (int i = 0; i < all.size(); i++) {
                names.computeIfAbsent(all.get(i).columns().get(0), c -> new ArrayList<>()).add(i);
            }
            byName = new HashMap<>();
            names.forEach((name, ids) -> byName.put(name, ids.stream().mapToInt(Integer::intValue).toArray()));
            active = new int[0];
            activeColumns = new int[0][];
            return;
        }
        metricColumn = -1;
        valueColumn = null;
        byName = Map.of();
        List<Integer> found = new ArrayList<>();
        List<int[]> foundColumns = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            List<String> names = all.get(i).columns();
            int[] columns = new int[names.size()];
            boolean every = true;
            for (int c = 0; c < columns.length; c++) {
                columns[c] = header.find(names.get(c));
                every &= columns[c] >= 0;
            }
            if (every) {
                coverage.found(i);
                found.add(i);
                foundColumns.add(columns);
            }
        }
        active = found.stream().mapToInt(Integer::intValue).toArray();
        activeColumns = foundColumns.toArray(int[][]::new);
    }

    List<String> names() {
        return header.names();
    }

    /** Feeds one row to its inputs in {@code part}. */
    void accept(Row row, long[] time, Part part) {
        int[] named = null;
        if (metricColumn >= 0) {
            // Before the variant and window checks: a metric name in any row shows the spec's name is right.
            named = byName.get(row.text(metricColumn));
            if (named != null) {
                for (int i : named) {
                    part.named[i] = true;
                }
            }
        }
        Tally.Lane lane = part.candidate;
        String other = null;
        if (variant >= 0) {
            // Both compared, and the lane taken from an array: a branch on which of the two a row is (as random as
            // the traffic split) would be mispredicted at about every other row.
            boolean isCandidate = row.is(variant, candidate);
            boolean isBaseline = row.is(variant, baseline);
            lane = part.lanes[(isCandidate ? 0 : 1) + (isCandidate | isBaseline ? 0 : 1)];
            if (lane == null) {
                other = row.text(variant); // another model version: counted if in the window, never compared
            }
        }
        if (timestamp >= 0) {
            String cell = row.text(timestamp);
            if (!Timestamps.parse(cell, time)) {
                throw row.error(timestamp, (cell.isEmpty() ? "the timestamp is empty" : Cells.quoted(cell) + " is not a timestamp")
                        + "; use ISO-8601 with an offset (2026-03-01T12:00:00Z) or epoch seconds or milliseconds");
            }
            if (!inWindow(time[0], (int) time[1])) {
                return;
            }
            row.time(time[0], (int) time[1]);
        }
        if (other != null) {
            part.tally.other(other);
            return;
        }
        if (sliceBy.length > 0) {
            lane = lane.slice(row, sliceBy);
        }
        lane.count();
        part.inWindow++;
        if (metricColumn >= 0) {
            if (named != null) {
                for (int i : named) {
                    lane.accept(i, row, valueColumn);
                }
            }
            return;
        }
        for (int a = 0; a < active.length; a++) {
            lane.accept(active[a], row, activeColumns[a]);
        }
    }

    private boolean inWindow(long seconds, int nanos) {
        if (window.since().isPresent() && compare(seconds, nanos, window.since().get()) < 0) {
            return false;
        }
        return window.until().isEmpty() || compare(seconds, nanos, window.until().get()) <= 0;
    }

    private static int compare(long seconds, int nanos, Instant bound) {
        int c = Long.compare(seconds, bound.getEpochSecond());
        return c != 0 ? c : Integer.compare(nanos, bound.getNano());
    }
}
