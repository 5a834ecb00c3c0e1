package dev.rollout.metrics;

import java.util.List;

/**
 * One metric over one slice of the rows: those whose {@code slices.by} columns hold {@code values}.
 *
 * @param by            the columns of {@code slices.by}
 * @param values        the slice's value of each column
 * @param baselineRows  the baseline's rows in the slice, in the window
 * @param candidateRows the candidate's rows in the slice, in the window
 * @param measurement   the metric over the slice's rows (its own slices are empty)
 */
public record Slice(List<String> by, List<String> values, long baselineRows, long candidateRows, Measurement measurement) {

    public Slice {
        by = List.copyOf(by);
        values = List.copyOf(values);
    }

    /** As the output names it: {@code region=eu, device=ios}. */
    public String key() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < by.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(by.get(i)).append('=').append(Cells.shown(values.get(i)));
        }
        return sb.toString();
    }
}
