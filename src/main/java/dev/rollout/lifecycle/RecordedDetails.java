package dev.rollout.lifecycle;

import dev.rollout.judge.Evaluation;
import dev.rollout.metrics.Provenance;

import java.util.List;
import java.util.Optional;

/**
 * A {@code details} object as a history line has it: every key that some event writes. Which
 * of them an event has follows from its type, and {@link #of} builds the {@link EventDetails}
 * of that type; a key the type needs and the line lacks makes the line invalid.
 */
record RecordedDetails(Optional<Integer> traffic, Optional<Integer> previousTraffic, Optional<String> baseline,
                       Optional<String> candidate, Optional<String> previousLineage, Optional<String> approvedBy,
                       Optional<List<Provenance>> inputs, Optional<Evaluation.Rows> rows,
                       Optional<List<Evaluation.MetricResult>> metrics, Optional<String> previousDigest,
                       Optional<String> digest) {

    EventDetails of(EventType type) {
        return switch (type) {
            case STARTED -> new EventDetails.Started(needs(type, "traffic", traffic), baseline, needs(type, "candidate", candidate));
            case RESTARTED -> new EventDetails.Restarted(needs(type, "traffic", traffic), needs(type, "candidate", candidate),
                    needs(type, "previousLineage", previousLineage));
            // Histories written before the report (Nov 29) kept no metrics.
            case EVALUATED -> new EventDetails.Evaluated(needs(type, "inputs", inputs), needs(type, "rows", rows),
                    metrics.orElse(List.of()));
            case APPROVED -> new EventDetails.Approved(needs(type, "approvedBy", approvedBy));
            case ADVANCED, ROLLED_BACK -> moved(type);
            // A forced move says its traffic; forced past the last stage, the PROMOTED event after it does.
            case FORCED -> traffic.isPresent() ? moved(type) : new EventDetails.None();
            case PROMOTED -> new EventDetails.Promoted(needs(type, "candidate", candidate));
            case SPEC_CHANGED -> new EventDetails.SpecChanged(needs(type, "previousDigest", previousDigest),
                    needs(type, "digest", digest));
        };
    }

    private EventDetails moved(EventType type) {
        return new EventDetails.Moved(needs(type, "traffic", traffic), needs(type, "previousTraffic", previousTraffic));
    }

    private static <T> T needs(EventType type, String key, Optional<T> value) {
        return value.orElseThrow(() -> new IllegalArgumentException(type + " details need '" + key + "'"));
    }
}
