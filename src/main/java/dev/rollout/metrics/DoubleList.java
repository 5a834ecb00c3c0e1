package dev.rollout.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A growable list of primitive doubles: the values exact percentiles need, without boxing.
 * Values go into fixed blocks, so growing never copies what is stored and {@link #append}
 * takes another list's blocks as they are (a chunk read in parallel joins the file's list
 * without a copy). The blocks become one array of exactly {@link #size()} values the first
 * time the values are sorted or selected from.
 */
final class DoubleList {

    /** The largest array the JVM reliably allocates. */
    private static final int MAX = Integer.MAX_VALUE - 8;

    /** 64 Ki values, 512 KiB: large enough that block bookkeeping costs nothing per value. */
    static final int BLOCK = 1 << 16;

    /**
     * From this many values on, a rank is found from a histogram of the values' leading bits, in
     * two passes over the blocks as they are: no gathered copy of every value, no partitioning
     * of millions of them, only of the few that share the rank's leading bits.
     */
    static final int HISTOGRAM_FROM = 1 << 20;

    /**
     * From this many values on, each block is counted into {@link #counts} as it joins the list
     * (filled, or appended from a chunk's list, on the thread that merges the chunks while the
     * others still parse), so a rank's first pass over the values is done before it is asked.
     */
    static final int COUNT_FROM = HISTOGRAM_FROM / 2;

    /** Filled blocks, and how many values each holds (an appended list's last block may be partly filled). */
    private final List<double[]> blocks = new ArrayList<>();
    private final List<Integer> filled = new ArrayList<>();
    /** Null, or the bucket counts ({@link #bucket}) of every value in {@link #blocks}: not of the block being filled. */
    private int[] counts;
    /**
     * The block being filled; it starts small and grows fourfold up to {@link #BLOCK}, so short
     * lists stay small and a chunk's list copies a third of what doubling would copy, none of it
     * into an array large enough to be allocated in the old generation (see the launcher's
     * PretenureSizeThreshold), where a dropped array is fresh memory every time.
     */
    private double[] values = new double[16];
    private int tail;
    private int size;
    private boolean sorted = true;
    /** The rank whose successor {@link #next} holds, found with it by the histogram; -1 for none. */
    private int pairRank = -1;
    private double next;
    /** The rank the gathered values are partitioned at by the last selection; -1 for none. */
    private int partitioned = -1;
    /**
     * Values added with a count ({@link #add(double, long)}: a grouped source's rows, one per
     * distinct value), kept as value and count rather than count copies; {@link #size()} counts
     * every copy.
     */
    private double[] runValues = new double[0];
    private long[] runCounts = new long[0];
    private int runs;
    /** Every value in order of {@link #key}, once, with how many values are at or below it; null until a rank is asked. */
    private long[] distinctKeys;
    private long[] through;
    /** The {@link #size()} {@link #distinctKeys} were built at: a list only grows until it is cleared. */
    private int distinctAt = -1;

    void add(double v) {
        if (tail == values.length) {
            grow();
        }
        values[tail++] = v;
        size++;
        changed();
    }

    /** Adds {@code n} copies of {@code v}: kept once, with its count, until a sort needs every copy. */
    void add(double v, long n) {
        if (n == 1) {
            add(v);
            return;
        }
        if (n < 1 || size + n > MAX) {
            throw new IllegalStateException(n < 1 ? "a count of " + n : "more than " + MAX + " values");
        }
        run(v, n);
        size += (int) n;
        changed();
    }

    /** Keeps {@code v} with its count {@code n} among the counted values (size is the caller's). */
    private void run(double v, long n) {
        if (runs == runValues.length) {
            runValues = Arrays.copyOf(runValues, Math.max(16, runs * 2));
            runCounts = Arrays.copyOf(runCounts, runValues.length);
        }
        runValues[runs] = v;
        runCounts[runs++] = n;
    }

    private void changed() {
        sorted = false;
        pairRank = -1;
        partitioned = -1;
    }

    private void grow() {
        if (size == MAX) {
            throw new IllegalStateException("more than " + MAX + " values");
        }
        if (values.length < BLOCK) {
            values = Arrays.copyOf(values, Math.min(BLOCK, values.length * 4));
        } else {
            push(values, tail);
            values = new double[BLOCK];
            tail = 0;
        }
    }

    /** Adds a block of {@code n} values to {@link #blocks}, counted when the list counts them (see {@link #COUNT_FROM}). */
    private void push(double[] block, int n) {
        blocks.add(block);
        filled.add(n);
        if (counts != null) {
            count(counts, block, n);
        } else if (size >= COUNT_FROM) {
            counts = new int[1 << 16];
            for (int b = 0; b < blocks.size(); b++) {
                count(counts, blocks.get(b), filled.get(b));
            }
        }
    }

    private static void count(int[] counts, double[] block, int n) {
        for (int i = 0; i < n; i++) {
            counts[bucket(block[i])]++;
        }
    }

    /** Moves every value of {@code later} to the end of this list; {@code later} is empty afterwards. */
    void append(DoubleList later) {
        if (later.size == 0) {
            return;
        }
        if ((long) size + later.size > MAX) {
            throw new IllegalStateException("more than " + MAX + " values");
        }
        if (tail > 0) {
            push(values, tail);
        }
        if (later.counts != null && (counts != null || blocks.isEmpty())) {
            // Both lists' blocks counted (or none here): the counts add up, no value is looked at.
            if (counts == null) {
                counts = later.counts;
            } else {
                for (int i = 0; i < counts.length; i++) {
                    counts[i] += later.counts[i];
                }
            }
            blocks.addAll(later.blocks);
            filled.addAll(later.filled);
        } else {
            for (int b = 0; b < later.blocks.size(); b++) {
                push(later.blocks.get(b), later.filled.get(b));
            }
        }
        if (later.tail > 0) {
            push(later.values, later.tail);
        }
        values = new double[16];
        tail = 0;
        size += later.size;
        for (int r = 0; r < later.runs; r++) {
            run(later.runValues[r], later.runCounts[r]);
        }
        changed();
        later.clear();
    }

    private void clear() {
        blocks.clear();
        filled.clear();
        counts = null;
        values = new double[16];
        tail = 0;
        size = 0;
        runValues = new double[0];
        runCounts = new long[0];
        runs = 0;
        changed();
        distinctKeys = null;
        through = null;
        sorted = true;
    }

    int size() {
        return size;
    }

    /** Sorts in place and returns the backing array; only the first {@link #size()} entries count. */
    double[] sorted() {
        if (!sorted) {
            contiguous();
            Arrays.sort(values, 0, size);
            sorted = true;
        }
        return values;
    }

    /** From this many values added one by one (or distinct counted ones) on, ranks are found among copies of the counted ones. */
    static final int DISTINCT_UP_TO = 1 << 20;

    /**
     * Whether ranks can be found among the distinct values: the counted values and the others as
     * {@link #distinctKeys} and {@link #through}, built here on first use. When there are too many
     * of either, the counted values are copied out instead ({@link #expandRuns}), and false.
     */
    private boolean distinct() {
        if (distinctKeys != null && distinctAt == size) {
            return true;
        }
        int singles = size - (int) inRuns();
        if (singles > DISTINCT_UP_TO || runs > DISTINCT_UP_TO) {
            expandRuns();
            return false;
        }
        // The counted values by key, equal keys added up; the others' keys sorted, each counting once; then both merged.
        long[] runKeys = new long[runs];
        for (int r = 0; r < runs; r++) {
            runKeys[r] = key(runValues[r]);
        }
        Integer[] order = new Integer[runs];
        for (int r = 0; r < runs; r++) {
            order[r] = r;
        }
        Arrays.sort(order, (a, b) -> Long.compare(runKeys[a], runKeys[b]));
        long[] single = new long[singles];
        int at = 0;
        for (int b = 0; b <= blocks.size(); b++) {
            double[] block = b < blocks.size() ? blocks.get(b) : values;
            int n = b < blocks.size() ? filled.get(b) : tail;
            for (int i = 0; i < n; i++) {
                single[at++] = key(block[i]);
            }
        }
        Arrays.sort(single);
        long[] keys = new long[runs + singles];
        long[] upTo = new long[runs + singles];
        int d = 0;
        long total = 0;
        for (int r = 0, i = 0; r < runs || i < singles; ) {
            long key;
            long n;
            if (i == singles || r < runs && runKeys[order[r]] <= single[i]) {
                key = runKeys[order[r]];
                n = runCounts[order[r++]];
            } else {
                key = single[i++];
                n = 1;
            }
            total += n;
            if (d > 0 && keys[d - 1] == key) {
                upTo[d - 1] = total;
            } else {
                keys[d] = key;
                upTo[d++] = total;
            }
        }
        distinctKeys = Arrays.copyOf(keys, d);
        through = Arrays.copyOf(upTo, d);
        distinctAt = size;
        return true;
    }

    /** Rank {@code k}: the least distinct value with more than {@code k} values at or below it. */
    private double byRuns(int k) {
        int i = Arrays.binarySearch(through, k + 1L);
        return value(distinctKeys[i >= 0 ? i : -i - 1]);
    }

    private long inRuns() {
        long n = 0;
        for (int r = 0; r < runs; r++) {
            n += runCounts[r];
        }
        return n;
    }

    /** Every counted value copied out as that many values, for a sort or a selection among all of them. */
    private void expandRuns() {
        if (runs == 0) {
            return;
        }
        double[] rv = runValues;
        long[] rc = runCounts;
        int n = runs;
        runValues = new double[0];
        runCounts = new long[0];
        runs = 0;
        size -= (int) Arrays.stream(rc, 0, n).sum();
        for (int r = 0; r < n; r++) {
            for (long c = 0; c < rc[r]; c++) {
                add(rv[r]);
            }
        }
    }

    /** Gathers the blocks into one array of exactly the values, dropping the blocks. */
    private void contiguous() {
        expandRuns();
        if (blocks.isEmpty()) {
            return;
        }
        double[] all = new double[size];
        int at = 0;
        for (int b = 0; b < blocks.size(); b++) {
            System.arraycopy(blocks.get(b), 0, all, at, filled.get(b));
            at += filled.get(b);
            blocks.set(b, null); // collectable at once: a gigabyte export's values are hundreds of megabytes
        }
        System.arraycopy(values, 0, all, at, tail);
        blocks.clear();
        filled.clear();
        counts = null;
        values = all;
        tail = size;
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
        if (runs > 0 && distinct()) {
            return byRuns(k);
        }
        if (size >= HISTOGRAM_FROM) {
            return byHistogram(k);
        }
        contiguous();
        partitioned = k;
        return select(values, size, k);
    }

    /**
     * The value of rank {@code k + 1}, right after {@link #select(int) select(k)}: selection left
     * every value above rank {@code k} to its right, so the next rank is their minimum — a scan
     * of the part above {@code k} instead of a second selection over everything.
     */
    double selectNext(int k) {
        if (k + 1 >= size) {
            throw new IndexOutOfBoundsException(k + 1);
        }
        if (sorted) {
            return values[k + 1];
        }
        if (k == pairRank) {
            return next;
        }
        if (runs > 0 && distinct()) {
            return byRuns(k + 1);
        }
        if (partitioned != k || !blocks.isEmpty()) {
            contiguous(); // not right after select(k) on the gathered values: partition them at k first
            partitioned = k;
            select(values, size, k);
        }
        return selectNext(values, size, k);
    }

    /** Whether some list of this JVM has run {@link #byHistogram} already (see {@link #warmSelection}). */
    private static final AtomicBoolean SELECTION_RAN = new AtomicBoolean();

    /**
     * Runs the histogram selection once on this list as it is, its answer dropped, if no list in
     * this JVM has: the thread that merges a large export's parts calls it while the file is
     * still read, so that its loops over the values are compiled by then. Else the report's
     * selection, after the last row, ran them in the interpreter and in profiled code while the
     * compiler got to them (benchmark: 80-110 ms from the last row to the report, most of it there).
     * Changes no value and no answer: the selection only copies one bucket's values out.
     */
    void warmSelection() {
        if (size >= HISTOGRAM_FROM && runs == 0 && !sorted && !SELECTION_RAN.get() && SELECTION_RAN.compareAndSet(false, true)) {
            runSelection();
        }
    }

    /** {@link #warmSelection}'s run, whether or not one ran before (a list of at least {@link #HISTOGRAM_FROM} values, none counted). */
    void runSelection() {
        byHistogram((int) (size * 0.95));
        changed();
        // And the selection among a bucket's values, on copies of blocks as large as a percentile's bucket can be.
        for (int b = 0; b < Math.min(4, blocks.size()); b++) {
            double[] copy = Arrays.copyOf(blocks.get(b), filled.get(b));
            int k = copy.length * 19 / 20;
            select(copy, copy.length, k);
            selectNext(copy, copy.length, k);
        }
    }

    /**
     * Rank {@code k} and its successor by the values' order keys ({@link #key}): a histogram of
     * their top 16 bits over every block finds the bucket that holds rank {@code k}; a second
     * pass gathers that bucket's values (and the least key above it, should rank k + 1 lie
     * beyond), and selection among those few finds the rank. Exactly {@code sorted()[k]}: the
     * keys order values as {@link Double#compare} does.
     */
    private double byHistogram(int k) {
        SELECTION_RAN.set(true);
        int[] counts;
        if (this.counts != null) {
            counts = this.counts.clone();
        } else {
            counts = new int[1 << 16];
            for (int b = 0; b < blocks.size(); b++) {
                count(counts, blocks.get(b), filled.get(b));
            }
        }
        count(counts, values, tail);
        int bucket = 0;
        long below = 0;
        while (below + counts[bucket] <= k) {
            below += counts[bucket++];
        }
        double[] in = new double[counts[bucket]];
        int found = 0;
        for (int b = 0; b <= blocks.size(); b++) {
            found = gather(b < blocks.size() ? blocks.get(b) : values, b < blocks.size() ? filled.get(b) : tail, bucket, in, found);
        }
        int rank = (int) (k - below);
        double value = select(in, in.length, rank);
        if (k + 1 < size) {
            next = rank + 1 < in.length ? selectNext(in, in.length, rank) : leastAbove(bucket);
            pairRank = k;
        }
        return value;
    }

    /**
     * Copies the values of {@code block[0, n)} that fall in {@code bucket} to {@code in} from
     * {@code found} on, and returns how many {@code in} then holds. A method of one loop, called
     * per block: compiled on the stack once (during {@link #warmSelection}'s run), its compiled
     * loop is entered again by every later call, where a loop inside {@link #byHistogram}, a
     * method called a few times a run, was compiled anew at the report's own call, after the
     * last row, and ran in profiled code meanwhile.
     */
    private static int gather(double[] block, int n, int bucket, double[] in, int found) {
        for (int i = 0; i < n; i++) {
            double v = block[i];
            if (bucket(v) == bucket) {
                in[found++] = v;
            }
        }
        return found;
    }

    /**
     * The value of the least key above bucket {@code bucket}: rank k + 1 when rank k is the
     * greatest of its bucket, a second pass over the values that only such a rank needs.
     */
    private double leastAbove(int bucket) {
        long above = Long.MAX_VALUE;
        double least = Double.NaN;
        for (int b = 0; b <= blocks.size(); b++) {
            double[] block = b < blocks.size() ? blocks.get(b) : values;
            int n = b < blocks.size() ? filled.get(b) : tail;
            for (int i = 0; i < n; i++) {
                double v = block[i];
                if (bucket(v) > bucket && key(v) <= above) {
                    // <=: the greatest key, a NaN's, is still taken once no other is above.
                    above = key(v);
                    least = v;
                }
            }
        }
        return least;
    }

    /** A long whose signed order is the values' {@link Double#compare} order: -0.0 below 0.0, every NaN the greatest. */
    private static long key(double v) {
        long bits = Double.doubleToLongBits(v);
        return bits ^ (bits >> 63 & Long.MAX_VALUE);
    }

    /** The value whose {@link #key} is {@code key}. */
    private static double value(long key) {
        return Double.longBitsToDouble(key ^ (key >> 63 & Long.MAX_VALUE));
    }

    /** The top 16 bits of {@link #key}, as an unsigned index in the keys' order. */
    private static int bucket(double v) {
        return (int) ((key(v) ^ Long.MIN_VALUE) >>> 48);
    }

    /** Rank {@code k} of {@code a[0, size)} by selection in expected linear time, leaving the array partitioned at it. */
    private static double select(double[] a, int size, int k) {
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

    /** Rank {@code k + 1} of {@code a[0, size)} partitioned at {@code k}: the least value above it, moved to {@code k + 1}. */
    private static double selectNext(double[] a, int size, int k) {
        int at = k + 1;
        double min = a[at];
        for (int i = at + 1; i < size; i++) {
            // Double.compare order, so -0.0 ranks below 0.0 as in a sort.
            if (a[i] < min || a[i] == min && Double.compare(a[i], min) < 0) {
                min = a[i];
                at = i;
            }
        }
        // Keep the array a valid selection for rank k + 1 as well.
        a[at] = a[k + 1];
        a[k + 1] = min;
        return min;
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
