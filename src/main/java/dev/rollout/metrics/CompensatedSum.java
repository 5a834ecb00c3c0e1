package dev.rollout.metrics;

/**
 * A running sum with Neumaier's compensation: a long column (millions of latencies) keeps
 * its sum to about one rounding, where a plain loop drifts with the row count. numpy sums
 * pairwise instead, which needs the whole array; the two agree to about 1e-15 relative.
 */
final class CompensatedSum {

    private double sum;
    private double compensation;

    void add(double v) {
        double t = sum + v;
        // The branch keeps the low-order bits of whichever operand is smaller in magnitude.
        compensation += Math.abs(sum) >= Math.abs(v) ? (sum - t) + v : (v - t) + sum;
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
