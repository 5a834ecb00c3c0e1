package dev.rollout.metrics;

import dev.rollout.spec.MetricSource.Classification;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Binary ROC AUC of one variant from a label column and a score column, as
 * {@code roc_auc_score(actual == positive, score)}: the Mann–Whitney statistic, in which a
 * tied positive/negative pair counts one half. That is exactly the area under
 * scikit-learn's ROC curve, whose tied scores make one diagonal step. Scores are kept per
 * label in primitive arrays, because the positive label may be chosen only once every label
 * of both variants is known; the statistic is counted exactly in integers and divided once,
 * so it is within an ulp or two of scikit-learn's trapezoid sum.
 */
final class RocAuc {

    private RocAuc() {
    }

    /** The AUC of {@code spec} over everything accepted; {@code classes} are both variants' labels. */
    static MetricValue value(ScoresByLabel scores, Classification spec, String variant, ClassLabels classes) {
        if (scores.samples() == 0) {
            return scores.none(variant);
        }
        long samples = scores.samples();
        long missing = scores.missing();
        ClassLabels.Positive positive = classes.positive(spec);
        int[] present = present(scores, classes);
        String rows = "the " + variant + "'s " + samples + (samples == 1 ? " row" : " rows");
        if (present.length == 1) {
            // scikit-learn raises "Only one class present in y_true. ROC AUC score is not defined in that case."
            return MetricValue.none(samples, missing, "auc is undefined: only one class in the labels ('"
                    + classes.names(present) + "')" + positive.label().map(p -> present[0] == positive.index()
                    ? ": all of " + rows + " have the positive label '" + Cells.shown(p) + "'"
                    : ": none of " + rows + " has the positive label '" + Cells.shown(p) + "'").orElse(""));
        }
        if (positive.label().isEmpty()) {
            return MetricValue.none(samples, missing, "auc is undefined: " + positive.note().orElseThrow());
        }
        List<DoubleList> pos = new ArrayList<>();
        List<DoubleList> neg = new ArrayList<>();
        boolean[] isPositive = scores.positives(classes, positive.index());
        for (int i = 0; i < isPositive.length; i++) {
            (isPositive[i] ? pos : neg).add(scores.scores(i));
        }
        if (pos.isEmpty()) {
            return MetricValue.none(samples, missing, "auc is undefined: none of " + rows + " has the positive label '"
                    + Cells.shown(positive.label().get()) + "' (the labels are " + classes.names(present) + ")");
        }
        int p = size(pos);
        int n = size(neg);
        return MetricValue.of(auc(sorted(pos, p), p, sorted(neg, n), n), samples, missing);
    }

    /** The classes of this variant's labels, ascending. */
    private static int[] present(ScoresByLabel scores, ClassLabels classes) {
        return scores.labels().stream().mapToInt(classes::of).distinct().sorted().toArray();
    }

    private static int size(List<DoubleList> lists) {
        long size = 0;
        for (DoubleList list : lists) {
            size += list.size();
        }
        return Math.toIntExact(size);
    }

    /** The values of {@code lists}, sorted: one list's own array (no copy) in the usual case of one spelling per class. */
    private static double[] sorted(List<DoubleList> lists, int size) {
        if (lists.size() == 1) {
            return lists.get(0).sorted();
        }
        double[] all = new double[size];
        int at = 0;
        for (DoubleList list : lists) {
            System.arraycopy(list.sorted(), 0, all, at, list.size());
            at += list.size();
        }
        Arrays.sort(all);
        return all;
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
