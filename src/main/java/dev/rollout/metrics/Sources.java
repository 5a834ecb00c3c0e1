package dev.rollout.metrics;

import dev.rollout.RolloutException;
import dev.rollout.metrics.command.CommandSource;
import dev.rollout.metrics.csv.CsvSource;
import dev.rollout.metrics.prometheus.PrometheusSource;
import dev.rollout.metrics.sql.ParquetSource;
import dev.rollout.metrics.sql.SqlSource;
import dev.rollout.spec.MetricSpec;
import dev.rollout.spec.RolloutSpec;
import dev.rollout.spec.SourceSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one place that chooses where the metric rows come from: the {@code --metrics} files for
 * metrics that name no source, and each entry of the spec's {@code sources:} for the metrics
 * that name it. Each source measures its own metrics; the reports are joined in the spec's order.
 */
public final class Sources {

    private Sources() {
    }

    /** The CSV exports named by {@code --metrics}, for every metric of the plan. */
    public static Source of(List<Path> metricsFiles) {
        return new CsvSource(metricsFiles);
    }

    /**
     * The files named by {@code --metrics}: CSV exports, or Parquet files ({@code .parquet}, read
     * through DuckDB), not both in one evaluation: each kind is read by its own engine.
     */
    public static Source of(List<Path> metricsFiles, SourceContext context) {
        List<Path> parquet = metricsFiles.stream().filter(ParquetSource::isParquet).toList();
        if (parquet.isEmpty()) {
            return of(metricsFiles);
        }
        if (parquet.size() < metricsFiles.size()) {
            Path csv = metricsFiles.stream().filter(f -> !ParquetSource.isParquet(f)).findFirst().orElseThrow();
            throw RolloutException.input("--metrics: " + csv + " and " + parquet.get(0)
                    + ": CSV and Parquet files cannot be mixed in one evaluation; convert one to the other");
        }
        return new ParquetSource(metricsFiles, context);
    }

    /**
     * The source for an evaluation of {@code spec}: the files for the metrics without {@code source:}
     * (they must be given when any such metric exists), each named source for its metrics.
     */
    public static Source of(RolloutSpec spec, List<Path> metricsFiles, SourceContext context) {
        Map<Optional<String>, List<MetricSpec>> groups = new LinkedHashMap<>();
        for (MetricSpec m : spec.metrics()) {
            groups.computeIfAbsent(m.sourceName(), k -> new ArrayList<>()).add(m);
        }
        if (groups.containsKey(Optional.<String>empty()) && metricsFiles.isEmpty()) {
            List<String> names = groups.get(Optional.<String>empty()).stream().map(MetricSpec::name).toList();
            throw RolloutException.input("metric " + String.join(", ", names) + " read"
                    + (names.size() == 1 ? "s" : "") + " the --metrics files (no source: in the spec), but none was given");
        }
        if (groups.size() == 1 && groups.containsKey(Optional.<String>empty())) {
            return of(metricsFiles, context);
        }
        List<Part> parts = new ArrayList<>();
        groups.forEach((name, metrics) -> parts.add(new Part(metrics,
                name.map(n -> named(spec.sources().get(n), context)).orElseGet(() -> of(metricsFiles, context)))));
        return new JoinedSources(spec, parts);
    }

    /** The source one entry of {@code sources:} describes. */
    static Source named(SourceSpec spec, SourceContext context) {
        return spec.match(sql -> new SqlSource(sql, context), prometheus -> new PrometheusSource(prometheus, context),
                command -> new CommandSource(command, context));
    }


    /** The metrics one source measures. */
    record Part(List<MetricSpec> metrics, Source source) {
        Part {
            metrics = List.copyOf(metrics);
        }
    }
}
