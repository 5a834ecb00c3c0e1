package dev.rollout.lifecycle;

import java.util.List;
import java.util.Optional;

/**
 * The result of a transition: the state to write (empty: write nothing), the events for the
 * audit trail, what happened, the exit code, and the reasons a person should read.
 *
 * @param current the state after the transition (the new one, or the unchanged old one)
 */
public record Outcome(Optional<RolloutState> newState, Optional<RolloutState> current, List<HistoryEvent> events,
                      Action action, int exitCode, List<String> reasons, List<String> warnings) {
    public Outcome {
        events = List.copyOf(events);
        reasons = List.copyOf(reasons);
        warnings = List.copyOf(warnings);
    }
}
