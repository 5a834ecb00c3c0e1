package dev.rollout.metrics;

import dev.rollout.spec.MetricSource;

/**
 * MAE, RMSE and MAPE of one variant as scikit-learn 1.2 computes them, from compensated
 * running sums (scikit-learn's numpy means sum pairwise; the two agree to ~1e-15).
 */
final class RegressionErrors implements Accumulator {

    /** scikit-learn's MAPE divides by max(|y|, eps), eps = np.finfo(np.float64).eps, so y = 0 gives a huge term, not an error. */
    private static final double EPS = Math.ulp(1.0);

    private long n;
    private long missing;
    private final CompensatedSum absolute = new CompensatedSum();
    private final CompensatedSum squared = new CompensatedSum();
    private final CompensatedSum relative = new CompensatedSum();

    @Override
    public void accept(Cells row, int[] columns) {
        double actual = row.number(columns[0]);
        double predicted = row.number(columns[1]);
        if (Double.isNaN(actual) || Double.isNaN(predicted)) {
            missing++;
            return;
        }
        double error = actual - predicted;
        double abs = Math.abs(error);
        n++;
        absolute.add(abs);
        squared.add(error * error);
        relative.add(abs / Math.max(Math.abs(actual), EPS));
    }

    @Override
    public long rows() {
        return n + missing;
    }

    @Override
    public Accumulator fresh() {
        return new RegressionErrors();
    }

    @Override
    public void merge(Accumulator other) {
        RegressionErrors later = (RegressionErrors) other;
        n += later.n;
        missing += later.missing;
        absolute.add(later.absolute);
        squared.add(later.squared);
        relative.add(later.relative);
    }

    /** The error {@code metric} over everything accepted; {@code variant} names it in notes. */
    MetricValue value(MetricSource.RegressionMetric metric, String variant) {
        if (n == 0) {
            return MetricValue.none(0, missing, "no " + variant + " value pairs in the window" + MetricValue.missingSuffix(missing));
        }
        double v = switch (metric) {
            case MAE -> absolute.value() / n;
            // mean_squared_error(squared=False): the square root of the mean, not a mean of roots.
            case RMSE -> Math.sqrt(squared.value() / n);
            // A fraction, as scikit-learn returns it: 0.05 is 5 %.
            case MAPE -> relative.value() / n;
        };
        return MetricValue.of(v, n, missing);
    }
}
