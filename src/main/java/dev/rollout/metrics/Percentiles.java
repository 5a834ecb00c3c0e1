package dev.rollout.metrics;

import java.util.Arrays;

/** Exact order statistics, as numpy computes them. */
final class Percentiles {

    private Percentiles() {
    }

    /**
     * numpy's default ({@code method="linear"}) percentile of {@code values[0..n)}: the
     * virtual index {@code (n-1)*q/100} and numpy's {@code _lerp}, which interpolates from
     * the upper neighbour when the fraction is at least one half, so results match to the bit.
     * Sorts the array in place.
     */
    static double percentile(double[] values, int n, double q) {
        Arrays.sort(values, 0, n);
        double virtual = (q / 100.0) * (n - 1);
        int below = (int) Math.floor(virtual);
        if (below >= n - 1) {
            return values[n - 1];
        }
        if (below < 0) {
            return values[0];
        }
        double t = virtual - below;
        double a = values[below];
        double b = values[below + 1];
        double diff = b - a;
        return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
    }

    /** numpy's {@code median}: the middle value, or the mean of the two middle values. Sorts in place. */
    static double median(double[] values, int n) {
        Arrays.sort(values, 0, n);
        int mid = n / 2;
        if (n % 2 == 1) {
            return values[mid];
        }
        return (values[mid - 1] + values[mid]) / 2.0;
    }
}
