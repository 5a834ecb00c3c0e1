package dev.rollout.lifecycle;

import dev.rollout.judge.Evaluation;

import java.util.List;
import java.util.Optional;

/**
 * The result of a transition: the state to write (empty: write nothing), the events for the
 * audit trail, what happened, the exit code, and the reasons a person should read.
 *
 * @param current    the state after the transition (the new one, or the unchanged old one)
 * @param evaluation the evaluation the transition judged with, as it decided once the stage's
 *                   rollbackAfter counted it against the state it was recorded into
 */
public record Outcome(Optional<RolloutState> newState, Optional<RolloutState> current, List<HistoryEvent> events,
                      Action action, int exitCode, List<String> reasons, List<String> warnings,
                      Optional<Evaluation> evaluation) {
    public Outcome {
        events = List.copyOf(events);
        reasons = List.copyOf(reasons);
        warnings = List.copyOf(warnings);
    }

    /** A transition that judged no evaluation. */
    public Outcome(Optional<RolloutState> newState, Optional<RolloutState> current, List<HistoryEvent> events,
                   Action action, int exitCode, List<String> reasons, List<String> warnings) {
        this(newState, current, events, action, exitCode, reasons, warnings, Optional.empty());
    }

    /** The same outcome with these warnings. */
    public Outcome withWarnings(List<String> all) {
        return new Outcome(newState, current, events, action, exitCode, reasons, all, evaluation);
    }

    Outcome withEvaluation(Optional<Evaluation> judged) {
        return new Outcome(newState, current, events, action, exitCode, reasons, warnings, judged);
    }
}
