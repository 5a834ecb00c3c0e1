package dev.rollout.lifecycle;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.rollout.judge.Decision;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One line of the audit trail.
 *
 * @param serial  the state serial this event was written with; the store uses it to drop
 *                events of a write that crashed before its state was committed
 * @param stage   the stage the event happened in
 * @param toStage for moves, the stage moved to
 * @param details what this type of event records besides: traffic, versions, input files, metrics, digests
 */
public record HistoryEvent(Instant at, EventType event, String rollout, String lineage, long serial,
                           Optional<String> stage, Optional<String> toStage, OptionalDouble score,
                           Optional<Decision> decision, String actor, Optional<String> reason,
                           List<String> reasons,
                           // Its runtime class's properties, also where output is typed statically (see Printer).
                           @JsonSerialize(typing = JsonSerialize.Typing.DYNAMIC) EventDetails details) {
    public HistoryEvent {
        reasons = List.copyOf(reasons);
        Objects.requireNonNull(details, "details");
    }

    /** An event as its history line has it: the shape of the details follows the event's type. */
    @JsonCreator
    static HistoryEvent recorded(@JsonProperty("at") Instant at, @JsonProperty("event") EventType event,
                                 @JsonProperty("rollout") String rollout, @JsonProperty("lineage") String lineage,
                                 @JsonProperty("serial") long serial, @JsonProperty("stage") Optional<String> stage,
                                 @JsonProperty("toStage") Optional<String> toStage, @JsonProperty("score") OptionalDouble score,
                                 @JsonProperty("decision") Optional<Decision> decision, @JsonProperty("actor") String actor,
                                 @JsonProperty("reason") Optional<String> reason, @JsonProperty("reasons") List<String> reasons,
                                 @JsonProperty("details") RecordedDetails details) {
        if (event == null || details == null) {
            throw new IllegalArgumentException("an event needs its type and its details");
        }
        return new HistoryEvent(at, event, rollout, lineage, serial, stage, toStage, score, decision, actor, reason, reasons,
                details.of(event));
    }
}
