package dev.rollout.metrics;

/**
 * A running sum with Neumaier's compensation (each addition's rounding error kept exactly): a
 * long column (millions of latencies) keeps its sum to about one rounding, where a plain loop
 * drifts with the row count. numpy sums pairwise instead, which needs the whole array; the two
 * agree to about 1e-15 relative.
 */
final class CompensatedSum {

    private double sum;
    private double compensation;

    void add(double v) {
        double t = sum + v;
        // The exact rounding error of sum + v (Knuth's two-sum), the very term Neumaier's branch on the larger
        // magnitude gives, without the branch: each part's first value, added to a sum of zero, took the other
        // side, and the compiled row path, profiled without it, trapped and was compiled again.
        double vt = t - sum;
        compensation += (sum - (t - vt)) + (v - vt);
        sum = t;
    }

    /** Adds another running sum, its compensation included. */
    void add(CompensatedSum other) {
        add(other.sum);
        compensation += other.compensation;
    }

    double value() {
        return sum + compensation;
    }
}
