package dev.rollout.spec;

import java.util.List;
import java.util.Optional;

/**
 * A rollout spec, version 1: the stages a candidate model goes through, how to read the
 * metric exports, the metrics that gate each stage and how they are scored. Built only by
 * {@link SpecLoader}, which has validated every field, so the records trust their values.
 *
 * @param hooks  the commands that move real traffic and hear of events (none by default)
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
        String digest,
        Optional<SliceSpec> slices) {

    public RolloutSpec {
        stages = List.copyOf(stages);
        metrics = List.copyOf(metrics);
    }

    /** A spec without slices. */
    public RolloutSpec(int version, String name, ModelSpec model, List<StageSpec> stages, DataSpec data,
                       List<MetricSpec> metrics, ScoringSpec scoring, HooksSpec hooks, String digest) {
        this(version, name, model, stages, data, metrics, scoring, hooks, digest, Optional.empty());
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
