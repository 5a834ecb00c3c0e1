package dev.rollout.spec;

import java.util.OptionalDouble;

/**
 * A statistical comparison of the candidate's values with the baseline's, per row.
 *
 * @param margin        the degradation tolerated, in the metric's bad direction: absolute, or
 *                      percent of the baseline's mean when {@code percent}
 * @param confidence    the interval's confidence, e.g. 0.95
 * @param tau           the mixing scale of the sequential test, in the metric's units;
 *                      empty: the margin in absolute units
 */
public record CompareSpec(Test test, double margin, boolean percent, double confidence, OptionalDouble tau) {

    /** The tests: always-valid sequential (default), Mann–Whitney with Hodges–Lehmann, Welch's t. */
    public enum Test {
        SEQUENTIAL("sequential"), MANN_WHITNEY("mann-whitney"), WELCH("welch");

        private final String word;

        Test(String word) {
            this.word = word;
        }

        @com.fasterxml.jackson.annotation.JsonValue
        public String word() {
            return word;
        }
    }

    /** The margin in the metric's units, given the baseline's mean. */
    public double absoluteMargin(double baselineMean) {
        return percent ? margin / 100.0 * Math.abs(baselineMean) : margin;
    }

    /** "2" or "5%", as written. */
    public String marginText() {
        String m = margin == Math.rint(margin) ? Long.toString((long) margin) : Double.toString(margin);
        return percent ? m + "%" : m;
    }
}
