package dev.rollout.lifecycle;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.rollout.judge.Evaluation;
import dev.rollout.metrics.Provenance;

import java.util.List;
import java.util.Optional;

/**
 * What an event of the history records beyond the fields every event has, one record per
 * shape. Each record's JSON is the event's {@code details} object, with its keys in the order of
 * the record's components; {@link RecordedDetails} reads them back, by the event's type.
 */
public sealed interface EventDetails permits EventDetails.Started, EventDetails.Restarted, EventDetails.Evaluated,
        EventDetails.Approved, EventDetails.Moved, EventDetails.Promoted, EventDetails.SpecChanged, EventDetails.None {

    /**
     * One method per shape, so that every reader of details handles each: a new shape is a new
     * method here, and the compiler then names every reader that must learn it.
     */
    interface Cases<R> {
        R started(Started started);

        R restarted(Restarted restarted);

        R evaluated(Evaluated evaluated);

        R approved(Approved approved);

        R moved(Moved moved);

        R promoted(Promoted promoted);

        R specChanged(SpecChanged specChanged);

        R none(None none);
    }

    <R> R match(Cases<R> cases);

    /** These details when they are an evaluation's. */
    default Optional<Evaluated> evaluated() {
        return match(new Cases<>() {
            public Optional<Evaluated> started(Started started) {
                return Optional.empty();
            }

            public Optional<Evaluated> restarted(Restarted restarted) {
                return Optional.empty();
            }

            public Optional<Evaluated> evaluated(Evaluated evaluated) {
                return Optional.of(evaluated);
            }

            public Optional<Evaluated> approved(Approved approved) {
                return Optional.empty();
            }

            public Optional<Evaluated> moved(Moved moved) {
                return Optional.empty();
            }

            public Optional<Evaluated> promoted(Promoted promoted) {
                return Optional.empty();
            }

            public Optional<Evaluated> specChanged(SpecChanged specChanged) {
                return Optional.empty();
            }

            public Optional<Evaluated> none(None none) {
                return Optional.empty();
            }
        });
    }

    /**
     * STARTED: the first stage's traffic and the versions. {@code advance --restart} of a rollout
     * that never started names no baseline.
     */
    record Started(int traffic, @JsonInclude(JsonInclude.Include.NON_ABSENT) Optional<String> baseline, String candidate)
            implements EventDetails {
        @Override
        public <R> R match(Cases<R> cases) {
            return cases.started(this);
        }
    }

    /** RESTARTED: the first stage's traffic, the candidate, and the lineage the restart ended. */
    record Restarted(int traffic, String candidate, String previousLineage) implements EventDetails {
        @Override
        public <R> R match(Cases<R> cases) {
            return cases.restarted(this);
        }
    }

    /** EVALUATED: the exports read, the rows per variant in the window, and each metric's line of the verdict. */
    record Evaluated(List<Provenance> inputs, Evaluation.Rows rows, List<Evaluation.MetricResult> metrics) implements EventDetails {
        public Evaluated {
            inputs = List.copyOf(inputs);
            metrics = List.copyOf(metrics);
        }

        @Override
        public <R> R match(Cases<R> cases) {
            return cases.evaluated(this);
        }
    }

    /** APPROVED: who approved (the reason is the event's). */
    record Approved(String approvedBy) implements EventDetails {
        @Override
        public <R> R match(Cases<R> cases) {
            return cases.approved(this);
        }
    }

    /** ADVANCED, FORCED to a next stage, ROLLED_BACK: the candidate's traffic after the move, and before it. */
    record Moved(int traffic, int previousTraffic) implements EventDetails {
        @Override
        public <R> R match(Cases<R> cases) {
            return cases.moved(this);
        }
    }

    /** PROMOTED: the candidate that is now the baseline. */
    record Promoted(String candidate) implements EventDetails {
        @Override
        public <R> R match(Cases<R> cases) {
            return cases.promoted(this);
        }
    }

    /** SPEC_CHANGED: the spec's digest the state was written with, and the one it is written with now. */
    record SpecChanged(String previousDigest, String digest) implements EventDetails {
        @Override
        public <R> R match(Cases<R> cases) {
            return cases.specChanged(this);
        }
    }

    /** FORCED past the last stage: nothing beyond the event; the PROMOTED event after it names the candidate. */
    record None() implements EventDetails {
        @Override
        public <R> R match(Cases<R> cases) {
            return cases.none(this);
        }
    }
}
