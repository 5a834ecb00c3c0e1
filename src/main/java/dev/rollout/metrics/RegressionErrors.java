package dev.rollout.metrics;

import dev.rollout.spec.MetricSource.RegressionMetric;

import java.util.List;
import java.util.OptionalDouble;

/** MAE, RMSE and MAPE as scikit-learn 1.2 computes them, from running sums. */
final class RegressionErrors implements Accumulator {

    /** scikit-learn's MAPE divides by max(|y|, eps), eps = np.finfo(np.float64).eps. */
    private static final double EPS = Math.ulp(1.0);

    private final RegressionMetric metric;
    private long n;
    private long missing;
    private double sum;
    private double compensation;

    RegressionErrors(RegressionMetric metric) {
        this.metric = metric;
    }

    void missing() {
        missing++;
    }

    void add(double actual, double predicted) {
        double e = switch (metric) {
            case MAE -> Math.abs(actual - predicted);
            case RMSE -> (actual - predicted) * (actual - predicted);
            case MAPE -> Math.abs(actual - predicted) / Math.max(Math.abs(actual), EPS);
        };
        n++;
        double t = sum + e;
        compensation += Math.abs(sum) >= Math.abs(e) ? (sum - t) + e : (e - t) + sum;
        sum = t;
    }

    @Override
    public Result result(String variant) {
        if (n == 0) {
            return new Result(OptionalDouble.empty(), 0, missing, List.of("no " + variant + " value pairs in the window"));
        }
        double mean = (sum + compensation) / n;
        return new Result(OptionalDouble.of(metric == RegressionMetric.RMSE ? Math.sqrt(mean) : mean), n, missing, List.of());
    }
}
