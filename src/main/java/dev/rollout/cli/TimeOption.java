package dev.rollout.cli;

import dev.rollout.RolloutException;
import dev.rollout.spec.DurationText;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/** The TIME of {@code --since} and {@code --until}: an ISO-8601 instant, or a duration back from now. */
final class TimeOption {

    private TimeOption() {
    }

    /** {@code 2026-01-01T00:00:00Z} as it is; {@code 2h} means two hours before {@code now}. */
    static Instant parse(String option, String text, Instant now) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return DurationText.parse(text).map(now::minus).orElseThrow(() -> RolloutException.input(
                    option + ": '" + text + "' is neither an ISO-8601 instant (2026-01-01T00:00:00Z) nor a duration (2h)"));
        }
    }
}
