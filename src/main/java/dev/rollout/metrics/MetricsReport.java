package dev.rollout.metrics;

import java.util.List;
import java.util.Optional;

/**
 * Everything a source measured: per-metric values for baseline and candidate, and the row
 * counts that decide whether the window holds enough data. The same rows give the same
 * report from every source (see the test suite {@code MetricSourceContract}).
 *
 * @param inputs         what was read, in order, for the audit trail
 * @param hasVariant     the spec names a variant column, so baseline rows exist at all
 * @param baselineRows   rows of the baseline in the window, over all inputs
 * @param candidateRows  rows of the candidate in the window, over all inputs
 * @param measurements   one per metric of the spec, in the spec's order
 * @param otherRows      rows in the window whose variant is neither the baseline's nor the candidate's
 * @param notes          what a person should know about the rows: which other variants, how many
 * @param countsRows     whether the row counts mean anything: false when no metric was computed from rows
 *                       (every one is a Prometheus query), and then {@code minSamples} does not apply
 * @param labels         how many mature predictions found their late label, when the spec has {@code data.labels}
 */
public record MetricsReport(List<Provenance> inputs, boolean hasVariant, long baselineRows, long candidateRows,
                            List<Measurement> measurements, long otherRows, List<String> notes, boolean countsRows,
                            Optional<LabelCoverage> labels) {
    public MetricsReport {
        inputs = List.copyOf(inputs);
        measurements = List.copyOf(measurements);
        notes = List.copyOf(notes);
    }

    /** A report of metrics computed from rows, which it counted, without late labels. */
    public MetricsReport(List<Provenance> inputs, boolean hasVariant, long baselineRows, long candidateRows,
                         List<Measurement> measurements, long otherRows, List<String> notes) {
        this(inputs, hasVariant, baselineRows, candidateRows, measurements, otherRows, notes, true, Optional.empty());
    }

    /** A report in which every row in the window is the baseline's or the candidate's. */
    public MetricsReport(List<Provenance> inputs, boolean hasVariant, long baselineRows, long candidateRows,
                         List<Measurement> measurements) {
        this(inputs, hasVariant, baselineRows, candidateRows, measurements, 0, List.of());
    }

    /** This report with {@code more} inputs read besides the metrics' (the late labels), after them. */
    public MetricsReport withInputs(List<Provenance> more) {
        List<Provenance> all = new java.util.ArrayList<>(inputs);
        all.addAll(more);
        return new MetricsReport(all, hasVariant, baselineRows, candidateRows, measurements, otherRows, notes, countsRows, labels);
    }

    /** The inputs that are CSV export files (not label files), in a file's words. */
    public List<InputFile> files() {
        return inputs.stream().filter(p -> p.kind().equals(Provenance.CSV) && p.role().isEmpty()).map(InputFile::of).toList();
    }

    public Optional<Measurement> measurement(String metric) {
        return measurements.stream().filter(m -> m.metric().equals(metric)).findFirst();
    }
}
