package dev.rollout.spec;

import java.time.Duration;
import java.util.Optional;

/**
 * {@code data.labels}: labels that arrive after the predictions, in files of their own
 * ({@code --labels}) or from a named source, joined to the predictions on a key.
 *
 * @param key         the column both the predictions and the label files have (a request id)
 * @param actual      the label column of the label files; the metrics whose {@code actual} it is read it from there
 * @param maturity    only predictions at least this old at the window's end are judged by label metrics
 * @param minCoverage below this share of mature predictions with a label (per variant) the decision is HOLD
 * @param source      the entry of {@code sources:} (sql or command) whose rows are labels, read besides any {@code --labels} files
 */
public record LabelsSpec(String key, String actual, Duration maturity, double minCoverage, Optional<String> source) {

    public LabelsSpec {
        source = source == null ? Optional.empty() : source;
    }

    /** Labels from {@code --labels} files only. */
    public LabelsSpec(String key, String actual, Duration maturity, double minCoverage) {
        this(key, actual, maturity, minCoverage, Optional.empty());
    }
}
