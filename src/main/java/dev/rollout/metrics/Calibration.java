package dev.rollout.metrics;

import dev.rollout.spec.MetricSource.Classification;

import java.util.List;
import java.util.Locale;

/**
 * How well one variant's scores work as probabilities of the positive label: Brier score, log
 * loss and expected calibration error, from a label column and a score column in [0, 1]. The
 * scores are kept per label ({@link ScoresByLabel}), because which label is positive is
 * known only once both variants' labels are; sums are compensated, so the values are within a
 * rounding or two of scikit-learn's pairwise sums.
 */
final class Calibration {

    /** Equal-width bins of the score for ece. */
    static final int BINS = 10;
    /** numpy's float64 eps, to which scikit-learn 1.2's log_loss clips the scores ({@code eps="auto"}). */
    private static final double EPS = Math.ulp(1.0);

    private Calibration() {
    }

    /** The value of {@code spec} (brier, log_loss or ece) over everything accepted; {@code classes} are both variants' labels. */
    static MetricValue value(ScoresByLabel scores, Classification spec, String variant, ClassLabels classes) {
        if (scores.samples() == 0) {
            return scores.none(variant);
        }
        long samples = scores.samples();
        long missing = scores.missing();
        ClassLabels.Positive positive = classes.positive(spec);
        if (positive.label().isEmpty()) {
            return MetricValue.none(samples, missing, spec.metric().name().toLowerCase(Locale.ROOT)
                    + " is undefined: " + positive.note().orElseThrow());
        }
        boolean[] isPositive = scores.positives(classes, positive.index());
        double v = switch (spec.metric()) {
            case BRIER -> meanLoss(scores, isPositive, samples, Calibration::squaredError);
            case LOG_LOSS -> meanLoss(scores, isPositive, samples, Calibration::logLoss);
            case ECE -> ece(scores, isPositive, samples);
            case ACCURACY, PRECISION, RECALL, F1, AUC ->
                    throw new IllegalStateException(spec.metric() + " is not a calibration metric");
        };
        return MetricValue.of(v, samples, missing);
    }

    /** The loss of one row. */
    private interface Loss {
        double of(boolean positive, double score);
    }

    /** {@code brier_score_loss}: (y - s)². */
    private static double squaredError(boolean positive, double score) {
        double d = (positive ? 1 : 0) - score;
        return d * d;
    }

    /** {@code log_loss} of one row as scikit-learn computes it: clip, make [1 - p, p], divide by its sum. */
    private static double logLoss(boolean positive, double score) {
        double p = Math.min(Math.max(score, EPS), 1 - EPS);
        double q = 1 - p;
        double total = q + p;
        return -Math.log((positive ? p : q) / total);
    }

    private static double meanLoss(ScoresByLabel scores, boolean[] isPositive, long samples, Loss loss) {
        CompensatedSum sum = new CompensatedSum();
        for (int i = 0; i < isPositive.length; i++) {
            DoubleList list = scores.scores(i);
            double[] s = list.sorted();
            for (int k = 0; k < list.size(); k++) {
                sum.add(loss.of(isPositive[i], s[k]));
            }
        }
        return sum.value() / samples;
    }

    /** Σ_b (n_b/N)·|mean(y_b) − mean(s_b)| over {@link #BINS} equal-width bins, bin = min(⌊10·s⌋, 9). */
    private static double ece(ScoresByLabel scores, boolean[] isPositive, long samples) {
        long[] n = new long[BINS];
        long[] positives = new long[BINS];
        CompensatedSum[] sums = new CompensatedSum[BINS];
        for (int b = 0; b < BINS; b++) {
            sums[b] = new CompensatedSum();
        }
        for (int i = 0; i < isPositive.length; i++) {
            DoubleList list = scores.scores(i);
            double[] s = list.sorted();
            for (int k = 0; k < list.size(); k++) {
                int b = Math.min((int) Math.floor(BINS * s[k]), BINS - 1);
                n[b]++;
                positives[b] += isPositive[i] ? 1 : 0;
                sums[b].add(s[k]);
            }
        }
        CompensatedSum ece = new CompensatedSum();
        for (int b = 0; b < BINS; b++) {
            if (n[b] > 0) {
                ece.add((double) n[b] / samples * Math.abs((double) positives[b] / n[b] - sums[b].value() / n[b]));
            }
        }
        return ece.value();
    }
}
