package dev.rollout.judge;

import dev.rollout.judge.Evaluation.Samples;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A comparison of candidate and baseline rows: the estimated difference (candidate − baseline:
 * a difference of means, or the Hodges–Lehmann shift), its interval at {@code confidence}, a
 * p-value, and the verdict against the margin, with the difference oriented so that positive
 * is worse: WORSE when the whole interval lies beyond the margin, NOT_WORSE when it lies
 * entirely below it, INCONCLUSIVE otherwise.
 *
 * @param margin absolute, in the metric's units
 * @param memory what a sequential test carries to the next look in this stage
 */
public record CompareResult(String test, OptionalDouble estimate, OptionalDouble lower, OptionalDouble upper,
                            OptionalDouble pValue, double confidence, double margin, Samples samples, Verdict verdict,
                            List<String> reasons, Optional<SequentialMemory> memory) {

    public CompareResult {
        reasons = List.copyOf(reasons);
    }

    /** The verdict of a comparison. */
    public enum Verdict { WORSE, NOT_WORSE, INCONCLUSIVE }
}
