package dev.rollout.lifecycle;

import dev.rollout.judge.Decision;

import java.time.Instant;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The part of an evaluation the state keeps: enough for {@code advance} to know whether
 * the current stage passed, and for {@code status} to say why not.
 */
public record EvaluationRecord(String stage, Instant at, Decision decision, OptionalDouble score,
                               List<String> reasons) {
    public EvaluationRecord {
        reasons = List.copyOf(reasons);
    }
}
