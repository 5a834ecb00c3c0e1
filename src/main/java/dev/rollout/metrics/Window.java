package dev.rollout.metrics;

import java.time.Instant;
import java.util.Optional;

/**
 * The time window of rows that count: {@code since <= ts <= until}. An empty bound is open.
 * Without a timestamp column in the spec every row counts, whatever the window.
 */
public record Window(Optional<Instant> since, Optional<Instant> until) {
    public static final Window ALL = new Window(Optional.empty(), Optional.empty());

    public boolean contains(Instant t) {
        return since.map(s -> !t.isBefore(s)).orElse(true) && until.map(u -> !t.isAfter(u)).orElse(true);
    }
}
