package dev.rollout.spec;

import java.util.function.Function;

/** How a metric's value maps to p in [0, 1] for the score, when the identity does not fit. */
public sealed interface Normalize permits Normalize.Range, Normalize.Baseline {

    /**
     * One function per kind of normalization, so that every caller handles each kind: a new kind
     * is a new parameter here, and the compiler then names every place that must learn it.
     */
    <R> R match(Function<Range, R> range, Function<Baseline, R> baseline);

    /** {@code p = clamp((value - worst) / (best - worst), 0, 1)}. */
    record Range(double best, double worst) implements Normalize {
        @Override
        public <R> R match(Function<Range, R> range, Function<Baseline, R> baseline) {
            return range.apply(this);
        }
    }

    /** {@code p = min(1, candidate / baseline)}, inverted for lower-is-better. */
    record Baseline() implements Normalize {
        @Override
        public <R> R match(Function<Range, R> range, Function<Baseline, R> baseline) {
            return baseline.apply(this);
        }
    }
}
