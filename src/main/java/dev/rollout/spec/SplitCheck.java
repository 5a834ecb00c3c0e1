package dev.rollout.spec;

import java.util.OptionalDouble;

/**
 * A check that the exports hold the stage's traffic split: a chi-square goodness-of-fit test of
 * the candidate and baseline row counts against the expected candidate share.
 *
 * @param pValue   below it the split is taken as not applied, and the stage holds
 * @param expected the candidate's expected percent of rows, when the exports carry only part of
 *                 the traffic (a segment); empty: the stage's traffic
 */
public record SplitCheck(double pValue, OptionalDouble expected) {

    /** The candidate's expected percent of rows in {@code stage}. */
    public double expectedPercent(StageSpec stage) {
        return expected.orElse(stage.traffic());
    }
}
