package dev.rollout.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Label texts interned to small ints in the order they first appear, as one variant's rows bring them. */
final class LabelIds {

    /** Labels compared one by one before the map is asked. */
    private static final int FEW = 8;

    private final Map<String, Integer> ids = new HashMap<>();
    private final String[] first = new String[FEW];
    private final List<String> labels = new ArrayList<>();

    /** The label's id; a new label gets the next one, {@link #size()} - 1 afterwards. */
    int id(String label) {
        // Most exports have a handful of labels: comparing with each beats hashing a new string per cell.
        int few = Math.min(labels.size(), FEW);
        for (int i = 0; i < few; i++) {
            if (first[i].equals(label)) {
                return i;
            }
        }
        Integer id = ids.get(label);
        if (id != null) {
            return id;
        }
        int next = labels.size();
        ids.put(label, next);
        labels.add(label);
        if (next < FEW) {
            first[next] = label;
        }
        return next;
    }

    int size() {
        return labels.size();
    }

    String get(int id) {
        return labels.get(id);
    }

    List<String> all() {
        return labels;
    }
}
