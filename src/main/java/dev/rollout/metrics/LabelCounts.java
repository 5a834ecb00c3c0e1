package dev.rollout.metrics;

import java.util.Arrays;
import java.util.List;

/** How many rows of one variant hold each label of a column: a label column's distribution, for drift. */
final class LabelCounts implements Accumulator {

    private final LabelIds labels = new LabelIds();
    private long[] counts = new long[8];
    private long missing;

    @Override
    public void accept(Cells row, int[] columns) {
        String label = row.label(columns[0]);
        if (label == null) {
            missing++;
            return;
        }
        int id = labels.id(label);
        if (id == counts.length) {
            counts = Arrays.copyOf(counts, counts.length * 2);
        }
        counts[id]++;
    }

    @Override
    public Accumulator fresh() {
        return new LabelCounts();
    }

    @Override
    public void merge(Accumulator other) {
        LabelCounts later = (LabelCounts) other;
        // The later part numbered its labels in its own order of appearance: match them by name.
        for (int i = 0; i < later.labels.size(); i++) {
            add(later.labels.get(i), later.counts[i]);
        }
        missing += later.missing;
    }

    private void add(String label, long n) {
        int id = labels.id(label);
        if (id == counts.length) {
            counts = Arrays.copyOf(counts, counts.length * 2);
        }
        counts[id] += n;
    }

    @Override
    public long rows() {
        return samples() + missing;
    }

    long samples() {
        long n = 0;
        for (int i = 0; i < labels.size(); i++) {
            n += counts[i];
        }
        return n;
    }

    long missing() {
        return missing;
    }

    /** Rows holding {@code label}; 0 for a label this variant never had. */
    long count(String label) {
        for (int i = 0; i < labels.size(); i++) {
            if (labels.get(i).equals(label)) {
                return counts[i];
            }
        }
        return 0;
    }

    @Override
    public List<String> labels() {
        return labels.all();
    }
}
