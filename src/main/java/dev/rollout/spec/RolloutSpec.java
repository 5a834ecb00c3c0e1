package dev.rollout.spec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A rollout spec, version 1: the stages a candidate model goes through, how to read the
 * metric exports, the metrics that gate each stage and how they are scored. Built only by
 * {@link SpecLoader}, which has validated every field, so the records trust their values.
 *
 * @param hooks  the commands that move real traffic and hear of events (none by default)
 * @param sources where metrics that name a source read from, by name, in the spec's order (none by default:
 *               every metric reads the {@code --metrics} files)
 * @param digest SHA-256 of the spec file's bytes, to notice a spec edited under a rollout
 * @param slices the metrics also judged per slice of the rows; empty: only overall
 */
public record RolloutSpec(
        int version,
        String name,
        ModelSpec model,
        List<StageSpec> stages,
        DataSpec data,
        List<MetricSpec> metrics,
        ScoringSpec scoring,
        HooksSpec hooks,
        Map<String, SourceSpec> sources,
        String digest,
        Optional<SliceSpec> slices) {

    public RolloutSpec {
        stages = List.copyOf(stages);
        metrics = List.copyOf(metrics);
        sources = Collections.unmodifiableMap(new LinkedHashMap<>(sources));
    }

    /** The same spec judged by {@code subset} of its metrics only: what one source measures. */
    public RolloutSpec withMetrics(List<MetricSpec> subset) {
        return new RolloutSpec(version, name, model, stages, data, subset, scoring, hooks, sources, digest, slices);
    }

    /** Whether some metric reads the {@code --metrics} files (names no source). */
    public boolean readsFiles() {
        return metrics.stream().anyMatch(m -> m.sourceName().isEmpty());
    }

    public Optional<StageSpec> stage(String stageName) {
        return stages.stream().filter(s -> s.name().equals(stageName)).findFirst();
    }

    public int indexOf(String stageName) {
        for (int i = 0; i < stages.size(); i++) {
            if (stages.get(i).name().equals(stageName)) {
                return i;
            }
        }
        return -1;
    }
}
