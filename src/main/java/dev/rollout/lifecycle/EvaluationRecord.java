package dev.rollout.lifecycle;

import dev.rollout.judge.Decision;
import dev.rollout.judge.SequentialMemory;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The part of an evaluation the state keeps: enough for {@code advance} to know whether
 * the current stage passed, and for {@code status} to say why not.
 *
 * @param sequential what each sequential comparison carries to the next look in this stage, by metric
 */
public record EvaluationRecord(String stage, Instant at, Decision decision, OptionalDouble score,
                               List<String> reasons, Map<String, SequentialMemory> sequential) {
    public EvaluationRecord {
        reasons = List.copyOf(reasons);
        // State files written before comparisons existed have no such field.
        sequential = sequential == null ? Map.of() : Map.copyOf(sequential);
    }
}
