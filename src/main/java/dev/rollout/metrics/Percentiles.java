package dev.rollout.metrics;

/** Exact order statistics of sorted values, computed as numpy 1.24 computes them. */
final class Percentiles {

    private Percentiles() {
    }

    /**
     * {@code np.percentile(values, q)} with the default {@code method="linear"} on
     * {@code sorted[0..n)}: the virtual index {@code (n-1) * (q/100)} (numpy divides q by 100
     * first, so p99.9 uses the same rounded 0.999 as numpy), clamped to the ends, then numpy's
     * {@code _lerp}, which interpolates down from the upper neighbour when the fraction is at
     * least one half ({@code b - (b-a)*(1-t)}) — the two forms differ in the last bit, and this
     * one is numpy's.
     */
    static double percentile(DoubleList values, double q) {
        int n = values.size();
        double virtual = (n - 1) * (q / 100.0);
        if (virtual >= n - 1) {
            return values.select(n - 1);
        }
        if (virtual < 0) {
            return values.select(0);
        }
        int below = (int) Math.floor(virtual);
        double t = virtual - below;
        double a = values.select(below);
        double b = values.selectNext(below);
        double diff = b - a;
        return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
    }

    /** {@link #median(double[], int)} by selection: the same order statistics, the same bits. */
    static double median(DoubleList values) {
        int n = values.size();
        int mid = n / 2;
        if (n % 2 == 1) {
            return values.select(mid);
        }
        double low = values.select(mid - 1);
        return (low + values.selectNext(mid - 1)) / 2.0;
    }

    static double percentile(double[] sorted, int n, double q) {
        return quantile(sorted, n, q / 100.0);
    }

    /** {@code np.quantile(values, q)}, method "linear", on {@code sorted[0..n)}; q in [0, 1]. */
    static double quantile(double[] sorted, int n, double q) {
        double virtual = (n - 1) * q;
        if (virtual >= n - 1) {
            return sorted[n - 1];
        }
        if (virtual < 0) {
            return sorted[0];
        }
        int below = (int) Math.floor(virtual);
        double t = virtual - below;
        double a = sorted[below];
        double b = sorted[below + 1];
        double diff = b - a;
        return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
    }

    /**
     * {@code np.median}: the middle value, or for an even count {@code np.mean} of the two middle
     * values, which is {@code (a + b) / 2} — not the same bits as {@code percentile(50)}.
     */
    static double median(double[] sorted, int n) {
        int mid = n / 2;
        if (n % 2 == 1) {
            return sorted[mid];
        }
        return (sorted[mid - 1] + sorted[mid]) / 2.0;
    }
}
