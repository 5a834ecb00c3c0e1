package dev.rollout.metrics;

import dev.rollout.spec.MetricSpec;
import dev.rollout.spec.RolloutSpec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A spec whose metrics live in several places: each source measures the metrics that name it,
 * with a plan of its own, and the reports are joined into one in the spec's metric order. The
 * row counts that gate {@code minSamples} are the smallest of the sources that count rows: a
 * stage's evidence is as strong as its weakest source. A source without rows (Prometheus)
 * does not make them 0.
 */
final class JoinedSources implements Source {

    private final RolloutSpec spec;
    private final List<Sources.Part> parts;

    JoinedSources(RolloutSpec spec, List<Sources.Part> parts) {
        this.spec = spec;
        this.parts = List.copyOf(parts);
    }

    @Override
    public MetricsReport measure(MeasurePlan plan, Window window, Reading reading) {
        List<MetricsReport> reports = new ArrayList<>();
        for (Sources.Part part : parts) {
            reports.add(part.source().measure(plan.forMetrics(part.metrics()), window, reading));
        }
        return join(reports);
    }

    private MetricsReport join(List<MetricsReport> reports) {
        Map<String, Measurement> byName = new HashMap<>();
        List<Provenance> inputs = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        long baseline = Long.MAX_VALUE;
        long candidate = Long.MAX_VALUE;
        long other = 0;
        boolean hasVariant = false;
        boolean countsRows = false;
        // Late labels are joined by each row source to its own rows; two sources would each have a coverage, and the
        // weaker one is what minCoverage must judge.
        Optional<LabelCoverage> labels = Optional.empty();
        for (MetricsReport r : reports) {
            if (r.labels().isPresent() && (labels.isEmpty() || weaker(r.labels().get(), labels.get()))) {
                labels = r.labels();
            }
            r.measurements().forEach(m -> byName.put(m.metric(), m));
            inputs.addAll(r.inputs());
            notes.addAll(r.notes());
            hasVariant |= r.hasVariant();
            if (!r.countsRows()) {
                continue;
            }
            countsRows = true;
            baseline = Math.min(baseline, r.baselineRows());
            candidate = Math.min(candidate, r.candidateRows());
            other = Math.max(other, r.otherRows());
        }
        if (!countsRows) {
            baseline = 0;
            candidate = 0;
        }
        List<Measurement> measurements = new ArrayList<>();
        for (MetricSpec m : spec.metrics()) {
            measurements.add(byName.get(m.name()));
        }
        return new MetricsReport(inputs, hasVariant, baseline, candidate, measurements, other, notes, countsRows, labels);
    }

    private static boolean weaker(LabelCoverage a, LabelCoverage b) {
        return Math.min(a.baseline(), a.candidate()) < Math.min(b.baseline(), b.candidate());
    }
}
