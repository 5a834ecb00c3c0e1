package dev.rollout.metrics;

import java.util.List;
import java.util.OptionalDouble;

/**
 * One metric's value for one variant, before it becomes half of a {@link Measurement}.
 *
 * @param samples values (or pairs) that went into the value
 * @param missing rows whose cells were empty or NaN
 * @param notes   why the value is empty, when it is
 */
record MetricValue(OptionalDouble value, long samples, long missing, List<String> notes) {

    static MetricValue of(double value, long samples, long missing) {
        return new MetricValue(OptionalDouble.of(value), samples, missing, List.of());
    }

    static MetricValue none(long samples, long missing, String note) {
        return new MetricValue(OptionalDouble.empty(), samples, missing, List.of(note));
    }

    /** " (3 empty or NaN cells)", or nothing: tells a column of blanks from a window without rows. */
    static String missingSuffix(long missing) {
        return missing == 0 ? "" : " (" + missing + (missing == 1 ? " empty or NaN cell)" : " empty or NaN cells)");
    }
}
