package dev.rollout.spec;

import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * {@code slices:} the metrics also computed per slice of the rows (a region, a device, a
 * combination of both), each slice judged by the metric's own gates.
 *
 * @param by      the columns whose combination of values is a slice
 * @param minRows rows per variant below which a slice is reported but not judged
 * @param metrics the names of the metrics computed per slice
 * @param maxGap  per metric, the most the candidate's best slice may differ from its worst
 */
public record SliceSpec(List<String> by, long minRows, List<String> metrics, Map<String, Double> maxGap) {

    /** Rows per variant a slice needs to be judged, unless the spec says otherwise. */
    public static final long DEFAULT_MIN_ROWS = 100;

    public SliceSpec {
        by = List.copyOf(by);
        metrics = List.copyOf(metrics);
        maxGap = Map.copyOf(maxGap);
    }

    public boolean slices(String metric) {
        return metrics.contains(metric);
    }

    public OptionalDouble maxGap(String metric) {
        Double gap = maxGap.get(metric);
        return gap == null ? OptionalDouble.empty() : OptionalDouble.of(gap);
    }
}
