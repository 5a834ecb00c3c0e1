package dev.rollout.metrics;

import java.util.List;
import java.util.Optional;

/**
 * Everything read from the exports: per-metric values for baseline and candidate, and the
 * row counts that decide whether the window holds enough data.
 *
 * @param hasVariant     the spec names a variant column, so baseline rows exist at all
 * @param baselineRows   rows of the baseline in the window, over all files
 * @param candidateRows  rows of the candidate in the window, over all files
 * @param measurements   one per metric of the spec, in the spec's order
 * @param otherRows      rows in the window whose variant is neither the baseline's nor the candidate's
 * @param notes          what a person should know about the rows: which other variants, how many
 */
public record MetricsReport(List<InputFile> files, boolean hasVariant, long baselineRows, long candidateRows,
                            List<Measurement> measurements, long otherRows, List<String> notes) {
    public MetricsReport {
        files = List.copyOf(files);
        measurements = List.copyOf(measurements);
        notes = List.copyOf(notes);
    }

    /** A report in which every row in the window is the baseline's or the candidate's. */
    public MetricsReport(List<InputFile> files, boolean hasVariant, long baselineRows, long candidateRows,
                         List<Measurement> measurements) {
        this(files, hasVariant, baselineRows, candidateRows, measurements, 0, List.of());
    }

    public Optional<Measurement> measurement(String metric) {
        return measurements.stream().filter(m -> m.metric().equals(metric)).findFirst();
    }
}
