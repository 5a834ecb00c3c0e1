package dev.rollout.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * One variant's output per request, for agreement: a 64-bit hash of the request key and the
 * output (a score, or the id of a label in this accumulator's {@link LabelIds}), in primitive
 * blocks — 16 bytes a row, no object per row. The join sorts both variants by hash.
 *
 * <p>Two different keys share a hash with probability about n²/2⁶⁵ (three in a million at
 * 10 M requests); they would then count as one repeated key, or as one wrong pair.
 */
final class KeyedOutputs implements Accumulator {

    /**
     * 16 Ki rows, 128 KiB a block array: under half of G1's smallest region (1 MiB), so a block
     * is never a humongous object that wastes the rest of its region.
     */
    private static final int BLOCK = 1 << 14;

    private final boolean scores;
    private final LabelIds labels = new LabelIds();
    private final List<long[]> keyBlocks = new ArrayList<>();
    private final List<double[]> valueBlocks = new ArrayList<>();
    /** How many rows each block holds: a block taken in from a later part may be partly filled. */
    private final List<Integer> filled = new ArrayList<>();
    private long[] keys = new long[16];
    private double[] values = new double[16];
    private int tail;
    private long size;
    private long missing;
    /** The rows sorted by key, once the join asked for them. */
    private Sorted done;

    /** @param scores the compared column holds numbers; otherwise labels */
    KeyedOutputs(boolean scores) {
        this.scores = scores;
    }

    @Override
    public void accept(Cells row, int[] columns) {
        String key = row.label(columns[0]);
        double value;
        if (scores) {
            value = row.number(columns[1]);
        } else {
            String label = row.label(columns[1]);
            value = label == null ? Double.NaN : labels.id(label);
        }
        if (key == null || Double.isNaN(value)) {
            missing++;
            return;
        }
        add(hash(key), value);
    }

    private void add(long key, double value) {
        if (tail == keys.length) {
            if (keys.length < BLOCK) {
                keys = java.util.Arrays.copyOf(keys, Math.min(BLOCK, keys.length * 2));
                values = java.util.Arrays.copyOf(values, keys.length);
            } else {
                keyBlocks.add(keys);
                valueBlocks.add(values);
                filled.add(tail);
                keys = new long[BLOCK];
                values = new double[BLOCK];
                tail = 0;
            }
        }
        keys[tail] = key;
        values[tail++] = value;
        size++;
    }

    /** FNV-1a over the key's chars, then splitmix64's finaliser, which spreads FNV's weak low bits. */
    static long hash(String key) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < key.length(); i++) {
            h ^= key.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 30;
        h *= 0xbf58476d1ce4e5b9L;
        h ^= h >>> 27;
        h *= 0x94d049bb133111ebL;
        return h ^ (h >>> 31);
    }

    @Override
    public Accumulator fresh() {
        return new KeyedOutputs(scores);
    }

    @Override
    public void merge(Accumulator other) {
        KeyedOutputs later = (KeyedOutputs) other;
        if (!scores) {
            // The later part numbered its labels in its own order of appearance: renumber its rows in place.
            int[] to = new int[later.labels.size()];
            for (int i = 0; i < to.length; i++) {
                to[i] = labels.id(later.labels.get(i));
            }
            for (int b = 0; b < later.valueBlocks.size(); b++) {
                renumber(later.valueBlocks.get(b), later.filled.get(b), to);
            }
            renumber(later.values, later.tail, to);
        }
        // Take the later part's blocks as they are: no row is copied, so a merge needs no second copy of the rows.
        if (tail > 0) {
            keyBlocks.add(keys);
            valueBlocks.add(values);
            filled.add(tail);
        }
        keyBlocks.addAll(later.keyBlocks);
        valueBlocks.addAll(later.valueBlocks);
        filled.addAll(later.filled);
        if (later.tail > 0) {
            keyBlocks.add(later.keys);
            valueBlocks.add(later.values);
            filled.add(later.tail);
        }
        keys = new long[16];
        values = new double[16];
        tail = 0;
        size += later.size;
        missing += later.missing;
    }

    private static void renumber(double[] ids, int n, int[] to) {
        for (int i = 0; i < n; i++) {
            ids[i] = to[(int) ids[i]];
        }
    }

    @Override
    public long rows() {
        return size + missing;
    }

    long samples() {
        return size;
    }

    long missing() {
        return missing;
    }

    boolean scores() {
        return scores;
    }

    @Override
    public List<String> labels() {
        return labels.all();
    }

    /** The label of id {@code id}, for a label column. */
    String label(int id) {
        return labels.get(id);
    }

    /**
     * The keys and values in two arrays sorted by key, the blocks dropped as they are copied so
     * the rows are held once; metrics that share this input share the sorted arrays.
     */
    Sorted sorted() {
        if (done != null) {
            return done;
        }
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("more than " + (Integer.MAX_VALUE - 8) + " keyed rows in one variant");
        }
        int n = (int) size;
        long[] k = new long[n];
        double[] v = new double[n];
        int at = 0;
        for (int b = 0; b < keyBlocks.size(); b++) {
            System.arraycopy(keyBlocks.get(b), 0, k, at, filled.get(b));
            System.arraycopy(valueBlocks.get(b), 0, v, at, filled.get(b));
            keyBlocks.set(b, null);
            valueBlocks.set(b, null);
            at += filled.get(b);
        }
        System.arraycopy(keys, 0, k, at, tail);
        System.arraycopy(values, 0, v, at, tail);
        keyBlocks.clear();
        valueBlocks.clear();
        filled.clear();
        keys = new long[16];
        values = new double[16];
        tail = 0;
        PairSort.sort(k, v, 0, n - 1);
        done = new Sorted(k, v);
        return done;
    }

    /** Keys in ascending order, each with its value. */
    record Sorted(long[] keys, double[] values) {
    }

    /** An in-place quicksort of two parallel arrays by the first: no index array, no boxing. */
    private static final class PairSort {
        private PairSort() {
        }

        static void sort(long[] k, double[] v, int lo, int hi) {
            long seed = 0x9E3779B97F4A7C15L;
            while (hi - lo > 16) {
                seed = seed * 6364136223846793005L + 1442695040888963407L;
                long pivot = k[lo + (int) ((seed >>> 33) % (hi - lo + 1))];
                int i = lo;
                int j = hi;
                while (i <= j) {
                    while (k[i] < pivot) {
                        i++;
                    }
                    while (k[j] > pivot) {
                        j--;
                    }
                    if (i <= j) {
                        swap(k, v, i++, j--);
                    }
                }
                // Recurse into the smaller side, loop on the larger: the stack stays logarithmic.
                if (j - lo < hi - i) {
                    sort(k, v, lo, j);
                    lo = i;
                } else {
                    sort(k, v, i, hi);
                    hi = j;
                }
            }
            for (int a = lo + 1; a <= hi; a++) {
                for (int b = a; b > lo && k[b - 1] > k[b]; b--) {
                    swap(k, v, b, b - 1);
                }
            }
        }

        private static void swap(long[] k, double[] v, int a, int b) {
            long tk = k[a];
            k[a] = k[b];
            k[b] = tk;
            double tv = v[a];
            v[a] = v[b];
            v[b] = tv;
        }
    }
}
