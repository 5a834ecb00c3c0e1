package dev.rollout.spec;

import java.util.Optional;

/**
 * One metric: where its value comes from, how it enters the score, and the gate it must pass.
 *
 * @param weight    its weight in the score, >= 0; 0 means a gate only
 * @param advisory  reported and explained, never changes the decision
 * @param compare   a statistical comparison of candidate and baseline rows
 * @param onMissing what it means when the candidate has no value for it
 * @param origin    the file and line it is defined at: the spec's, or a file it includes
 * @param sourceName the entry of the spec's {@code sources:} it reads from; empty: the {@code --metrics} files
 */
public record MetricSpec(String name, MetricSource source, double weight, Direction direction,
                         Optional<Normalize> normalize, Optional<GateSpec> gate, boolean advisory,
                         Optional<CompareSpec> compare, OnMissing onMissing, Origin origin, Optional<String> sourceName) {

    /** Which way is better. */
    public enum Direction {
        HIGHER, LOWER;

        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * A metric without a candidate value: HOLD (nothing is promoted on no data), ROLLBACK (no
     * data is itself a failure, counted like any other rollback), or IGNORE (left out of the score
     * and the gates, with a note).
     */
    public enum OnMissing {
        HOLD, ROLLBACK, IGNORE;

        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Where a metric is written: the file as the spec names it, and the line of its entry. */
    public record Origin(String file, int line) {
        /** {@code metrics/classifier.yaml:7}. */
        public String where() {
            return file + ":" + line;
        }
    }

    /** True when the metric contributes to the score P. */
    public boolean scored() {
        return weight > 0 && !advisory;
    }
}
