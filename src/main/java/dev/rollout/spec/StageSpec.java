package dev.rollout.spec;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * One stage of a rollout.
 *
 * @param traffic    percent of live traffic on the candidate, 0..100
 * @param minSamples rows per variant the window needs before the stage can decide
 * @param bake       minimum time in the stage before it may advance ({@link Duration#ZERO}: none)
 * @param segment    labels naming the audience (region, cohort, module); empty when all
 * @param approval   leaving this stage needs a recorded approval
 */
public record StageSpec(String name, int traffic, long minSamples, Duration bake,
                        Map<String, String> segment, boolean approval) {
    public StageSpec {
        segment = Map.copyOf(segment);
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
