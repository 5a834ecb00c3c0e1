package dev.rollout.metrics.memory;

import dev.rollout.RolloutException;
import dev.rollout.RolloutException.Location;
import dev.rollout.metrics.Cells;
import dev.rollout.metrics.Cohort;
import dev.rollout.metrics.MeasurePlan;
import dev.rollout.metrics.MetricsReport;
import dev.rollout.metrics.Provenance;
import dev.rollout.metrics.Reading;
import dev.rollout.metrics.Source;
import dev.rollout.metrics.Tally;
import dev.rollout.metrics.Window;
import dev.rollout.spec.DataSpec;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A second metric source, rows held in a list: what adding a source takes, using only the
 * public seam (a {@link Source}, a {@link Cells} row, a {@link Tally} per read). Wide rows
 * only; a timestamp cell is an ISO-8601 instant, as a typed column of a database would be.
 */
public final class MemorySource implements Source {

    private final List<String> header;
    private final List<List<String>> rows;

    public MemorySource(List<String> header, List<List<String>> rows) {
        this.header = List.copyOf(header);
        this.rows = List.copyOf(rows);
    }

    @Override
    public MetricsReport measure(MeasurePlan plan, Window window, Reading reading) {
        DataSpec data = plan.spec().data();
        int timestamp = data.timestamp().map(header::indexOf).orElse(-1);
        int variant = data.variant().map(v -> header.indexOf(v.column())).orElse(-1);
        List<int[]> columns = new ArrayList<>();
        for (MeasurePlan.Input input : plan.inputs()) {
            columns.add(input.columns().stream().mapToInt(header::indexOf).toArray());
        }
        Tally tally = plan.tally();
        Tally.Lane baseline = tally.lane(Cohort.BASELINE);
        Tally.Lane candidate = tally.lane(Cohort.CANDIDATE);
        MemoryRow row = new MemoryRow(header, data.missing());
        long inWindow = 0;
        for (List<String> cells : rows) {
            row.at(cells);
            Tally.Lane lane = candidate;
            String other = null;
            if (variant >= 0) {
                String v = row.text(variant);
                lane = v.equals(data.variant().get().candidate()) ? candidate
                        : v.equals(data.variant().get().baseline()) ? baseline : null;
                other = lane == null ? v : null;
            }
            if (timestamp >= 0) {
                Instant t = Instant.parse(row.text(timestamp));
                if (!window.contains(t)) {
                    continue;
                }
                row.time(t);
            }
            if (other != null) {
                tally.other(other);
                continue;
            }
            lane.count();
            inWindow++;
            for (int i = 0; i < columns.size(); i++) {
                if (java.util.Arrays.stream(columns.get(i)).allMatch(c -> c >= 0)) {
                    lane.accept(i, row, columns.get(i));
                }
            }
        }
        return tally.report(List.of(new Provenance("memory", "rows in memory", "", rows.size(), inWindow)));
    }

    /** One list of cells as {@link Cells}, moved from row to row. */
    private static final class MemoryRow implements Cells {
        private final List<String> header;
        private final List<String> missing;
        private List<String> cells;
        private int number;
        private long seconds;
        private int nanos;

        MemoryRow(List<String> header, List<String> missing) {
            this.header = header;
            this.missing = missing;
        }

        void at(List<String> next) {
            cells = next;
            number++;
        }

        void time(Instant t) {
            seconds = t.getEpochSecond();
            nanos = t.getNano();
        }

        @Override
        public String text(int column) {
            return cells.get(column).trim();
        }

        @Override
        public boolean isMissing(String cell) {
            return missing.contains(cell);
        }

        @Override
        public RolloutException error(int column, String message) {
            return RolloutException.input(Location.of("rows in memory", number, column + 1, "column " + header.get(column)),
                    message);
        }

        @Override
        public long seconds() {
            return seconds;
        }

        @Override
        public int nanos() {
            return nanos;
        }
    }
}
