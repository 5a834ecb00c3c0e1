package dev.rollout.lifecycle;

import dev.rollout.RolloutException;
import dev.rollout.judge.Decision;
import dev.rollout.judge.Evaluation;
import dev.rollout.spec.RolloutSpec;
import dev.rollout.spec.ScoringSpec;
import dev.rollout.spec.SpecLoader;
import dev.rollout.spec.StageSpec;
import dev.rollout.state.InMemoryStore;
import dev.rollout.state.StateBackend;
import dev.rollout.state.Update;
import dev.rollout.state.file.FileBackend;
import dev.rollout.state.file.StatePaths;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random sequences of advance, evaluate, approve, rollback and restart, run through the pure
 * lifecycle and the real store (and the in-memory backend), keep the invariants: the stage index stays in bounds, the
 * history only grows (each write's file is a prefix of the next), traffic never increases
 * after a rollback until a restart, and the serial grows by one with every write. The stage's
 * streaks count every recorded evaluation of the visit and nothing else, start at none in a new
 * visit, hold back a move until promoteAfter PROMOTEs in a row and a rollback until rollbackAfter
 * ROLLBACKs in a row, and no stage past its deadline is left forwards.
 * Sequences come from fixed seeds, so a failure names the seed that reproduces it.
 */
class LifecyclePropertiesTest {

    static final RolloutSpec SPEC = SpecLoader.parse("p.yaml", """
            version: 1
            name: prop
            model: {baseline: "1", candidate: "2"}
            stages:
              - {name: a, traffic: 0}
              - {name: b, traffic: 5, bake: 1h, promoteAfter: 2, rollbackAfter: 2, deadline: 6h}
              - {name: c, traffic: 25, approval: true, rollbackAfter: 3}
              - {name: d, traffic: 100}
            metrics:
              - {name: acc}
            """.getBytes(StandardCharsets.UTF_8));

    enum Op { ADVANCE, FORCE, EVALUATE_PROMOTE, EVALUATE_HOLD, EVALUATE_ROLLBACK, ADVANCE_ROLLBACK_ON_FAIL, APPROVE,
        ROLLBACK, ROLLBACK_PREVIOUS, ROLLBACK_TO_FIRST, RESTART, WAIT }

    static LongStream seeds() {
        return LongStream.range(0, 60);
    }

    static List<Op> sequence(long seed) {
        Random random = new Random(seed);
        List<Op> ops = new ArrayList<>();
        int n = 1 + random.nextInt(30);
        for (int i = 0; i < n; i++) {
            ops.add(Op.values()[random.nextInt(Op.values().length)]);
        }
        return ops;
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void invariantsHoldOverAnySequence(long seed) throws Exception {
        Path dir = Files.createTempDirectory("prop");
        FileBackend store = new FileBackend(StatePaths.of(dir.resolve("prop.state.json")), Duration.ofSeconds(5),
                Clock.systemUTC(), "property");
        // The file's bytes: each write's file is a prefix of the next.
        holdOver(sequence(seed), store, () -> Files.exists(store.paths().history())
                ? Files.readString(store.paths().history()) : "");
    }

    /** The state machine alone, on the in-memory backend: its history, one event a line, only grows. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void invariantsHoldOverAnySequenceInMemory(long seed) throws Exception {
        StateBackend store = new InMemoryStore("memory://prop").open("prop",
                new StateBackend.Options(Duration.ofSeconds(5), Clock.systemUTC(), "property", Optional.empty()));
        holdOver(sequence(seed), store, () -> store.history(w -> { }).stream().map(e -> e + "\n")
                .collect(Collectors.joining()));
    }

    /** What the history is after a step, as text that a longer history extends. */
    private interface HistoryText {
        String read() throws Exception;
    }

    private static void holdOver(List<Op> ops, StateBackend store, HistoryText historyText) throws Exception {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        String history = "";
        long serial = 0;
        boolean rolledBack = false;
        int trafficAtRollback = 0;
        Optional<RolloutState> before = Optional.empty();
        for (Op op : ops) {
            now = now.plus(Duration.ofMinutes(op == Op.WAIT ? 90 : 1));
            Request request = new Request(now, "prop", UUID.randomUUID().toString(), Optional.empty(), Optional.of("why"));
            Instant at = now;
            Optional<Outcome> outcome = Optional.empty();
            try {
                outcome = Optional.of(store.update(current -> {
                    Lifecycle l = new Lifecycle(SPEC, current, request);
                    Outcome o = apply(l, op, current, at);
                    return new Update<>(o.newState(), o.events(), o);
                }));
            } catch (RolloutException e) {
                // A refused command (conflict or bad request) changes nothing: checked below.
            }
            Optional<RolloutState> state = store.read();
            if (state.isPresent() && before.isPresent()) {
                streaksHold(op, before.get(), state.get(), outcome, now);
            }
            before = state;
            String after = historyText.read();
            assertTrue(after.startsWith(history), "the history only grows");
            if (state.isPresent()) {
                RolloutState s = state.get();
                assertTrue(s.serial() == serial || s.serial() == serial + 1, "serial +1 per write: " + serial + " -> " + s.serial());
                assertEquals(s.serial() == serial + 1, after.length() > history.length(),
                        "events are written exactly when the state is: " + op);
                serial = s.serial();
                assertTrue(s.stage().index() >= 0 && s.stage().index() < SPEC.stages().size(), "stage in bounds");
                assertEquals(SPEC.stages().get(s.stage().index()).name(), s.stage().name());
                if (op == Op.RESTART) {
                    rolledBack = false;
                }
                if (s.status() == Status.ROLLED_BACK && !rolledBack) {
                    rolledBack = true;
                    trafficAtRollback = s.candidateTraffic();
                }
                if (rolledBack) {
                    assertTrue(s.candidateTraffic() <= trafficAtRollback, "no traffic increase after a rollback without a restart");
                }
            }
            history = after;
        }
        assertEquals(serial, store.history(w -> { }).stream().mapToLong(HistoryEvent::serial).max().orElse(0),
                "the last event belongs to the last write");
    }

    /** The streaks after one step, from the state before it: counted, reset, and obeyed. */
    private static void streaksHold(Op op, RolloutState old, RolloutState s, Optional<Outcome> outcome, Instant now) {
        boolean sameVisit = old.lineage().equals(s.lineage()) && old.stage().name().equals(s.stage().name())
                && old.stage().enteredAt().equals(s.stage().enteredAt());
        if (!sameVisit) {
            assertEquals(Streaks.NONE, s.stage().streaks(), "a new stage visit starts with no streak: " + op);
        }
        boolean recorded = s.serial() == old.serial() + 1 && outcome.map(o -> o.action() == Action.EVALUATED).orElse(false);
        Streaks was = old.stage().streaks();
        if (sameVisit && recorded) {
            Streaks expected = switch (op) {
                case EVALUATE_PROMOTE -> new Streaks(was.promote() + 1, 0);
                case EVALUATE_ROLLBACK -> new Streaks(0, was.rollback() + 1);
                default -> Streaks.NONE;
            };
            assertEquals(expected, s.stage().streaks(), "each recorded evaluation counts once: " + op);
            if (op == Op.EVALUATE_ROLLBACK) {
                boolean enough = expected.rollback() >= SPEC.stages().get(s.stage().index()).rollbackAfter();
                assertEquals(enough ? 4 : 3, outcome.get().exitCode(), "ROLLBACK only after rollbackAfter in a row: " + expected);
            }
        } else if (sameVisit) {
            assertEquals(was, s.stage().streaks(), "only an evaluation changes a streak: " + op);
        }
        boolean movedOn = old.status() == Status.PROGRESSING && (s.stage().index() > old.stage().index()
                || s.status() == Status.PROMOTED);
        if (movedOn && op != Op.FORCE) {
            StageSpec left = SPEC.stages().get(old.stage().index());
            assertTrue(was.promote() >= left.promoteAfter(), "moved on from " + left.name() + " after only " + was.promote()
                    + " PROMOTEs in a row");
            assertTrue(left.deadlinePassed(old.stage().enteredAt(), now).isEmpty(), "moved on from " + left.name()
                    + " past its deadline");
        }
    }

    private static Outcome apply(Lifecycle l, Op op, Optional<RolloutState> current, Instant at) {
        Lifecycle.AdvanceOptions plain = new Lifecycle.AdvanceOptions(false, false, false);
        return switch (op) {
            case ADVANCE, WAIT -> l.advance(plain, Optional.empty(), current);
            case FORCE -> l.advance(new Lifecycle.AdvanceOptions(true, false, false), Optional.empty(), current);
            case ADVANCE_ROLLBACK_ON_FAIL -> l.advance(new Lifecycle.AdvanceOptions(false, false, true), Optional.empty(), current);
            case RESTART -> l.advance(new Lifecycle.AdvanceOptions(false, true, false), Optional.empty(), current);
            case EVALUATE_PROMOTE, EVALUATE_HOLD, EVALUATE_ROLLBACK -> l.recordEvaluation(evaluation(op, current, at), current);
            case APPROVE -> l.approve("someone");
            case ROLLBACK -> l.rollback(new Lifecycle.RollbackTarget.Baseline());
            case ROLLBACK_PREVIOUS -> l.rollback(new Lifecycle.RollbackTarget.Previous());
            case ROLLBACK_TO_FIRST -> l.rollback(new Lifecycle.RollbackTarget.Stage("a"));
        };
    }

    private static Evaluation evaluation(Op op, Optional<RolloutState> current, Instant at) {
        Decision d = op == Op.EVALUATE_PROMOTE ? Decision.PROMOTE : op == Op.EVALUATE_HOLD ? Decision.HOLD : Decision.ROLLBACK;
        String stage = current.map(s -> s.stage().name()).orElse("a");
        return new Evaluation("prop", stage, at, d, OptionalDouble.of(0.9), ScoringSpec.ScoreFormula.WEIGHTS,
                new Evaluation.Thresholds(0.8, 0.6), List.of("because"), new ArrayList<>(), new Evaluation.Rows(10, 10),
                new Evaluation.WindowBounds(Optional.empty(), Optional.empty()), List.of());
    }
}
