package dev.rollout.metrics;

import dev.rollout.RolloutException;
import dev.rollout.RolloutException.Location;
import dev.rollout.spec.MetricSource.Average;
import dev.rollout.spec.MetricSource.Classification;
import dev.rollout.spec.MetricSpec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Label pairs of one variant counted into a confusion matrix, labels interned to small ints
 * as they appear, and accuracy, precision, recall and F1 computed from it as scikit-learn
 * 1.2's {@code accuracy_score} and {@code precision_recall_fscore_support} do: the same
 * label set, the same per-class arrays in the same order, the same divisions and numpy's
 * own summation, so the results are scikit-learn's to the last bit. Zero division gives 0
 * ({@code zero_division="warn"} behaves as 0).
 */
final class ConfusionMatrix implements Accumulator {

    /** Labels compared one by one before the map is asked. */
    private static final int FEW = 8;

    private final Map<String, Integer> ids = new HashMap<>();
    private final String[] first = new String[FEW];
    private final List<String> labels = new ArrayList<>();
    /** counts[actual][predicted], grown as labels appear. */
    private long[][] counts = new long[4][4];
    private long samples;
    private long missing;

    @Override
    public void accept(Row row, int[] columns) {
        String actual = row.text(columns[0]);
        String predicted = row.text(columns[1]);
        if (actual.isEmpty() || predicted.isEmpty()) {
            missing++;
            return;
        }
        // Ids first: a new label grows the array, and counts[...] would index the old one.
        int a = id(actual);
        int p = id(predicted);
        counts[a][p]++;
        samples++;
    }

    private int id(String label) {
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
        if (next == counts.length) {
            long[][] grown = new long[next * 2][next * 2];
            for (int i = 0; i < next; i++) {
                System.arraycopy(counts[i], 0, grown[i], 0, next);
            }
            counts = grown;
        }
        return next;
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
    public MetricValue value(MetricSpec metric, String variant) {
        Classification spec = (Classification) metric.source();
        if (samples == 0) {
            return MetricValue.none(0, missing, "no " + variant + " label pairs in the window" + MetricValue.missingSuffix(missing));
        }
        double v = switch (spec.metric()) {
            case ACCURACY -> accuracy();
            case PRECISION, RECALL, F1 -> averaged(metric, spec, variant);
            case AUC -> throw new IllegalStateException("auc is computed by RocAuc");
        };
        return MetricValue.of(v, samples, missing);
    }

    private double accuracy() {
        long correct = 0;
        for (int i = 0; i < labels.size(); i++) {
            correct += counts[i][i];
        }
        return (double) correct / samples;
    }

    private double averaged(MetricSpec metric, Classification spec, String variant) {
        // scikit-learn's unique_labels: the sorted union of actual and predicted labels.
        int[] order = sortedLabelIds();
        int k = order.length;
        if (spec.average() == Average.BINARY) {
            return binary(metric, spec, variant, order);
        }
        long[] tp = new long[k];
        long[] predicted = new long[k];
        long[] actual = new long[k];
        for (int j = 0; j < k; j++) {
            int c = order[j];
            tp[j] = counts[c][c];
            for (int i = 0; i < labels.size(); i++) {
                predicted[j] += counts[i][c];
                actual[j] += counts[c][i];
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
    private double binary(MetricSpec metric, Classification spec, String variant, int[] order) {
        int k = order.length;
        if (k > 2) {
            throw RolloutException.input(Location.of(null, 0, 0, "metric " + metric.name()),
                    "average: binary needs at most two labels, found " + k + " in the " + variant + "'s rows ("
                            + names(order) + "); use micro, macro or weighted");
        }
        Integer pos = ids.get(spec.positive());
        if (pos == null) {
            if (k == 2) {
                throw RolloutException.input(Location.of(null, 0, 0, "metric " + metric.name()),
                        "the positive label '" + spec.positive() + "' is not one of the labels in the " + variant
                                + "'s rows (" + names(order) + "); set positive to one of them");
            }
            return 0.0;
        }
        long tp = counts[pos][pos];
        long predicted = 0;
        long actual = 0;
        for (int i = 0; i < labels.size(); i++) {
            predicted += counts[i][pos];
            actual += counts[pos][i];
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

    /** Label ids in Python's string order (code points, which differs from String.compareTo past U+D7FF). */
    private int[] sortedLabelIds() {
        Integer[] boxed = new Integer[labels.size()];
        for (int i = 0; i < boxed.length; i++) {
            boxed[i] = i;
        }
        Arrays.sort(boxed, (a, b) -> compareCodePoints(labels.get(a), labels.get(b)));
        int[] order = new int[boxed.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = boxed[i];
        }
        return order;
    }

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

    private String names(int[] order) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < order.length && i < 10; i++) {
            sb.append(i == 0 ? "" : ", ").append(Row.shown(labels.get(order[i])));
        }
        if (order.length > 10) {
            sb.append(", …");
        }
        return sb.toString();
    }
}
