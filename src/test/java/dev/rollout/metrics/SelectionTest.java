package dev.rollout.metrics;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
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

    /**
     * From {@link DoubleList#HISTOGRAM_FROM} values on, a rank comes from the histogram of the
     * values' leading bits: the same bits as a sort, for values spread over many buckets or
     * crowded into one, with signed zeros, infinities and NaN, ranks at a bucket's edge, and
     * appended lists.
     */
    @Test
    void theHistogramSelectsAsASortDoes() {
        Random random = new Random(11);
        int n = DoubleList.HISTOGRAM_FROM + 12345;
        for (int shape = 0; shape < 5; shape++) {
            double[] raw = new double[n];
            for (int i = 0; i < n; i++) {
                raw[i] = switch (shape) {
                    case 0 -> Math.round(random.nextGaussian() * 4000 + 200) / 100.0; // latencies: two decimals
                    case 1 -> 1.0 + random.nextInt(300) * 1e-12; // every value in one bucket
                    case 2 -> (random.nextBoolean() ? -1 : 1) * Math.scalb(random.nextDouble(), random.nextInt(200) - 100);
                    case 3 -> new double[] {-0.0, 0.0, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 7, -7}[random.nextInt(6)];
                    default -> random.nextInt(10) == 0 ? Double.NaN : random.nextInt(5);
                };
            }
            double[] sorted = raw.clone();
            Arrays.sort(sorted);
            // The counted blocks' ways of joining (see DoubleList.COUNT_FROM) on two of the shapes: they count alike.
            // And a list the JIT warm-up ran its selection on first (DoubleList.warmSelection): it changes no answer.
            for (DoubleList list : shape % 3 == 0 ? List.of(split(raw, n / 3), chunks(raw), split(raw, n / 2), warmed(chunks(raw)))
                    : List.of(split(raw, n / 3), warmed(split(raw, n / 2)))) {
                same(sorted, list, "shape " + shape);
            }
        }
    }

    /**
     * Two lists, {@code raw[0, at)} and the rest, appended: a third and two thirds (the later one
     * counted, see {@link DoubleList#COUNT_FROM}) or two halves (both counted: their counts add up).
     */
    private static DoubleList split(double[] raw, int at) {
        DoubleList list = new DoubleList();
        DoubleList later = new DoubleList();
        for (int i = 0; i < raw.length; i++) {
            (i < at ? list : later).add(raw[i]);
        }
        list.append(later);
        return list;
    }

    /** {@code list} after the selection's warm-up run on it. */
    private static DoubleList warmed(DoubleList list) {
        list.runSelection();
        return list;
    }

    /** As a chunked read merges: parts of 100,000 into a whole, counted from COUNT_FROM on, then into an empty list. */
    private static DoubleList chunks(double[] raw) {
        DoubleList whole = new DoubleList();
        for (int from = 0; from < raw.length; from += 100_000) {
            DoubleList part = new DoubleList();
            for (int i = from; i < Math.min(raw.length, from + 100_000); i++) {
                part.add(raw[i]);
            }
            whole.append(part);
        }
        DoubleList file = new DoubleList();
        file.append(whole);
        return file;
    }

    /** {@code list}'s ranks, percentiles, median and sort are those of {@code sorted}, bit for bit. */
    private static void same(double[] sorted, DoubleList list, String shape) {
        int n = sorted.length;
        for (double q : QS) {
            double expected = Percentiles.percentile(sorted, n, q);
            assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(Percentiles.percentile(list, q)),
                    shape + " q=" + q);
        }
        assertEquals(Double.doubleToRawLongBits(Percentiles.median(sorted, n)), Double.doubleToRawLongBits(Percentiles.median(list)),
                shape);
        // A rank whose successor lies in the next bucket, and one whose successor lies in the same bucket.
        int change = n / 3;
        while (change < n - 2 && Double.compare(sorted[change], sorted[change + 1]) == 0) {
            change++;
        }
        for (int k : new int[] {0, 1, n / 2, n - 2, change}) {
            int edge = k;
            assertEquals(Double.doubleToRawLongBits(sorted[edge]), Double.doubleToRawLongBits(list.select(edge)), shape);
            assertEquals(Double.doubleToRawLongBits(sorted[edge + 1]), Double.doubleToRawLongBits(list.selectNext(edge)),
                    shape + " next of " + edge);
        }
        assertEquals(Arrays.toString(sorted), Arrays.toString(Arrays.copyOf(list.sorted(), n)), shape);
    }

    /** Lists past one block, and lists joined by append (as chunks are), select like one sorted array. */
    @Test
    void blocksAndAppendedListsSelectLikeOneArray() {
        Random random = new Random(7);
        for (int trial = 0; trial < 6; trial++) {
            int parts = 1 + random.nextInt(5);
            DoubleList joined = new DoubleList();
            double[] all = new double[0];
            for (int p = 0; p < parts; p++) {
                int n = random.nextInt(trial < 3 ? 3 * DoubleList.BLOCK : 40);
                double[] raw = new double[n];
                DoubleList part = new DoubleList();
                for (int i = 0; i < n; i++) {
                    raw[i] = random.nextInt(trial % 2 == 0 ? 50 : 1_000_000) / 7.0 - 3;
                    part.add(raw[i]);
                }
                joined.append(part);
                assertEquals(0, part.size(), "append empties the later list");
                all = Arrays.copyOf(all, all.length + n);
                System.arraycopy(raw, 0, all, all.length - n, n);
            }
            assertEquals(all.length, joined.size());
            if (all.length == 0) {
                continue;
            }
            double[] sorted = all.clone();
            Arrays.sort(sorted);
            for (double q : QS) {
                DoubleList copy = new DoubleList();
                for (double v : all) {
                    copy.add(v);
                }
                assertEquals(Double.doubleToRawLongBits(Percentiles.percentile(sorted, sorted.length, q)),
                        Double.doubleToRawLongBits(Percentiles.percentile(q == 50 ? joined : copy, q)), "q=" + q);
            }
            joined.add(1e9); // still growable after the blocks became one array
            assertEquals(1e9, joined.sorted()[all.length]);
        }
    }

    /**
     * Values added with a count (a grouped source's rows) select as that many copies do: mixed
     * with values added one by one, equal values in both, signed zeros, appended lists, several
     * ranks then a sort; and past {@link DoubleList#DISTINCT_UP_TO} distinct values, where the
     * counted ones are copied out, too.
     */
    @Test
    void countedValuesSelectAsTheirCopies() {
        Random random = new Random(23);
        for (int trial = 0; trial < 60; trial++) {
            boolean many = trial == 0;
            int parts = many ? 1 : 1 + random.nextInt(3);
            DoubleList joined = new DoubleList();
            java.util.List<Double> copies = new java.util.ArrayList<>();
            for (int p = 0; p < parts; p++) {
                DoubleList part = new DoubleList();
                int adds = many ? DoubleList.DISTINCT_UP_TO + 10 : random.nextInt(200);
                for (int i = 0; i < adds; i++) {
                    double v = many ? i * 0.25 : random.nextInt(4) == 0 ? (random.nextBoolean() ? -0.0 : 0.0) : random.nextInt(30) * 0.1 - 1;
                    long n = many || random.nextInt(3) == 0 ? 1 : 1 + random.nextInt(random.nextBoolean() ? 5 : 5000);
                    part.add(v, n);
                    for (long c = 0; c < n; c++) {
                        copies.add(v);
                    }
                }
                if (many) {
                    part.add(3.5, 7); // counted, among more than DISTINCT_UP_TO others
                    for (int c = 0; c < 7; c++) {
                        copies.add(3.5);
                    }
                }
                joined.append(part);
            }
            int n = copies.size();
            assertEquals(n, joined.size());
            if (n == 0) {
                continue;
            }
            double[] sorted = copies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            for (double q : QS) {
                assertEquals(Double.doubleToRawLongBits(Percentiles.percentile(sorted, n, q)),
                        Double.doubleToRawLongBits(Percentiles.percentile(joined, q)), "trial " + trial + " q=" + q);
            }
            assertEquals(Double.doubleToRawLongBits(Percentiles.median(sorted, n)), Double.doubleToRawLongBits(Percentiles.median(joined)));
            for (int k = 0; k < n; k += Math.max(1, n / 13)) {
                assertEquals(Double.doubleToRawLongBits(sorted[k]), Double.doubleToRawLongBits(joined.select(k)), "k=" + k);
            }
            joined.add(-1e9, 3); // counted again after ranks were found
            assertEquals(-1e9, joined.select(2));
            assertEquals(Double.doubleToRawLongBits(sorted[0]), Double.doubleToRawLongBits(joined.select(3)));
            double[] all = Arrays.copyOf(joined.sorted(), n + 3);
            assertEquals(-1e9, all[2]);
            assertEquals(Arrays.toString(sorted), Arrays.toString(Arrays.copyOfRange(all, 3, n + 3)));
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
