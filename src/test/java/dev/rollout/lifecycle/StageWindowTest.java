package dev.rollout.lifecycle;

import dev.rollout.RolloutException;
import dev.rollout.judge.Decision;
import dev.rollout.judge.SequentialMemory;
import dev.rollout.spec.RolloutSpec;
import dev.rollout.spec.SpecLoader;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The window a stage is judged on, without files or a clock: the rule that EvaluationRun held before. */
class StageWindowTest {

    static final RolloutSpec SPEC = SpecLoader.parse("w.yaml", """
            version: 1
            name: w
            model: {baseline: "1", candidate: "2"}
            stages:
              - {name: a, traffic: 0}
              - {name: b, traffic: 5}
            metrics:
              - {name: acc}
            """.getBytes(StandardCharsets.UTF_8));

    static final Instant ENTERED = Instant.parse("2026-03-02T10:00:00Z");
    static final Instant NOW = Instant.parse("2026-03-02T12:00:00Z");
    static final Map<String, SequentialMemory> MEMORY = Map.of("acc", new SequentialMemory(0.25, -1.5, 4.0));

    static Optional<RolloutState> state(Status status) {
        EvaluationRecord earlier = new EvaluationRecord("b", ENTERED.plusSeconds(60), Decision.HOLD, OptionalDouble.of(0.7),
                List.of(), MEMORY);
        return Optional.of(new RolloutState(RolloutState.FORMAT_VERSION, "w", "l", 3, SPEC.digest(), new ModelVersions("1", "2"),
                status, new StagePosition(1, "b", 5, ENTERED), Optional.of(earlier), Optional.empty(), ENTERED));
    }

    @Test
    void inAStageTheWindowRunsFromItsEntryUntilNowAndKeepsTheSequentialMemory() {
        StageWindow w = StageWindow.of(SPEC, state(Status.PROGRESSING), NOW);
        assertEquals("b", w.stage().name());
        assertEquals(Optional.of(ENTERED), w.since());
        assertEquals(Optional.of(NOW), w.until());
        assertEquals(MEMORY, w.memory());
        assertEquals(Optional.of(Duration.ofHours(2)), w.timeInStage());
        assertEquals(w, w.moved(Optional.empty(), Optional.empty()), "nothing moved, nothing changes");
    }

    @Test
    void movingEitherEndForgetsTheMemoryOfLooksThatSawOtherRows() {
        StageWindow w = StageWindow.of(SPEC, state(Status.PROGRESSING), NOW);
        StageWindow since = w.moved(Optional.of(ENTERED.minusSeconds(3600)), Optional.empty());
        assertEquals(Optional.of(ENTERED.minusSeconds(3600)), since.since());
        assertEquals(Optional.of(NOW), since.until());
        assertEquals(Map.of(), since.memory());
        StageWindow until = w.moved(Optional.empty(), Optional.of(NOW.minusSeconds(60)));
        assertEquals(Optional.of(ENTERED), until.since());
        assertEquals(Map.of(), until.memory());
        assertEquals("b", until.stage().name());
    }

    @Test
    void withNoRolloutInAStageTheWindowIsOpenOnTheFirstStage() {
        StageWindow none = StageWindow.of(SPEC, Optional.empty(), NOW);
        assertEquals("a", none.stage().name());
        assertEquals(Optional.empty(), none.since());
        assertEquals(Optional.empty(), none.until());
        assertEquals(Optional.empty(), none.timeInStage());
        StageWindow promoted = StageWindow.of(SPEC, state(Status.PROMOTED), NOW);
        assertEquals("a", promoted.stage().name());
        assertEquals(Optional.empty(), promoted.since());
        assertEquals(Optional.of(NOW), promoted.until(), "a finished rollout still ends the window at now");
    }

    @Test
    void onlyARolloutInAStageHasItsStageJudgedAndRecorded() {
        assertEquals(state(Status.PROGRESSING), Lifecycle.inStage(state(Status.PROGRESSING)));
        for (Status s : List.of(Status.PROMOTED, Status.ROLLED_BACK)) {
            assertEquals(Optional.empty(), Lifecycle.inStage(state(s)), s.name());
            assertFalse(new Lifecycle.AdvanceOptions(false, false, false).evaluates(state(s)), s.name());
        }
        assertEquals(Optional.empty(), Lifecycle.inStage(Optional.empty()));
        assertTrue(new Lifecycle.AdvanceOptions(false, false, false).evaluates(state(Status.PROGRESSING)));
        assertFalse(new Lifecycle.AdvanceOptions(false, true, false).evaluates(state(Status.PROGRESSING)),
                "advance --restart starts a new stage visit: the exports were of the old one");
    }

    @Test
    void aClockBehindTheStageEntryIsRefused() {
        RolloutException e = assertThrows(RolloutException.class,
                () -> StageWindow.of(SPEC, state(Status.PROGRESSING), ENTERED.minusSeconds(1)));
        assertEquals("the clock (2026-03-02T09:59:59Z) is before stage b was entered (2026-03-02T10:00:00Z): check this host's clock",
                e.getMessage());
        assertEquals(Optional.of(ENTERED.minusSeconds(1)), StageWindow.of(SPEC, state(Status.ROLLED_BACK), ENTERED.minusSeconds(1))
                .until(), "a rollout in no stage has no entry to be behind");
    }

    @Test
    void aWindowThatEndsBeforeItStartsIsRefusedNamingTheEndsGiven() {
        StageWindow w = StageWindow.of(SPEC, state(Status.PROGRESSING), NOW);
        assertEquals("--since 2026-03-02T11:00:00Z is later than --until 2026-03-02T10:30:00Z", assertThrows(RolloutException.class,
                () -> w.moved(Optional.of(Instant.parse("2026-03-02T11:00:00Z")), Optional.of(Instant.parse("2026-03-02T10:30:00Z"))))
                .getMessage());
        assertEquals("--since 2026-03-02T13:00:00Z is later than now (2026-03-02T12:00:00Z), where the window ends",
                assertThrows(RolloutException.class, () -> w.moved(Optional.of(Instant.parse("2026-03-02T13:00:00Z")), Optional.empty()))
                        .getMessage());
        assertEquals("--until 2026-03-02T09:00:00Z is before stage b was entered (2026-03-02T10:00:00Z), where the window starts;"
                        + " give --since too",
                assertThrows(RolloutException.class, () -> w.moved(Optional.empty(), Optional.of(Instant.parse("2026-03-02T09:00:00Z"))))
                        .getMessage());
    }
}
