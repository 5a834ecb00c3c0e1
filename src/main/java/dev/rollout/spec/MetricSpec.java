package dev.rollout.spec;

import java.util.Optional;

/**
 * One metric: where its value comes from, how it enters the score, and the gate it must pass.
 *
 * @param weight    its weight in the score, >= 0; 0 means a gate only
 * @param advisory  reported and explained, never changes the decision
 * @param compare   a statistical comparison of candidate and baseline rows
 * @param sourceName the entry of the spec's {@code sources:} it reads from; empty: the {@code --metrics} files
 */
public record MetricSpec(String name, MetricSource source, double weight, Direction direction,
                         Optional<Normalize> normalize, Optional<GateSpec> gate, boolean advisory,
                         Optional<CompareSpec> compare, Optional<String> sourceName) {

    /** Which way is better. */
    public enum Direction {
        HIGHER, LOWER;

        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** True when the metric contributes to the score P. */
    public boolean scored() {
        return weight > 0 && !advisory;
    }
}
