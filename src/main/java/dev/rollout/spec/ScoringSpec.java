package dev.rollout.spec;

/**
 * How the metrics' p values become the score P, and the thresholds that decide.
 *
 * @param promote  P >= promote and no gate failed: PROMOTE
 * @param rollback P < rollback: ROLLBACK
 */
public record ScoringSpec(ScoreFormula normalizeBy, double promote, double rollback) {

    /** The two formulas: the weighted mean, and the seed document's sum divided by N. */
    public enum ScoreFormula {
        /** {@code P = sum(w*p) / sum(w)}: stays on the metrics' own 0..1 scale. */
        WEIGHTS,
        /** {@code P = (1/N) * sum(w*p)}: the seed document's formula, N = metrics in the score. */
        COUNT;

        @com.fasterxml.jackson.annotation.JsonValue
        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
