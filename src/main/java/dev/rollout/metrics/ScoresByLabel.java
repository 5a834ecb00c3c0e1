package dev.rollout.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * One variant's scores kept per label text, in primitive arrays, for the metrics whose positive
 * label is known only once every label of both variants is ({@link RocAuc}, {@link Calibration}).
 */
final class ScoresByLabel implements Accumulator {

    /** Scores must be probabilities in [0, 1] (the calibration metrics); auc takes any score. */
    private final boolean probability;
    private final LabelIds labels = new LabelIds();
    /** Scores by label id. */
    private final List<DoubleList> scores = new ArrayList<>();
    private long missing;

    ScoresByLabel(boolean probability) {
        this.probability = probability;
    }

    /**
     * Takes the label at {@code columns[0]} and the score at {@code columns[1]}; a row with either
     * missing is only counted. A probability outside [0, 1] is an error naming the row.
     */
    @Override
    public void accept(Cells row, int[] columns) {
        String actual = row.label(columns[0]);
        double score = row.number(columns[1]);
        if (actual == null || Double.isNaN(score)) {
            missing++;
            return;
        }
        if (probability && !(score >= 0 && score <= 1)) {
            throw row.error(columns[1], "score " + Cells.quoted(row.text(columns[1])) + " is outside [0, 1]; brier,"
                    + " log_loss and ece read the score as the probability of the positive label");
        }
        list(actual).add(score);
    }

    private DoubleList list(String label) {
        int id = labels.id(label);
        if (id == scores.size()) {
            scores.add(new DoubleList());
        }
        return scores.get(id);
    }

    @Override
    public Accumulator fresh() {
        return new ScoresByLabel(probability);
    }

    @Override
    public void merge(Accumulator other) {
        ScoresByLabel later = (ScoresByLabel) other;
        for (int i = 0; i < later.labels.size(); i++) {
            list(later.labels.get(i)).append(later.scores.get(i));
        }
        missing += later.missing;
    }

    /** The label texts, by id. */
    @Override
    public List<String> labels() {
        return labels.all();
    }

    /** The scores of the label with id {@code id}. */
    /** Per label id, whether the label is of class {@code positive} among {@code classes} ("1" and "1.0" both are). */
    boolean[] positives(ClassLabels classes, int positive) {
        List<String> labels = labels();
        boolean[] is = new boolean[labels.size()];
        for (int i = 0; i < is.length; i++) {
            is[i] = classes.of(labels.get(i)) == positive;
        }
        return is;
    }

    DoubleList scores(int id) {
        return scores.get(id);
    }

    /** Rows with both a label and a score. */
    long samples() {
        long n = 0;
        for (DoubleList list : scores) {
            n += list.size();
        }
        return n;
    }

    @Override
    public long rows() {
        return samples() + missing;
    }

    /** The value of a variant with no scores, and why. */
    MetricValue none(String variant) {
        return MetricValue.none(0, missing, "no " + variant + " scores in the window" + MetricValue.missingSuffix(missing));
    }

    /** Rows whose label or score was missing. */
    long missing() {
        return missing;
    }
}
