package dev.rollout.metrics;

import dev.rollout.RolloutException;
import dev.rollout.RolloutException.Location;
import dev.rollout.spec.MetricSource.Average;
import dev.rollout.spec.MetricSource.Classification;
import dev.rollout.spec.MetricSpec;

import java.util.Arrays;
import java.util.List;

/**
 * Label pairs of one variant counted into a confusion matrix, labels interned to small ints
 * as they appear, and accuracy, precision, recall and F1 computed from it as scikit-learn
 * 1.2's {@code accuracy_score} and {@code precision_recall_fscore_support} do: the same
 * label set, the same per-class arrays in the same order, the same divisions and numpy's
 * own summation, so the results are scikit-learn's to the last bit. Zero division gives 0
 * ({@code zero_division="warn"} behaves as 0).
 */
final class ConfusionMatrix implements Accumulator {

    private final LabelIds labels = new LabelIds();
    /** counts[actual][predicted] by label id, grown as labels appear. */
    private long[][] counts = new long[4][4];
    private long samples;
    private long missing;
    /** The rows whose {@link Cells#code codes} {@link #byCode} holds ids for; null before the first code. */
    private Cells coded;
    /** Label id + 1 by the code of its text in {@link #coded}'s cells; 0 for a code not seen as a label yet. */
    private int[] byCode = new int[0];

    @Override
    public void accept(Cells row, int[] columns) {
        int ca = row.code(columns[0]);
        int cp = row.code(columns[1]);
        // One branch, not four: each branch only a part's first rows take can make the compiled row path trap.
        if (row == coded & ca < byCode.length & cp < byCode.length & (ca | cp) >= 0) {
            // Two labels seen before in these rows' texts: no String, no lookup.
            int a = byCode[ca] - 1;
            int p = byCode[cp] - 1;
            if ((a | p) >= 0) {
                counts[a][p]++;
                samples++;
                return;
            }
        }
        String actual = row.label(columns[0]);
        String predicted = row.label(columns[1]);
        if (actual == null || predicted == null) {
            missing++;
            return;
        }
        // Ids first: a new label grows the array, and counts[...] would index the old one.
        int a = id(actual);
        int p = id(predicted);
        remember(row, ca, a);
        remember(row, cp, p);
        counts[a][p]++;
        samples++;
    }

    /** Keeps label {@code id} for the text whose code in {@code row}'s cells is {@code code}, when it has one. */
    private void remember(Cells row, int code, int id) {
        if (code < 0) {
            return;
        }
        if (row != coded) {
            coded = row; // another source of rows: its codes mean other texts
            byCode = new int[0];
        }
        if (code >= byCode.length) {
            byCode = Arrays.copyOf(byCode, Math.max(code + 1, 2 * byCode.length));
        }
        byCode[code] = id + 1;
    }

    @Override
    public void acceptCounted(Cells row, int[] columns, long n) {
        String actual = row.label(columns[0]);
        String predicted = row.label(columns[1]);
        if (actual == null || predicted == null) {
            missing += n;
            return;
        }
        int a = id(actual);
        int p = id(predicted);
        counts[a][p] += n;
        samples += n;
    }

    private int id(String label) {
        int id = labels.id(label);
        if (id == counts.length) {
            long[][] grown = new long[id * 2][id * 2];
            for (int i = 0; i < id; i++) {
                System.arraycopy(counts[i], 0, grown[i], 0, id);
            }
            counts = grown;
        }
        return id;
    }

    @Override
    public long rows() {
        return samples + missing;
    }

    @Override
    public Accumulator fresh() {
        return new ConfusionMatrix();
    }

    @Override
    public void merge(Accumulator other) {
        ConfusionMatrix later = (ConfusionMatrix) other;
        // The later chunk numbered its labels in its own order of appearance: match them by name.
        int[] to = new int[later.labels.size()];
        for (int i = 0; i < to.length; i++) {
            to[i] = id(later.labels.get(i));
        }
        for (int a = 0; a < to.length; a++) {
            for (int p = 0; p < to.length; p++) {
                counts[to[a]][to[p]] += later.counts[a][p];
            }
        }
        samples += later.samples;
        missing += later.missing;
    }

    @Override
    public List<String> labels() {
        return labels.all();
    }

    /**
     * The value of {@code spec} (the source of {@code metric}, named in errors) over everything
     * accepted; {@code classes} are the classes of both variants' labels.
     */
    MetricValue value(MetricSpec metric, Classification spec, String variant, ClassLabels classes) {
        if (samples == 0) {
            return MetricValue.none(0, missing, "no " + variant + " label pairs in the window" + MetricValue.missingSuffix(missing));
        }
        // scikit-learn's unique_labels: the sorted union of this variant's actual and predicted classes.
        int[] present = present(classes);
        long[][] cm = byClass(classes, present);
        double v = switch (spec.metric()) {
            case ACCURACY -> accuracy(cm);
            case PRECISION, RECALL, F1 -> spec.average() == Average.BINARY
                    ? binary(metric, spec, variant, classes, present, cm) : averaged(spec, cm);
            case AUC, BRIER, LOG_LOSS, ECE -> throw new IllegalStateException(spec.metric() + " is computed from scores");
        };
        return MetricValue.of(v, samples, missing);
    }

