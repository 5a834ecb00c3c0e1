package dev.rollout.state;

import dev.rollout.judge.Decision;
import dev.rollout.lifecycle.Approval;
import dev.rollout.lifecycle.EvaluationRecord;
import dev.rollout.lifecycle.EventDetails;
import dev.rollout.lifecycle.EventType;
import dev.rollout.lifecycle.HistoryEvent;
import dev.rollout.lifecycle.ModelVersions;
import dev.rollout.lifecycle.RolloutState;
import dev.rollout.lifecycle.StagePosition;
import dev.rollout.lifecycle.Status;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Function;

/** States and events for the state tests, and the read-modify-write step the workers repeat. */
final class Fixtures {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final String LINEAGE = "9d3c1b1e-2f4a-4c59-9a51-6f1d2b3c4d5e";

    private Fixtures() {
    }

    /** A state with every optional field empty. */
    static RolloutState minimal(long serial) {
        return new RolloutState(RolloutState.FORMAT_VERSION, "fraud", LINEAGE, serial, "sha256:abc",
                new ModelVersions("v1", "v2"), Status.PROGRESSING, new StagePosition(0, "canary", 5, T0),
                Optional.empty(), Optional.empty(), T0.plusSeconds(serial));
    }

    /** A state with every field set. */
    static RolloutState full(long serial) {
        return new RolloutState(RolloutState.FORMAT_VERSION, "fraud", LINEAGE, serial, "sha256:abc",
                new ModelVersions("v1", "v2"), Status.PROGRESSING, new StagePosition(1, "half", 50, T0.plusSeconds(60)),
                Optional.of(new EvaluationRecord("half", T0.plusSeconds(120), Decision.HOLD, OptionalDouble.of(0.8125),
                        List.of("bake time not over", "p95 latency +3%"),
                        java.util.Map.of("latency", new dev.rollout.judge.SequentialMemory(0.25, -1.5, 4.0)))),
                Optional.of(new Approval("half", "alice", T0.plusSeconds(130), Optional.of("looks good"))),
                T0.plusSeconds(140));
    }

    /** An event of the write with {@code serial}, naming who wrote it (worker and i) as its actor. */
    static HistoryEvent event(long serial, String worker, int i) {
        return new HistoryEvent(T0.plusSeconds(serial), EventType.APPROVED, "fraud", LINEAGE, serial,
                Optional.of("canary"), Optional.empty(), OptionalDouble.empty(), Optional.empty(), worker + ":" + i,
                Optional.empty(), List.of(), new EventDetails.Approved(worker));
    }

    /** An event with every field set. */
    static HistoryEvent fullEvent(long serial) {
        return new HistoryEvent(T0.plusSeconds(serial), EventType.ADVANCED, "fraud", LINEAGE, serial,
                Optional.of("canary"), Optional.of("half"), OptionalDouble.of(0.875), Optional.of(Decision.PROMOTE),
                "alice@ci", Optional.of("gates passed"), List.of("all gates passed", "score 0.875 >= 0.8"),
                new EventDetails.Moved(50, 5));
    }

    /** The worker's step: the next serial, with one event naming (worker, i); sleeps between read and write. */
    static Function<Optional<RolloutState>, Update<Long>> increment(String worker, int i, long sleepMillis) {
        return current -> {
            long serial = current.map(RolloutState::serial).orElse(0L) + 1;
            if (sleepMillis > 0) {
                try {
                    Thread.sleep(sleepMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return new Update<>(Optional.of(minimal(serial)), List.of(event(serial, worker, i)), serial);
        };
    }

    /** "worker:i" of an event written by {@link #increment}. */
    static String who(HistoryEvent e) {
        return e.actor();
    }
}
