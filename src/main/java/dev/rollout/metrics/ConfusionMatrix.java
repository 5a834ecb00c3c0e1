package dev.rollout.metrics;

import dev.rollout.RolloutException;
import dev.rollout.spec.MetricSource.Average;
import dev.rollout.spec.MetricSource.Classification;
import dev.rollout.spec.MetricSource.ClassificationMetric;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Label pairs counted into a confusion matrix (labels interned to small ints as they appear),
 * and accuracy, precision, recall and F1 computed from it exactly as scikit-learn 1.2's
 * {@code precision_recall_fscore_support} does, with zero division giving 0.
 */
final class ConfusionMatrix implements Accumulator {

    private final Classification spec;
    private final Map<String, Integer> ids = new HashMap<>();
    private final List<String> labels = new ArrayList<>();
    private long[][] counts = new long[4][4];
    private long samples;
    private long missing;

    ConfusionMatrix(Classification spec) {
        this.spec = spec;
    }

    void missing() {
        missing++;
    }

    void add(String actual, String predicted) {
        int a = id(actual);
        int p = id(predicted);
        counts[a][p]++;
        samples++;
    }

    private int id(String label) {
        Integer id = ids.get(label);
        if (id != null) {
            return id;
        }
        int next = labels.size();
        ids.put(label, next);
        labels.add(label);
        if (next >= counts.length) {
            long[][] grown = new long[counts.length * 2][counts.length * 2];
            for (int i = 0; i < counts.length; i++) {
                System.arraycopy(counts[i], 0, grown[i], 0, counts.length);
            }
            counts = grown;
        }
        return next;
    }

    @Override
    public Result result(String variant) {
        if (samples == 0) {
            return new Result(OptionalDouble.empty(), 0, missing, List.of("no " + variant + " label pairs in the window"));
        }
        return new Result(OptionalDouble.of(compute()), samples, missing, List.of());
    }

    private double compute() {
        int k = labels.size();
        if (spec.metric() == ClassificationMetric.ACCURACY) {
            long correct = 0;
            for (int i = 0; i < k; i++) {
                correct += counts[i][i];
            }
            return (double) correct / samples;
        }
        // scikit-learn's label order: sorted unique labels of y_true and y_pred together.
        Integer[] order = new Integer[k];
        for (int i = 0; i < k; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> labels.get(x).compareTo(labels.get(y)));
        double[] tp = new double[k];
        double[] pred = new double[k];
        double[] truth = new double[k];
        for (int j = 0; j < k; j++) {
            int c = order[j];
            tp[j] = counts[c][c];
            for (int i = 0; i < k; i++) {
                pred[j] += counts[i][c];
                truth[j] += counts[c][i];
            }
        }
        if (spec.average() == Average.BINARY) {
            if (k > 2) {
                List<String> sorted = new ArrayList<>(labels);
                sorted.sort(null);
                throw RolloutException.input("classification " + spec.metric().name().toLowerCase(java.util.Locale.ROOT)
                        + ": average binary needs at most two labels, found " + k + " (" + String.join(", ", sorted)
                        + "); use average: micro, macro or weighted");
            }
            Integer pos = ids.get(spec.positive());
            if (pos == null) {
                if (k == 2) {
                    List<String> sorted = new ArrayList<>(labels);
                    sorted.sort(null);
                    throw RolloutException.input("classification: the positive label '" + spec.positive()
                            + "' is not among the labels " + sorted + "; set 'positive' to one of them");
                }
                return 0.0;
            }
            double tpPos = counts[pos][pos];
            double predPos = 0;
            double truePos = 0;
            for (int i = 0; i < k; i++) {
                predPos += counts[i][pos];
                truePos += counts[pos][i];
            }
            return score(divide(tpPos, predPos), divide(tpPos, truePos));
        }
        if (spec.average() == Average.MICRO) {
            double t = 0;
            double p = 0;
            double r = 0;
            for (int j = 0; j < k; j++) {
                t += tp[j];
                p += pred[j];
                r += truth[j];
            }
            return score(divide(t, p), divide(t, r));
        }
        double[] perClass = new double[k];
        for (int j = 0; j < k; j++) {
            perClass[j] = score(divide(tp[j], pred[j]), divide(tp[j], truth[j]));
        }
        if (spec.average() == Average.MACRO) {
            double s = 0;
            for (double v : perClass) {
                s += v;
            }
            return s / k;
        }
        // weighted: np.average(values, weights=true_sum); all supports 0 gives 0 (zero_division).
        double weights = 0;
        double s = 0;
        for (int j = 0; j < k; j++) {
            s += perClass[j] * truth[j];
            weights += truth[j];
        }
        return weights == 0 ? 0.0 : s / weights;
    }

    private double score(double precision, double recall) {
        return switch (spec.metric()) {
            case PRECISION -> precision;
            case RECALL -> recall;
            case F1 -> {
                // scikit-learn: denom = beta2 * precision + recall, 0 replaced by 1; f = (1 + beta2) * p * r / denom.
                double denom = precision + recall;
                if (denom == 0.0) {
                    denom = 1;
                }
                yield 2.0 * precision * recall / denom;
            }
            default -> throw new IllegalStateException(spec.metric().name());
        };
    }

    private static double divide(double numerator, double denominator) {
        return denominator == 0 ? 0.0 : numerator / denominator;
    }
}
