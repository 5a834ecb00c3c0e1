package dev.rollout.metrics;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Percentiles and medians by selection equal those of a full sort, bit for bit. */
class SelectionTest {

    private static final double[] QS = {0, 0.1, 1, 5, 25, 33.3, 50, 75, 90, 95, 99, 99.9, 100};

    @Test
    void selectionEqualsSortedOrderStatistics() {
        Random random = new Random(42);
        for (int trial = 0; trial < 300; trial++) {
            int n = 1 + random.nextInt(trial < 200 ? 60 : 5000);
            int distinct = 1 + random.nextInt(trial % 3 == 0 ? 3 : 1000);
            double[] raw = new double[n];
            for (int i = 0; i < n; i++) {
                int pick = random.nextInt(distinct);
                raw[i] = pick == 0 ? (random.nextBoolean() ? -0.0 : 0.0) : (pick - distinct / 2) * 0.37 + random.nextInt(2) * 1e-9;
            }
            if (trial % 7 == 0) {
                Arrays.sort(raw); // already ascending
            }
            double[] sorted = raw.clone();
            Arrays.sort(sorted);
            for (double q : QS) {
                double expected = Percentiles.percentile(sorted, n, q);
                assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(Percentiles.percentile(list(raw), q)),
                        "n=" + n + " q=" + q);
            }
            DoubleList all = list(raw);
            double median = Percentiles.median(sorted, n);
            assertEquals(Double.doubleToRawLongBits(median), Double.doubleToRawLongBits(Percentiles.median(all)));
            // Several selections on one list, then a full sort (Mann-Whitney's sample()), still agree.
            for (int k = 0; k < n; k += Math.max(1, n / 17)) {
                assertEquals(Double.doubleToRawLongBits(sorted[k]), Double.doubleToRawLongBits(all.select(k)));
            }
            assertEquals(Arrays.toString(sorted), Arrays.toString(Arrays.copyOf(all.sorted(), n)));
        }
    }

    private static DoubleList list(double[] values) {
        DoubleList list = new DoubleList();
        for (double v : values) {
            list.add(v);
        }
        return list;
    }
}
