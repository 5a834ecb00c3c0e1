package dev.rollout.metrics;

/**
 * numpy's summation of a float64 array ({@code np.sum}, and so {@code np.mean} and
 * {@code np.average}), reproduced operation for operation: under 8 values a plain loop, up to
 * 128 values eight interleaved accumulators, above that a recursive split. Used where the
 * values are few and kept (per-class scores), so that averages over them equal
 * scikit-learn's to the last bit rather than to a tolerance.
 */
final class NumpySum {

    /** numpy's PW_BLOCKSIZE. */
    private static final int BLOCK = 128;

    private NumpySum() {
    }

    static double of(double[] a) {
        return pairwise(a, 0, a.length);
    }

    private static double pairwise(double[] a, int from, int n) {
        if (n < 8) {
            double res = 0.0;
            for (int i = 0; i < n; i++) {
                res += a[from + i];
            }
            return res;
        }
        if (n <= BLOCK) {
            double[] r = new double[8];
            System.arraycopy(a, from, r, 0, 8);
            int i = 8;
            for (; i < n - (n % 8); i += 8) {
                for (int j = 0; j < 8; j++) {
                    r[j] += a[from + i + j];
                }
            }
            double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < n; i++) {
                res += a[from + i];
            }
            return res;
        }
        int n2 = n / 2;
        n2 -= n2 % 8;
        return pairwise(a, from, n2) + pairwise(a, from + n2, n - n2);
    }
}
