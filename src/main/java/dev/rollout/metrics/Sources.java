package dev.rollout.metrics;

import dev.rollout.metrics.csv.CsvSource;

import java.nio.file.Path;
import java.util.List;

/** The one place that chooses where the metric rows come from. */
public final class Sources {

    private Sources() {
    }

    /**
     * The source for an evaluation: the CSV exports named by {@code --metrics}. A
     * {@code data.source} kind in the spec ({@code sql}, {@code prometheus}, {@code command}) will be
     * chosen here, by a switch over it, each kind in a package beside {@code metrics/csv}.
     */
    public static Source of(List<Path> metricsFiles) {
        return new CsvSource(metricsFiles);
    }
}