    /** The classes this variant's labels belong to, ascending. */
    private int[] present(ClassLabels classes) {
        boolean[] seen = new boolean[classes.size()];
        for (int i = 0; i < labels.size(); i++) {
            seen[classes.of(labels.get(i))] = true;
        }
        int[] present = new int[classes.size()];
        int k = 0;
        for (int c = 0; c < seen.length; c++) {
            if (seen[c]) {
                present[k++] = c;
            }
        }
        return Arrays.copyOf(present, k);
    }

    /** The counts by present class, in class order: labels spelled apart but equal as numbers ("1", "1.0") add up. */
    private long[][] byClass(ClassLabels classes, int[] present) {
        int[] at = new int[classes.size()];
        for (int j = 0; j < present.length; j++) {
            at[present[j]] = j;
        }
        long[][] cm = new long[present.length][present.length];
        for (int a = 0; a < labels.size(); a++) {
            int ca = at[classes.of(labels.get(a))];
            for (int p = 0; p < labels.size(); p++) {
                cm[ca][at[classes.of(labels.get(p))]] += counts[a][p];
            }
        }
        return cm;
    }

    private double accuracy(long[][] cm) {
        long correct = 0;
        for (int i = 0; i < cm.length; i++) {
            correct += cm[i][i];
        }
        return (double) correct / samples;
    }

    private static double averaged(Classification spec, long[][] cm) {
        int k = cm.length;
        long[] tp = new long[k];
        long[] predicted = new long[k];
        long[] actual = new long[k];
        for (int j = 0; j < k; j++) {
            tp[j] = cm[j][j];
            for (int i = 0; i < k; i++) {
                predicted[j] += cm[i][j];
                actual[j] += cm[j][i];
            }
        }
        if (spec.average() == Average.MICRO) {
            // tp_sum, pred_sum and true_sum are summed first (integers, exact), then divided once.
            long t = 0;
            long p = 0;
            long r = 0;
            for (int j = 0; j < k; j++) {
                t += tp[j];
                p += predicted[j];
                r += actual[j];
            }
            return pick(spec, divide(t, p), divide(t, r));
        }
        double[] perClass = new double[k];
        for (int j = 0; j < k; j++) {
            perClass[j] = pick(spec, divide(tp[j], predicted[j]), divide(tp[j], actual[j]));
        }
        if (spec.average() == Average.MACRO) {
            // np.average without weights: np.mean, a numpy sum divided by the count.
            return NumpySum.of(perClass) / k;
        }
        // weighted: np.average(per_class, weights=true_sum) = sum(a * w) / sum(w), both numpy sums.
        // scikit-learn returns 0 when every support is 0; with at least one pair that cannot happen.
        double[] products = new double[k];
        double[] weights = new double[k];
        for (int j = 0; j < k; j++) {
            weights[j] = actual[j];
            products[j] = perClass[j] * weights[j];
        }
        double total = NumpySum.of(weights);
        return total == 0 ? 0.0 : NumpySum.of(products) / total;
    }

    /**
     * {@code average="binary"}: scikit-learn refuses more than two labels in actual and
     * predicted together, and refuses a positive label missing from two present labels; with
     * one label or none present it scores the positive label, which is then 0.
     */
    private double binary(MetricSpec metric, Classification spec, String variant, ClassLabels classes, int[] present,
                          long[][] cm) {
        int k = present.length;
        Location where = Location.of(null, 0, 0, "metric " + metric.name());
        if (k > 2) {
            throw RolloutException.input(where, "average: binary needs at most two labels, found " + k + " in the " + variant
                    + "'s rows (" + classes.names(present) + "); use micro, macro or weighted");
        }
        ClassLabels.Positive positive = classes.positive(spec);
        if (positive.label().isEmpty()) {
            throw RolloutException.input(where, "average: binary, " + positive.note().orElseThrow());
        }
        int pos = Arrays.binarySearch(present, positive.index());
        if (positive.index() < 0 || pos < 0) {
            if (k == 2) {
                throw RolloutException.input(where, "the positive label '" + Cells.shown(positive.label().get())
                        + "' is not one of the labels in the " + variant + "'s rows (" + classes.names(present)
                        + "); set positive to one of them");
            }
            return 0.0;
        }
        long tp = cm[pos][pos];
        long predicted = 0;
        long actual = 0;
        for (int i = 0; i < k; i++) {
            predicted += cm[i][pos];
            actual += cm[pos][i];
        }
        return pick(spec, divide(tp, predicted), divide(tp, actual));
    }

    private static double pick(Classification spec, double precision, double recall) {
        return switch (spec.metric()) {
            case PRECISION -> precision;
            case RECALL -> recall;
            case F1 -> {
                // scikit-learn, beta = 1: denom = beta2*p + r, a zero denom replaced by 1, f = (1+beta2)*p*r/denom.
                double denom = precision + recall;
                if (denom == 0.0) {
                    denom = 1.0;
                }
                yield 2.0 * precision * recall / denom;
            }
            default -> throw new IllegalStateException(spec.metric().name());
        };
    }

    /** scikit-learn's _prf_divide with zero_division=0: x/0 is 0. */
    private static double divide(long numerator, long denominator) {
        return denominator == 0 ? 0.0 : (double) numerator / (double) denominator;
    }

    /** Python's string order: code points, which differs from String.compareTo past U+D7FF. */
    static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }
}
