package dev.rollout.spec;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** Where a metric's value comes from: a column's aggregate, or a model-quality metric. */
public sealed interface MetricSource
        permits MetricSource.ColumnAggregate, MetricSource.Classification, MetricSource.Regression,
        MetricSource.Prometheus, MetricSource.Drift, MetricSource.Agreement {

    /**
     * Which of the permitted records this is. Java 17 has no pattern {@code switch}; a switch
     * expression over this enum is exhaustive, so a new kind of metric makes the compiler list
     * every place that must handle it, where an {@code instanceof} ladder would guess.
     */
    enum Kind { COLUMN_AGGREGATE, CLASSIFICATION, REGRESSION, PROMETHEUS, DRIFT, AGREEMENT }

    Kind kind();

    /**
     * The one way to reach a variant's fields: one function per kind of metric, so a new kind
     * fails to compile at every place that must handle it (Java 17 has no pattern switch).
     */
    <R> R match(Function<ColumnAggregate, R> column, Function<Classification, R> classification,
                Function<Regression, R> regression, Function<Prometheus, R> prometheus, Function<Drift, R> drift,
                Function<Agreement, R> agreement);

    /** How the value is computed, for tables: {@code p95(latency_ms)}, {@code f1/weighted(y_true, y_pred)}. */
    String label();

    /** The columns of a row it reads, in a wide export; none for a metric that is not computed from rows. */
    List<String> columns();

    /** An aggregate over one column's values in the window, per variant. */
    record ColumnAggregate(String column, Aggregate aggregate) implements MetricSource {
        public Kind kind() {
            return Kind.COLUMN_AGGREGATE;
        }

        public <R> R match(Function<ColumnAggregate, R> column, Function<Classification, R> classification,
                           Function<Regression, R> regression, Function<Prometheus, R> prometheus,
                           Function<Drift, R> drift, Function<Agreement, R> agreement) {
            return column.apply(this);
        }

        public String label() {
            return aggregate.label() + "(" + column + ")";
        }

        public List<String> columns() {
            return List.of(column);
        }
    }

    /**
     * A classification metric computed from a label column and a prediction column, as
     * scikit-learn computes it; {@code auc} reads a score column instead of predictions.
     *
     * @param predicted prediction column (empty for auc and the calibration metrics)
     * @param score     score column (auc, brier, log_loss, ece)
     * @param positive  the positive label for {@code average: binary} and auc; empty: chosen from the labels as
     *                  scikit-learn does (see the README's "What each metric means")
     */
    record Classification(String actual, String predicted, String score, ClassificationMetric metric,
                          Average average, Optional<String> positive) implements MetricSource {

        public Kind kind() {
            return Kind.CLASSIFICATION;
        }

        public <R> R match(Function<ColumnAggregate, R> column, Function<Classification, R> classification,
                           Function<Regression, R> regression, Function<Prometheus, R> prometheus,
                           Function<Drift, R> drift, Function<Agreement, R> agreement) {
            return classification.apply(this);
        }

        /** Whether a positive label matters: auc and {@code average: binary} precision, recall and F1. */
        public boolean binary() {
            return metric.fromScore() || metric != ClassificationMetric.ACCURACY && average == Average.BINARY;
        }

        public String label() {
            return switch (metric) {
                case ACCURACY -> "accuracy(" + actual + ", " + predicted + ")";
                case AUC, BRIER, LOG_LOSS, ECE -> lower(metric) + "(" + actual + ", " + score + ")";
                default -> lower(metric) + "/" + lower(average) + "(" + actual + ", " + predicted + ")";
            };
        }

        public List<String> columns() {
            return List.of(actual, metric.fromScore() ? score : predicted);
        }
    }

    /** A regression error from an actual and a predicted column. */
    record Regression(String actual, String predicted, RegressionMetric metric) implements MetricSource {
        public Kind kind() {
            return Kind.REGRESSION;
        }

        public <R> R match(Function<ColumnAggregate, R> column, Function<Classification, R> classification,
                           Function<Regression, R> regression, Function<Prometheus, R> prometheus,
                           Function<Drift, R> drift, Function<Agreement, R> agreement) {
            return regression.apply(this);
        }

        public String label() {
            return lower(metric) + "(" + actual + ", " + predicted + ")";
        }

        public List<String> columns() {
            return List.of(actual, predicted);
        }
    }

    /**
     * A PromQL query that a Prometheus source evaluates once, at the window's end; its result
     * has one series per variant, told apart by the source's {@code variantLabel}. The value is
     * already aggregated by Prometheus, so it has no rows: no {@code aggregate}, no {@code compare},
     * no part in the row counts.
     *
     * @param query the query as written, {@code {{window}}} still in it (see {@link #WINDOW})
     */
    record Prometheus(String query) implements MetricSource {
        /** Replaced by the window's length in seconds ({@code 3600s}), a PromQL range. */
        public static final String WINDOW = "{{window}}";

        public Kind kind() {
            return Kind.PROMETHEUS;
        }

        public <R> R match(Function<ColumnAggregate, R> column, Function<Classification, R> classification,
                           Function<Regression, R> regression, Function<Prometheus, R> prometheus,
                           Function<Drift, R> drift, Function<Agreement, R> agreement) {
            return prometheus.apply(this);
        }

        /** The query on one line, for a table cell. */
        public String label() {
            String line = query.strip().replaceAll("\\s+", " ");
            return "promql(" + (line.length() <= 60 ? line : line.substring(0, 59) + "…") + ")";
        }

        public List<String> columns() {
            return List.of();
        }
    }

    /**
     * How far the candidate's distribution of a column is from the baseline's, in the same window.
     *
     * @param bins   the number of baseline quantile bins of a numeric column (psi, js)
     * @param labels the column holds labels: one bin per label of either variant, not quantiles
     */
    record Drift(String column, DriftTest test, int bins, boolean labels) implements MetricSource {
        public Kind kind() {
            return Kind.DRIFT;
        }

        public <R> R match(Function<ColumnAggregate, R> column, Function<Classification, R> classification,
                           Function<Regression, R> regression, Function<Prometheus, R> prometheus,
                           Function<Drift, R> drift, Function<Agreement, R> agreement) {
            return drift.apply(this);
        }

        public String label() {
            return lower(test) + "(" + column + (labels ? ", labels" : ", " + bins + " bins") + ")";
        }

        public List<String> columns() {
            return List.of(column);
        }
    }

    /**
     * The share of requests present for both variants (joined on {@code key}) whose outputs agree:
     * equal labels, or scores within {@code tolerance}.
     *
     * @param compared the prediction column (labels) or the score column (scores)
     * @param scores   {@code compared} holds numbers compared within {@code tolerance}
     */
    record Agreement(String key, String compared, boolean scores, double tolerance) implements MetricSource {
        public Kind kind() {
            return Kind.AGREEMENT;
        }

        public <R> R match(Function<ColumnAggregate, R> column, Function<Classification, R> classification,
                           Function<Regression, R> regression, Function<Prometheus, R> prometheus,
                           Function<Drift, R> drift, Function<Agreement, R> agreement) {
            return agreement.apply(this);
        }

        public String label() {
            return "agreement(" + key + ": " + compared
                    + (scores ? " ± " + new java.math.BigDecimal(Double.toString(tolerance)).stripTrailingZeros().toPlainString() : "")
                    + ")";
        }

        public List<String> columns() {
            return List.of(key, compared);
        }
    }

    /** The drift statistics: population stability index, Kolmogorov–Smirnov D, Jensen–Shannon distance. */
    enum DriftTest { PSI, KS, JS }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(java.util.Locale.ROOT);
    }

    enum ClassificationMetric {
        ACCURACY, PRECISION, RECALL, F1, AUC, BRIER, LOG_LOSS, ECE;

        /** Read from a score column rather than predicted labels. */
        public boolean fromScore() {
            return this == AUC || calibration();
        }

        /** Measures how well the score works as a probability of the positive label; lower is better. */
        public boolean calibration() {
            return this == BRIER || this == LOG_LOSS || this == ECE;
        }
    }

    /** scikit-learn's {@code average=} values. */
    enum Average { BINARY, MICRO, MACRO, WEIGHTED }

    enum RegressionMetric { MAE, RMSE, MAPE }
}
