package dev.rollout.metrics;

import java.util.OptionalDouble;

/**
 * How often the two variants' outputs agree on the same requests.
 *
 * @param pairs              requests with exactly one row in each variant
 * @param agreeing           pairs whose outputs are equal (labels) or within the tolerance (scores)
 * @param baselineUnmatched  the baseline's requests with no candidate row
 * @param candidateUnmatched the candidate's requests with no baseline row
 * @param baselineRepeated   the baseline's rows of requests that appear more than once in either variant: left out,
 *                           since which row pairs with which is not known
 * @param candidateRepeated  the candidate's rows of such requests
 * @param rate               agreeing / pairs; empty without pairs
 */
public record AgreementResult(long pairs, long agreeing, long baselineUnmatched, long candidateUnmatched,
                              long baselineRepeated, long candidateRepeated, OptionalDouble rate) {
    public AgreementResult {
        rate = rate == null ? OptionalDouble.empty() : rate;
    }
}
