package dev.rollout.metrics;

import dev.rollout.spec.MetricSpec;

/**
 * Binary ROC AUC of one variant from a label column and a score column, as
 * {@code roc_auc_score(actual == positive, score)}: the Mann–Whitney statistic, in which a
 * tied positive/negative pair counts one half. That is exactly the area under
 * scikit-learn's ROC curve, whose tied scores make one diagonal step. Scores are kept in two
 * primitive arrays (positives, negatives); the statistic is counted exactly in integers and
 * divided once, so it is within an ulp or two of scikit-learn's trapezoid sum.
 */
final class RocAuc implements Accumulator {

    private final String positive;
    private final DoubleList positives = new DoubleList();
    private final DoubleList negatives = new DoubleList();
    private long missing;

    RocAuc(String positive) {
        this.positive = positive;
    }

    @Override
    public void accept(Row row, int[] columns) {
        String actual = row.text(columns[0]);
        double score = row.number(columns[1]);
        if (actual.isEmpty() || Double.isNaN(score)) {
            missing++;
            return;
        }
        (actual.equals(positive) ? positives : negatives).add(score);
    }

    @Override
    public Accumulator fresh() {
        return new RocAuc(positive);
    }

    @Override
    public void merge(Accumulator other) {
        RocAuc later = (RocAuc) other;
        positives.append(later.positives);
        negatives.append(later.negatives);
        missing += later.missing;
    }

    @Override
    public MetricValue value(MetricSpec metric, String variant) {
        int p = positives.size();
        int n = negatives.size();
        long samples = (long) p + n;
        if (samples == 0) {
            return MetricValue.none(0, missing, "no " + variant + " scores in the window" + MetricValue.missingSuffix(missing));
        }
        if (p == 0 || n == 0) {
            // scikit-learn raises "Only one class present in y_true. ROC AUC score is not defined in that case."
            return MetricValue.none(samples, missing, "auc is undefined: only one class in the labels ("
                    + (p == 0 ? "none" : "all") + " of the " + variant + "'s " + samples + " rows "
                    + (p == 0 ? "has" : "have") + " the positive label '" + positive + "')");
        }
        return MetricValue.of(auc(positives.sorted(), p, negatives.sorted(), n), samples, missing);
    }

    /** P(score of a positive > score of a negative) + P(tie) / 2, from both sorted arrays in one merge. */
    static double auc(double[] pos, int p, double[] neg, int n) {
        long twiceU = 0;
        int below = 0;
        int i = 0;
        while (i < p) {
            double s = pos[i];
            int groupEnd = i;
            while (groupEnd < p && pos[groupEnd] == s) {
                groupEnd++;
            }
            while (below < n && neg[below] < s) {
                below++;
            }
            int tiedEnd = below;
            while (tiedEnd < n && neg[tiedEnd] == s) {
                tiedEnd++;
            }
            twiceU += (long) (groupEnd - i) * (2L * below + (tiedEnd - below));
            i = groupEnd;
        }
        return twiceU / (2.0 * p * n);
    }
}
