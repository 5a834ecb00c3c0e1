package dev.rollout.metrics;

import java.util.Arrays;

/** A growable array of primitive doubles: the values exact percentiles need, without boxing. */
final class DoubleList {

    /** The largest array the JVM reliably allocates. */
    private static final int MAX = Integer.MAX_VALUE - 8;

    private double[] values = new double[256];
    private int size;
    private boolean sorted = true;

    void add(double v) {
        if (size == values.length) {
            if (size == MAX) {
                throw new IllegalStateException("more than " + MAX + " values");
            }
            values = Arrays.copyOf(values, (int) Math.min(MAX, 2L * size));
        }
        values[size++] = v;
        sorted = false;
    }

    int size() {
        return size;
    }

    /** Sorts in place and returns the backing array; only the first {@link #size()} entries count. */
    double[] sorted() {
        if (!sorted) {
            Arrays.sort(values, 0, size);
            sorted = true;
        }
        return values;
    }

    /**
     * The value of rank {@code k} (0-based) in ascending {@link Double#compare} order — exactly
     * {@code sorted()[k]} — found by selection in expected linear time. Reorders the values but
     * keeps them all; already sorted values are read directly.
     */
    double select(int k) {
        if (k < 0 || k >= size) {
            throw new IndexOutOfBoundsException(k);
        }
        if (sorted) {
            return values[k];
        }
        double[] a = values;
        int lo = 0;
        int hi = size - 1;
        long seed = 0x9E3779B97F4A7C15L ^ size;
        int rounds = 0;
        while (hi > lo) {
            if (++rounds > 64 || hi - lo < 16) {
                // Short ranges, or a pathological run of bad pivots: sort what is left.
                Arrays.sort(a, lo, hi + 1);
                return a[k];
            }
            seed = seed * 6364136223846793005L + 1442695040888963407L;
            double pivot = median3(a[lo], a[lo + (int) ((seed >>> 33) % (hi - lo + 1))], a[hi]);
            // Three-way partition: [lo, lt) < pivot, [lt, gt] == pivot, (gt, hi] > pivot; ties cost nothing.
            int lt = lo;
            int gt = hi;
            int i = lo;
            while (i <= gt) {
                int c = Double.compare(a[i], pivot);
                if (c < 0) {
                    double t = a[lt];
                    a[lt++] = a[i];
                    a[i++] = t;
                } else if (c > 0) {
                    double t = a[gt];
                    a[gt--] = a[i];
                    a[i] = t;
                } else {
                    i++;
                }
            }
            if (k < lt) {
                hi = lt - 1;
            } else if (k > gt) {
                lo = gt + 1;
            } else {
                return pivot;
            }
        }
        return a[k];
    }

    private static double median3(double a, double b, double c) {
        if (Double.compare(a, b) > 0) {
            double t = a;
            a = b;
            b = t;
        }
        if (Double.compare(b, c) > 0) {
            b = c;
        }
        return Double.compare(a, b) > 0 ? a : b;
    }
}
