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
}
