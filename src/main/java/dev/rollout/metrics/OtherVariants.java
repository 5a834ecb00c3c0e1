package dev.rollout.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Rows in the window whose variant cell is neither the baseline's value nor the candidate's,
 * counted by value: a typo in {@code model.candidate} must show at once, not as a window
 * without candidate rows. At most {@link #TRACKED} values are counted one by one (a variant
 * column that holds request ids must not fill the memory); rows of further values are counted
 * together.
 */
final class OtherVariants {

    static final int TRACKED = 1000;
    /** Values named in the note, the most frequent first. */
    static final int LISTED = 5;

    private final Map<String, long[]> counts = new HashMap<>();
    private long rows;
    private long untracked;

    void add(String value) {
        add(value, 1);
    }

    void add(String value, long n) {
        rows += n;
        long[] c = counts.get(value);
        if (c == null) {
            if (counts.size() >= TRACKED) {
                untracked += n;
                return;
            }
            c = new long[1];
            counts.put(value, c);
        }
        c[0] += n;
    }

    /** Takes in the counts of {@code later}. */
    void addAll(OtherVariants later) {
        // In a fixed order, so that which values are tracked past the limit depends only on the file.
        later.counts.entrySet().stream().sorted(Map.Entry.comparingByKey(ConfusionMatrix::compareCodePoints))
                .forEach(e -> add(e.getKey(), e.getValue()[0]));
        rows += later.untracked;
        untracked += later.untracked;
    }

    long rows() {
        return rows;
    }

    /** What the rows were, for a person: empty when there were none. */
    Optional<String> note(String baseline, String candidate) {
        if (rows == 0) {
            return Optional.empty();
        }
        List<Map.Entry<String, long[]>> top = new ArrayList<>(counts.entrySet());
        top.sort((a, b) -> a.getValue()[0] != b.getValue()[0] ? Long.compare(b.getValue()[0], a.getValue()[0])
                : ConfusionMatrix.compareCodePoints(a.getKey(), b.getKey()));
        StringBuilder sb = new StringBuilder();
        sb.append(rows).append(rows == 1 ? " row" : " rows").append(" in the window left out: the variant is neither the baseline '")
                .append(Cells.shown(baseline)).append("' nor the candidate '").append(Cells.shown(candidate)).append("' (");
        for (int i = 0; i < Math.min(LISTED, top.size()); i++) {
            sb.append(i == 0 ? "" : ", ").append(Cells.quoted(top.get(i).getKey())).append(": ").append(top.get(i).getValue()[0]);
        }
        long rest = rows;
        for (int i = 0; i < Math.min(LISTED, top.size()); i++) {
            rest -= top.get(i).getValue()[0];
        }
        if (rest > 0) {
            sb.append(", other values: ").append(rest);
        }
        return Optional.of(sb.append("); check model.candidate and data.variant").toString());
    }
}
