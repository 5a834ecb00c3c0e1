package dev.rollout.lifecycle;

import dev.rollout.judge.Decision;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One line of the audit trail.
 *
 * @param serial  the state serial this event was written with; the store uses it to drop
 *                events of a write that crashed before its state was committed
 * @param stage   the stage the event happened in
 * @param toStage for moves, the stage moved to
 * @param details extra facts: input files and digests, spec digests, traffic
 */
public record HistoryEvent(Instant at, EventType event, String rollout, String lineage, long serial,
                           Optional<String> stage, Optional<String> toStage, OptionalDouble score,
                           Optional<Decision> decision, String actor, Optional<String> reason,
                           List<String> reasons, Map<String, Object> details) {
    public HistoryEvent {
        reasons = List.copyOf(reasons);
        details = Map.copyOf(details);
    }
}
