package dev.rollout.metrics;

/**
 * Where metric rows come from: CSV exports today ({@code metrics/csv}), a query, a Prometheus
 * server or a command later, each in a package of its own and chosen in one place,
 * {@link Sources}. A source measures what the plan asks for over the rows in the window and
 * reports it; a row source feeds each row to a {@link Tally} from {@link MeasurePlan#tally()}
 * and lets it assemble the report, so the values are computed one way whatever the source.
 */
public interface Source {

    /**
     * Measures every metric of {@code plan} for the baseline and the candidate over the rows in
     * {@code window} (ignored when the spec names no timestamp column). Bad input is a
     * {@link dev.rollout.RolloutException} naming the input, and where in it.
     *
     * @param reading threads and progress, for a source that reads in parallel or takes a while
     */
    MetricsReport measure(MeasurePlan plan, Window window, Reading reading);
}
