package dev.rollout.metrics;

import dev.rollout.spec.MetricSource.Classification;
import dev.rollout.spec.MetricSource.ClassificationMetric;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The classes behind the label texts of one classification metric, over both variants, as
 * pandas and scikit-learn see them. When every label is a number ({@code 1}, {@code 01},
 * {@code 1.0}, {@code -1}) the labels are numbers: {@code 1} and {@code 1.0} are one class, as
 * in a column pandas reads as floats (it writes an integer column with a NaN in it as
 * {@code 1.0}), and classes sort as numbers. Otherwise they are strings, sorted by code point
 * as Python sorts them. Classes are numbered in that order, so scikit-learn's
 * {@code unique_labels} order is the class order.
 */
final class ClassLabels {

    private final boolean numeric;
    /** Per class, the text shown for it: the shortest of its spellings ("1" of "1", "01", "1.0"). */
    private final List<String> names;
    /** Numeric classes: their values, ascending. */
    private final double[] values;
    private final Map<String, Integer> classOf;

    private ClassLabels(boolean numeric, List<String> names, double[] values, Map<String, Integer> classOf) {
        this.numeric = numeric;
        this.names = names;
        this.values = values;
        this.classOf = classOf;
    }

    /** The classes of {@code spellings}: every label text either variant's rows held. */
    static ClassLabels of(Collection<String> spellings) {
        TreeSet<String> distinct = new TreeSet<>(ConfusionMatrix::compareCodePoints);
        distinct.addAll(spellings);
        boolean numeric = !distinct.isEmpty() && distinct.stream().allMatch(s -> !Double.isNaN(value(s)));
        Map<String, Integer> classOf = new HashMap<>();
        List<String> names = new ArrayList<>();
        if (!numeric) {
            for (String s : distinct) {
                classOf.put(s, names.size());
                names.add(s);
            }
            return new ClassLabels(false, names, new double[0], classOf);
        }
        TreeMap<Double, List<String>> byValue = new TreeMap<>();
        for (String s : distinct) {
            byValue.computeIfAbsent(value(s), v -> new ArrayList<>()).add(s);
        }
        double[] values = new double[byValue.size()];
        for (Map.Entry<Double, List<String>> e : byValue.entrySet()) {
            int c = names.size();
            values[c] = e.getKey();
            String shortest = e.getValue().get(0);
            for (String s : e.getValue()) {
                classOf.put(s, c);
                if (s.length() < shortest.length()) {
                    shortest = s; // ties keep the first in code point order: the set is sorted
                }
            }
            names.add(shortest);
        }
        return new ClassLabels(true, names, values, classOf);
    }

    /** The label as a number, NaN when it is not a plain finite one; -0 is 0. */
    private static double value(String s) {
        if (!CellText.plainNumber(s)) {
            return Double.NaN;
        }
        try {
            double d = CellText.number(s);
            return d == 0 ? 0.0 : d;
        } catch (NumberFormatException e) {
            return Double.NaN; // beyond a double's range
        }
    }

    int size() {
        return names.size();
    }

    String name(int c) {
        return names.get(c);
    }

    /** The class of a label text the rows held, -1 for one they did not. */
    int of(String spelling) {
        return classOf.getOrDefault(spelling, -1);
    }

    /** The class a label text from the spec names (numbers compared as numbers), -1 for none. */
    int find(String label) {
        if (!numeric) {
            return of(label);
        }
        double v = value(label);
        int at = Double.isNaN(v) ? -1 : Arrays.binarySearch(values, v);
        return at < 0 ? -1 : at;
    }

    /** The classes {@code cs} (ascending) as a message shows them: "benign, malignant", at most 10. */
    String names(int[] cs) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cs.length && i < 10; i++) {
            sb.append(i == 0 ? "" : ", ").append(Cells.shown(names.get(cs[i])));
        }
        if (cs.length > 10) {
            sb.append(", …");
        }
        return sb.toString();
    }

    private String all() {
        int[] cs = new int[names.size()];
        Arrays.setAll(cs, i -> i);
        return names(cs);
    }

    /**
     * The positive label of a binary metric.
     *
     * @param index the class, -1 when no class has the label (or there is no label)
     * @param label the label as shown in the output; empty when none could be chosen
     * @param note  why this label, when the spec did not name it and it is not scikit-learn's default 1;
     *              or why none could be chosen
     */
    record Positive(int index, Optional<String> label, Optional<String> note) {
    }

    /**
     * The spec's {@code positive}; without one, scikit-learn's choice: {@code f1_score} and
     * friends take pos_label 1 (so {0, 1} and {-1, 1} give 1); {@code roc_auc_score}, and these
     * where scikit-learn would refuse (two labels, neither is 1, e.g. strings), the greater of
     * the two labels. With more than two labels auc keeps the default it always had, 1 against
     * the rest, where scikit-learn would refuse.
     */
    Positive positive(Classification spec) {
        if (spec.positive().isPresent()) {
            String given = spec.positive().get();
            return new Positive(find(given), Optional.of(given), Optional.empty());
        }
        boolean auc = spec.metric() == ClassificationMetric.AUC;
        int one = find("1");
        if (one >= 0 && !auc) {
            return new Positive(one, Optional.of(names.get(one)), Optional.empty());
        }
        if (one >= 0 && size() > 2) {
            // roc_auc_score would ask for multi_class; 1 against the rest is what positive's default has always meant.
            return new Positive(one, Optional.of(names.get(one)), Optional.of("positive label '" + Cells.shown(names.get(one))
                    + "' (the default) against the other " + (size() - 1) + " labels; set positive to choose"));
        }
        if (size() == 2) {
            return new Positive(1, Optional.of(names.get(1)), Optional.of("positive label '" + Cells.shown(names.get(1))
                    + "': the greater of the two labels (" + all() + "), as scikit-learn's roc_auc_score takes it"
                    + (auc ? "" : " (its f1_score would ask for pos_label)") + "; set positive to choose"));
        }
        if (size() > 2) {
            return new Positive(-1, Optional.empty(), Optional.of("no positive label: the labels hold " + size()
                    + " classes (" + all() + ")" + (auc ? "" : " and none is 1") + "; set positive to the one that counts"));
        }
        if (auc) {
            return new Positive(-1, Optional.empty(), Optional.empty()); // one class or none: auc is undefined anyway
        }
        // scikit-learn scores pos_label 1 even when it is absent, as long as fewer than two labels are present: 0.
        return new Positive(-1, Optional.of("1"), Optional.of("positive label 1 (scikit-learn's default) is not among the"
                + " labels (" + all() + "), so it scores 0; set positive to choose"));
    }
}
