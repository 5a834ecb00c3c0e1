package dev.rollout.metrics;

import dev.rollout.RolloutException;
import dev.rollout.spec.MetricSource.Classification;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Binary ROC AUC from a label column and a score column. Computed as the Mann–Whitney
 * statistic with mid-ranks for tied scores, which is exactly the area under scikit-learn's
 * ROC curve with its tie handling (ties make one diagonal step).
 */
final class RocAuc implements Accumulator {

    private final Classification spec;
    private double[] scores = new double[1024];
    private boolean[] positive = new boolean[1024];
    private int n;
    private long missing;
    private final Set<String> classes = new HashSet<>();

    RocAuc(Classification spec) {
        this.spec = spec;
    }

    void missing() {
        missing++;
    }

    void add(String actual, double score) {
        if (n == scores.length) {
            scores = Arrays.copyOf(scores, n * 2);
            positive = Arrays.copyOf(positive, n * 2);
        }
        if (classes.size() < 3) {
            classes.add(actual);
        }
        scores[n] = score;
        positive[n] = actual.equals(spec.positive());
        n++;
    }

    @Override
    public Result result(String variant) {
        if (n == 0) {
            return new Result(OptionalDouble.empty(), 0, missing, List.of("no " + variant + " scores in the window"));
        }
        if (classes.size() > 2) {
            throw RolloutException.input("auc is binary: column '" + spec.actual() + "' has more than two labels");
        }
        long pos = 0;
        for (int i = 0; i < n; i++) {
            if (positive[i]) {
                pos++;
            }
        }
        long neg = n - pos;
        if (pos == 0 || neg == 0) {
            return new Result(OptionalDouble.empty(), n, missing,
                    List.of("auc is undefined: only one class in the " + variant + "'s labels"));
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        double[] s = scores;
        Arrays.sort(order, (a, b) -> Double.compare(s[a], s[b]));
        double rankSumPositive = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            double midRank = (i + j) / 2.0 + 1.0;
            for (int k = i; k <= j; k++) {
                if (positive[order[k]]) {
                    rankSumPositive += midRank;
                }
            }
            i = j + 1;
        }
        double u = rankSumPositive - pos * (pos + 1) / 2.0;
        return new Result(OptionalDouble.of(u / ((double) pos * neg)), n, missing, List.of());
    }
}
