package dev.rollout.metrics;

import dev.rollout.metrics.memory.MemorySource;
import dev.rollout.spec.RolloutSpec;

import java.util.List;

/** The source contract for rows held in memory: the second source, built on the public seam alone. */
class MemorySourceContractTest extends MetricSourceContract {

    @Override
    MetricsReport measure(RolloutSpec spec, List<List<String>> rows, Window window) {
        return new MemorySource(HEADER, rows).measure(MeasurePlan.of(spec), window, Reading.defaults());
    }
}
