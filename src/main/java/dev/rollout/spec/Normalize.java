package dev.rollout.spec;

/** How a metric's value maps to p in [0, 1] for the score, when the identity does not fit. */
public sealed interface Normalize permits Normalize.Range, Normalize.Baseline {

    /** {@code p = clamp((value - worst) / (best - worst), 0, 1)}. */
    record Range(double best, double worst) implements Normalize {
    }

    /** {@code p = min(1, candidate / baseline)}, inverted for lower-is-better. */
    record Baseline() implements Normalize {
    }
}
