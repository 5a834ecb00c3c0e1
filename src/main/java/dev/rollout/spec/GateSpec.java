package dev.rollout.spec;

import java.util.OptionalDouble;

/**
 * The checks a candidate's value must pass.
 *
 * @param min              the value must be at least this
 * @param max              the value must be at most this
 * @param maxRegression    the candidate may be worse than the baseline by at most this, in the metric's units
 * @param maxRegressionPct the same, in percent of the baseline
 * @param critical         a failure rolls the candidate back instead of holding it
 * @param immediate        a critical failure rolls back at once, without waiting for the stage's rollbackAfter
 */
public record GateSpec(OptionalDouble min, OptionalDouble max, OptionalDouble maxRegression,
                       OptionalDouble maxRegressionPct, boolean critical, boolean immediate) {
}
