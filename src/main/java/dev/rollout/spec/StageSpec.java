package dev.rollout.spec;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One stage of a rollout.
 *
 * @param traffic    percent of live traffic on the candidate, 0..100
 * @param minSamples rows per variant the window needs before the stage can decide
 * @param bake       minimum time in the stage before it may advance ({@link Duration#ZERO}: none)
 * @param segment    labels naming the audience (region, cohort, module); empty when all
 * @param approval   leaving this stage needs a recorded approval
 * @param splitCheck whether the exports must show the stage's split (the stage's own, else the spec's top-level one)
 */
public record StageSpec(String name, int traffic, long minSamples, Duration bake,
                        Map<String, String> segment, boolean approval, Optional<SplitCheck> splitCheck) {
    public StageSpec {
        segment = Map.copyOf(segment);
    }

    /** A stage without a split check. */
    public StageSpec(String name, int traffic, long minSamples, Duration bake, Map<String, String> segment, boolean approval) {
        this(name, traffic, minSamples, bake, segment, approval, Optional.empty());
    }

    /**
     * The environment variable an apply hook reads a segment label from: {@code cohort-id}
     * gives {@code ROLLOUT_SEGMENT_COHORT_ID}. Not one to one, so the spec refuses two keys
     * of a stage that give the same variable.
     */
    public static String segmentVariable(String key) {
        return "ROLLOUT_SEGMENT_" + key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }
}
