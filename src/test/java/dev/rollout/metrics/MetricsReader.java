package dev.rollout.metrics;

import dev.rollout.spec.RolloutSpec;

import java.nio.file.Path;
import java.util.List;

/**
 * The tests' short way to read exports (the product goes through {@link Sources#of} in
 * {@code cli/EvaluationRun}). Reads metric exports — CSV, gzipped when named {@code .gz}, wide or long — and computes
 * every metric of a spec for the baseline and the candidate over the rows in a time window:
 * {@link Sources#of} over the files, measured by the spec's {@link MeasurePlan}.
 *
 * <p>Each file is read once, streaming; memory does not grow with the rows except for the
 * primitive arrays that exact percentiles and AUC need. Values are computed the way numpy
 * 1.24 and scikit-learn 1.2 compute them (see src/test/resources/reference). Bad input — a
 * malformed file, a cell that is not a number, a column the spec names and no file has —
 * is a {@link dev.rollout.RolloutException} naming the file, the line and the column.
 */
public final class MetricsReader {

    private MetricsReader() {
    }

    /**
     * Reads {@code files} in order for {@code spec}, keeping the rows inside {@code window}
     * (ignored when the spec names no timestamp column).
     */
    public static MetricsReport read(RolloutSpec spec, List<Path> files, Window window) {
        return read(spec, files, window, Reading.defaults());
    }

    /** As {@link #read(RolloutSpec, List, Window)}, on the threads and with the progress {@code reading} gives. */
    public static MetricsReport read(RolloutSpec spec, List<Path> files, Window window, Reading reading) {
        return Sources.of(files).measure(MeasurePlan.of(spec), window, reading);
    }
}
