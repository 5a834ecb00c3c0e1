package dev.rollout.lifecycle;

import dev.rollout.RolloutException;
import dev.rollout.judge.Decision;
import dev.rollout.judge.Evaluation;
import dev.rollout.judge.Numbers;
import dev.rollout.spec.RolloutSpec;
import dev.rollout.spec.StageSpec;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * The rollout's state machine, pure: {@code (spec, state, evaluation, now) -> (state, events)}.
 * Nothing here reads a file or a clock; the store writes what it returns, under its lock.
 */
public final class Lifecycle {

    private final RolloutSpec spec;
    private final Optional<RolloutState> state;
    private final Request request;
    private final List<String> warnings = new ArrayList<>();

    public Lifecycle(RolloutSpec spec, Optional<RolloutState> state, Request request) {
        this.spec = spec;
        this.state = state;
        this.request = request;
        state.filter(s -> !s.specDigest().equals(spec.digest())).ifPresent(s -> warnings.add(
                "the spec changed since the state was last written (digest " + s.specDigest().substring(0, 12) + " -> "
                        + spec.digest().substring(0, 12) + "); the next write records SPEC_CHANGED"));
    }

    /** Options of {@code advance}. */
    public record AdvanceOptions(boolean force, boolean restart, boolean rollbackOnFail) {
        /** Whether {@code advance --metrics} judges the exports first: in a stage, and not when it starts again. */
        public boolean evaluates(Optional<RolloutState> state) {
            return !restart && inStage(state).isPresent();
        }
    }

    /** Where {@code rollback} sends the traffic: all back to the baseline, the previous stage, or a named one. */
    public sealed interface RollbackTarget permits RollbackTarget.Baseline, RollbackTarget.Previous, RollbackTarget.Stage {

        /**
         * One function per target, so that every caller handles each: a new target is a new
         * parameter here, and the compiler then names every place that must learn it.
         */
        <R> R match(Function<Baseline, R> baseline, Function<Previous, R> previous, Function<Stage, R> stage);

        record Baseline() implements RollbackTarget {
            @Override
            public <R> R match(Function<Baseline, R> baseline, Function<Previous, R> previous, Function<Stage, R> stage) {
                return baseline.apply(this);
            }
        }

        record Previous() implements RollbackTarget {
            @Override
            public <R> R match(Function<Baseline, R> baseline, Function<Previous, R> previous, Function<Stage, R> stage) {
                return previous.apply(this);
            }
        }

        record Stage(String name) implements RollbackTarget {
            @Override
            public <R> R match(Function<Baseline, R> baseline, Function<Previous, R> previous, Function<Stage, R> stage) {
                return stage.apply(this);
            }
        }
    }

    // ------------------------------------------------------------------ queries

    /**
     * The rollout, when it is in a stage: the one time its stage's window is judged and an
     * evaluation is recorded. Not started, promoted or rolled back, there is no stage to judge;
     * an evaluation then reads every row and is written nowhere.
     */
    public static Optional<RolloutState> inStage(Optional<RolloutState> state) {
        return state.filter(s -> s.status() == Status.PROGRESSING);
    }

    /** The stage an evaluation judges now: the current one, or the first when not started. */
    public static StageSpec stageToJudge(RolloutSpec spec, Optional<RolloutState> state) {
        return inStage(state)
                .flatMap(s -> spec.stage(s.stage().name()))
                .orElse(spec.stages().get(0));
    }

    /** How long the rollout has been in its stage; empty when it is not progressing. */
    public static Optional<Duration> timeInStage(Optional<RolloutState> state, Instant now) {
        return inStage(state)
                .map(s -> Duration.between(s.stage().enteredAt(), now))
                .map(d -> d.isNegative() ? Duration.ZERO : d);
    }

    /**
     * Refuses a clock that is behind the entry into the rollout's stage: a skewed host, or a
     * {@code ROLLOUT_NOW} from the past. Honouring it would write an approval or an evaluation
     * dated before the stage began, which the stage then does not count (it cannot tell it from
     * one of an earlier visit), a negative bake time, and a history that goes back in time.
     * Every command that writes, or judges the stage's window, calls this first.
     */
    public static void checkClock(Optional<RolloutState> state, Instant now) {
        Optional<String> behind = clockBehind(state, now);
        if (behind.isPresent()) {
            throw RolloutException.input(behind.get());
        }
    }

    private static Optional<String> clockBehind(Optional<RolloutState> state, Instant now) {
        return state.filter(s -> now.isBefore(s.stage().enteredAt())).map(s -> "the clock (" + now + ") is before stage "
                + s.stage().name() + " was entered (" + s.stage().enteredAt() + "): check this host's clock");
    }

    /** What {@code advance} would do now, in words, without an evaluation run now. */
    public String next() {
        if (state.isEmpty()) {
            return "start the rollout in stage " + spec.stages().get(0).name() + " (" + spec.stages().get(0).traffic() + " % traffic)";
        }
        RolloutState s = state.get();
        switch (s.status()) {
            case PROMOTED:
                return "nothing: the rollout is complete (candidate " + s.model().candidate() + " promoted)";
            case ROLLED_BACK:
                return "nothing until 'advance --restart' (rolled back)";
            default:
                break;
        }
        Optional<StageSpec> stage = spec.stage(s.stage().name());
        if (stage.isEmpty()) {
            return "nothing: stage '" + s.stage().name() + "' is no longer in the spec";
        }
        List<String> blockers = blockers(s, stage.get(), s.evaluationInStage());
        String target = s.stage().index() + 1 < spec.stages().size()
                ? "move to stage " + spec.stages().get(s.stage().index() + 1).name()
                : "complete the rollout (promote candidate " + s.model().candidate() + ")";
        return blockers.isEmpty() ? target : "hold: " + String.join("; ", blockers);
    }

    // ------------------------------------------------------------------ transitions

    /**
     * {@code rollout advance}, with the evaluation run now when {@code --metrics} was given, on
     * the state {@code judgedOn} (read before the exports; see {@link #recordEvaluation}).
     */
    public Outcome advance(AdvanceOptions options, Optional<Evaluation> evaluation, Optional<RolloutState> judgedOn) {
        List<Evaluation> judged = new ArrayList<>();
        Outcome outcome = advance(options, evaluation, judgedOn, judged);
        return outcome.withEvaluation(judged.stream().findFirst());
    }

    /** {@link #advance}, adding the evaluation as rollbackAfter counted it to {@code judgedNow}. */
    private Outcome advance(AdvanceOptions options, Optional<Evaluation> evaluation, Optional<RolloutState> judgedOn,
                            List<Evaluation> judgedNow) {
        checkClock(state, request.now());
        if (options.restart()) {
            return restart();
        }
        if (state.isEmpty()) {
            if (request.ifStage().isPresent()) {
                throw RolloutException.conflict("--if-stage " + request.ifStage().get() + ": the rollout has not started");
            }
            return start();
        }
        RolloutState s = state.get();
        if (s.status() == Status.PROMOTED && sameCandidate(s)) {
            return nothing(s, 0, "the rollout is complete: candidate " + s.model().candidate() + " was promoted");
        }
        checkIfStage(s);
        if (s.status() == Status.ROLLED_BACK) {
            throw RolloutException.conflict("the rollout was rolled back; start it again with 'rollout advance --restart'");
        }
        checkCandidate(s);
        StageSpec stage = currentStage(s);
        List<HistoryEvent> events = new ArrayList<>();
        RolloutState base = s;
        if (evaluation.isPresent()) {
            checkEvaluatedStage(s, evaluation.get());
            inStage(judgedOn).ifPresent(j -> checkSameStageEntry(s, j));
            Evaluation counted = counted(stage, evaluation.get(), s.stage().streaks());
            judgedNow.add(counted);
            base = withEvaluation(s, counted);
            events.add(evaluated(counted, s.serial() + 1));
        }
        if (options.force()) {
            String reason = request.reason().orElseThrow(() -> RolloutException.input("--force needs --reason"));
            return move(base, stage, events, EventType.FORCED, Action.FORCED, List.of("forced past the gates: " + reason));
        }
        Optional<EvaluationRecord> judged = base.evaluationInStage();
        Optional<String> late = stage.deadlinePassed(s.stage().enteredAt(), request.now());
        boolean judgedRollback = judged.isPresent() && judged.get().decision() == Decision.ROLLBACK;
        if (judgedRollback || late.isPresent()) {
            // A stage past its deadline is not left forwards, whatever an earlier evaluation said.
            List<String> why = judgedRollback ? judged.get().reasons() : List.of(late.get());
            List<String> reasons = new ArrayList<>();
            reasons.add(judgedRollback ? "the evaluation in stage " + stage.name() + " decided ROLLBACK"
                    : "stage " + stage.name() + " is past its deadline");
            reasons.addAll(why);
            if (options.rollbackOnFail()) {
                Outcome rolled = rollbackFrom(base, new RollbackTarget.Baseline(), events,
                        (judgedRollback ? "evaluation decided ROLLBACK: " : "deadline: ") + String.join("; ", why));
                return new Outcome(rolled.newState(), rolled.current(), rolled.events(), Action.ROLLED_BACK,
                        Decision.ROLLBACK.exitCode(), reasons, warnings);
            }
            reasons.add("run 'rollout rollback' or add --rollback-on-fail");
            return hold(base, s, events, Decision.ROLLBACK.exitCode(), reasons);
        }
        List<String> blockers = blockers(base, stage, judged);
        if (!blockers.isEmpty()) {
            return hold(base, s, events, Decision.HOLD.exitCode(), blockers);
        }
        return move(base, stage, events, EventType.ADVANCED, Action.ADVANCED, List.of());
    }

    /**
     * {@code rollout evaluate} in a started rollout: record the evaluation. {@code judgedOn} is
     * the state the evaluation was computed on, read before the exports: the window began when
     * that state entered its stage, so the evaluation belongs to that stage entry and to no
     * other. Nothing is written when {@code judgedOn} was not in a stage; a warning says so when
     * the rollout left its stage while the exports were read.
     */
    public Outcome recordEvaluation(Evaluation evaluation, Optional<RolloutState> judgedOn) {
        Optional<RolloutState> inStage = inStage(judgedOn);
        if (inStage(state).isEmpty() || inStage.isEmpty()) {
            if (inStage.isPresent()) {
                warnings.add("evaluation not recorded: the rollout is " + statusWord() + " now; it changed while the"
                        + " exports were read");
            }
            // Recorded nowhere, the evaluation is the first of its streak.
            Evaluation counted = counted(spec.stage(evaluation.stage()).orElse(spec.stages().get(0)), evaluation, Streaks.NONE);
            return new Outcome(Optional.empty(), state, List.of(), Action.NONE, counted.decision().exitCode(),
                    counted.reasons(), warnings, Optional.of(counted));
        }
        checkClock(state, request.now());
        RolloutState s = state.get();
        checkCandidate(s);
        StageSpec stage = currentStage(s);
        checkEvaluatedStage(s, evaluation);
        checkSameStageEntry(s, inStage.get());
        Evaluation counted = counted(stage, evaluation, s.stage().streaks());
        RolloutState next = withEvaluation(s, counted);
        List<HistoryEvent> events = new ArrayList<>();
        events.add(evaluated(counted, s.serial() + 1));
        return write(next, s, events, Action.EVALUATED, counted.decision().exitCode(), counted.reasons())
                .withEvaluation(Optional.of(counted));
    }

    /**
     * {@code rollbackAfter}: an evaluation whose rules say ROLLBACK decides HOLD until that many in
     * a row have said so, counted on the state under its lock; an immediate one decides at once.
     */
    static Evaluation counted(StageSpec stage, Evaluation e, Streaks before) {
        int needed = stage.rollbackAfter();
        if (e.rules().decision() != Decision.ROLLBACK || e.rules().immediate() || needed == 1) {
            return e;
        }
        int inARow = before.rollback() + 1;
        if (inARow < needed) {
            return e.decided(Decision.HOLD, inARow + " of " + needed + " consecutive rollback evaluations: HOLD until "
                    + needed + " in a row say ROLLBACK (rollbackAfter " + needed + ")");
        }
        return e.decided(Decision.ROLLBACK, inARow + " consecutive rollback evaluations (rollbackAfter " + needed + ")");
    }

    /** {@code rollout approve}: record the approval the current stage needs. */
    public Outcome approve(String by) {
        RolloutState s = inStage(state).orElseThrow(() ->
                RolloutException.conflict("nothing to approve: the rollout is " + statusWord()));
        checkClock(state, request.now());
        checkIfStage(s);
        checkCandidate(s);
        StageSpec stage = currentStage(s);
        if (!stage.approval()) {
            warnings.add("stage " + stage.name() + " does not need an approval; recorded anyway");
        }
        Approval approval = new Approval(stage.name(), by, request.now(), request.reason());
        RolloutState next = copy(s, s.status(), s.stage(), s.lastEvaluation(), Optional.of(approval), s.lineage(), s.model());
        HistoryEvent e = event(EventType.APPROVED, next, Optional.of(stage.name()), Optional.empty(),
                OptionalDouble.empty(), Optional.empty(), Optional.of(request.reason().map(r -> by + ": " + r).orElse("approved by " + by)),
                List.of(), new EventDetails.Approved(by));
        return write(next, s, new ArrayList<>(List.of(e)), Action.APPROVED, 0, List.of("stage " + stage.name() + " approved by " + by));
    }

    /** {@code rollout rollback}. */
    public Outcome rollback(RollbackTarget target) {
        RolloutState s = state.orElseThrow(() -> RolloutException.conflict("nothing to roll back: the rollout has not started"));
        // The way out of trouble never waits for a clock: a rollback judges no window and counts no
        // approval, so a skewed host may still take the traffic back, told that its clock is off.
        clockBehind(state, request.now()).ifPresent(w -> warnings.add(w + "; rolled back all the same"));
        checkIfStage(s);
        if (s.status() == Status.ROLLED_BACK) {
            return nothing(s, 0, "already rolled back: all traffic is on baseline " + s.model().baseline());
        }
        String reason = request.reason().orElseThrow(() -> RolloutException.input("rollback needs --reason"));
        return rollbackFrom(s, target, new ArrayList<>(), reason);
    }

    // ------------------------------------------------------------------ steps

    private Outcome start() {
        StageSpec first = spec.stages().get(0);
        StagePosition pos = new StagePosition(0, first.name(), first.traffic(), request.now());
        RolloutState next = new RolloutState(RolloutState.FORMAT_VERSION, spec.name(), request.newLineage(), 1,
                spec.digest(), new ModelVersions(spec.model().baseline(), spec.model().candidate()), Status.PROGRESSING,
                pos, Optional.empty(), Optional.empty(), request.now());
        HistoryEvent e = event(EventType.STARTED, next, Optional.of(first.name()), Optional.empty(), OptionalDouble.empty(),
                Optional.empty(), request.reason(), List.of(), new EventDetails.Started(first.traffic(),
                        Optional.of(spec.model().baseline()), spec.model().candidate()));
        return new Outcome(Optional.of(next), Optional.of(next), List.of(e), Action.STARTED, 0,
                List.of("started in stage " + first.name() + " with " + first.traffic() + " % traffic on candidate "
                        + spec.model().candidate()), warnings);
    }

    private Outcome restart() {
        long serial = state.map(RolloutState::serial).orElse(0L) + 1;
        StageSpec first = spec.stages().get(0);
        StagePosition pos = new StagePosition(0, first.name(), first.traffic(), request.now());
        RolloutState next = new RolloutState(RolloutState.FORMAT_VERSION, spec.name(), request.newLineage(), serial,
                spec.digest(), new ModelVersions(spec.model().baseline(), spec.model().candidate()), Status.PROGRESSING,
                pos, Optional.empty(), Optional.empty(), request.now());
        List<HistoryEvent> events = new ArrayList<>();
        if (state.isPresent()) {
            checkIfStage(state.get());
            specChanged(state.get(), next, events);
        }
        EventDetails details = state.<EventDetails>map(old -> new EventDetails.Restarted(first.traffic(), spec.model().candidate(),
                old.lineage())).orElseGet(() -> new EventDetails.Started(first.traffic(), Optional.empty(), spec.model().candidate()));
        events.add(event(state.isPresent() ? EventType.RESTARTED : EventType.STARTED, next, Optional.of(first.name()),
                Optional.empty(), OptionalDouble.empty(), Optional.empty(), request.reason(), List.of(), details));
        return new Outcome(Optional.of(next), Optional.of(next), events, state.isPresent() ? Action.RESTARTED : Action.STARTED, 0,
                List.of("started again in stage " + first.name() + " (new lineage " + next.lineage() + ")"), warnings);
    }

    private Outcome move(RolloutState s, StageSpec stage, List<HistoryEvent> events, EventType type, Action action,
                         List<String> reasons) {
        int index = s.stage().index();
        boolean last = index + 1 >= spec.stages().size();
        OptionalDouble sc = s.evaluationInStage().map(EvaluationRecord::score).orElse(OptionalDouble.empty());
        Optional<Decision> decision = s.evaluationInStage().map(EvaluationRecord::decision);
        List<String> out = new ArrayList<>(reasons);
        RolloutState next;
        if (last) {
            next = copy(s, Status.PROMOTED, s.stage(), s.lastEvaluation(), s.approval(), s.lineage(), s.model());
            if (type == EventType.FORCED) {
                events.add(event(EventType.FORCED, next, Optional.of(stage.name()), Optional.empty(), sc, decision,
                        request.reason(), List.of(), new EventDetails.None()));
            }
            events.add(event(EventType.PROMOTED, next, Optional.of(stage.name()), Optional.empty(), sc, decision,
                    request.reason(), List.of(), new EventDetails.Promoted(s.model().candidate())));
            out.add("rollout complete: candidate " + s.model().candidate() + " promoted");
            action = Action.PROMOTED;
        } else {
            StageSpec to = spec.stages().get(index + 1);
            next = copy(s, Status.PROGRESSING, new StagePosition(index + 1, to.name(), to.traffic(), request.now()),
                    s.lastEvaluation(), s.approval(), s.lineage(), s.model());
            events.add(event(type, next, Optional.of(stage.name()), Optional.of(to.name()), sc, decision,
                    request.reason(), List.of(), new EventDetails.Moved(to.traffic(), stage.traffic())));
            out.add("moved from " + stage.name() + " to " + to.name() + " (" + stage.traffic() + " % -> " + to.traffic() + " % traffic)");
        }
        return write(next, state.get(), events, action, 0, out);
    }

    private Outcome rollbackFrom(RolloutState s, RollbackTarget target, List<HistoryEvent> events, String reason) {
        RolloutState next;
        String message;
        Optional<String> toStage;
        int traffic;
        if (s.status() == Status.PROMOTED && target.match(baseline -> false, previous -> true, named -> true)) {
            throw RolloutException.conflict("the rollout is complete; roll back to the baseline without --to or --to-previous");
        }
        // A completed rollout has no stage to go back to: its rollback is to the baseline.
        Optional<Integer> earlier = s.status() == Status.PROMOTED ? Optional.empty() : target.match(baseline -> Optional.empty(),
                previous -> Optional.of(previousStage(s)), named -> Optional.of(earlierStage(s, named.name())));
        if (earlier.isEmpty()) {
            next = copy(s, Status.ROLLED_BACK, s.stage(), s.lastEvaluation(), s.approval(), s.lineage(), s.model());
            toStage = Optional.empty();
            traffic = 0;
            message = "rolled back: all traffic on baseline " + s.model().baseline();
        } else {
            int to = earlier.get();
            StageSpec stage = spec.stages().get(to);
            next = copy(s, Status.PROGRESSING, new StagePosition(to, stage.name(), stage.traffic(), request.now()),
                    s.lastEvaluation(), s.approval(), s.lineage(), s.model());
            toStage = Optional.of(stage.name());
            traffic = stage.traffic();
            message = "rolled back from " + s.stage().name() + " to " + stage.name() + " (" + traffic + " % traffic)";
        }
        events.add(event(EventType.ROLLED_BACK, next, Optional.of(s.stage().name()), toStage, OptionalDouble.empty(),
                Optional.empty(), Optional.of(reason), List.of(), new EventDetails.Moved(traffic,
                        s.status() == Status.PROMOTED ? 100 : s.stage().traffic())));
        return write(next, state.get(), events, Action.ROLLED_BACK, 0, List.of(message));
    }

    private static int previousStage(RolloutState s) {
        if (s.stage().index() == 0) {
            throw RolloutException.conflict("--to-previous: " + s.stage().name()
                    + " is the first stage; roll back to the baseline without --to-previous");
        }
        return s.stage().index() - 1;
    }

    private int earlierStage(RolloutState s, String name) {
        int to = spec.indexOf(name);
        if (to < 0) {
            throw RolloutException.input("--to " + name + ": no such stage (stages: "
                    + String.join(", ", spec.stages().stream().map(StageSpec::name).toList()) + ")");
        }
        if (to >= s.stage().index()) {
            throw RolloutException.conflict("--to " + name + ": a rollback goes to an earlier stage than " + s.stage().name());
        }
        return to;
    }

    private Outcome hold(RolloutState base, RolloutState old, List<HistoryEvent> events, int exitCode, List<String> reasons) {
        if (events.isEmpty()) {
            return new Outcome(Optional.empty(), Optional.of(old), List.of(), Action.HELD, exitCode, reasons, warnings);
        }
        return write(base, old, events, Action.HELD, exitCode, reasons);
    }

    private Outcome nothing(RolloutState s, int exitCode, String reason) {
        return new Outcome(Optional.empty(), Optional.of(s), List.of(), Action.NONE, exitCode, List.of(reason), warnings);
    }

    /** Finishes a write: serial and spec digest of the new state, and a SPEC_CHANGED event when it changed. */
    private Outcome write(RolloutState next, RolloutState old, List<HistoryEvent> events, Action action, int exitCode,
                          List<String> reasons) {
        List<HistoryEvent> all = new ArrayList<>();
        specChanged(old, next, all);
        all.addAll(events);
        return new Outcome(Optional.of(next), Optional.of(next), all, action, exitCode, reasons, warnings);
    }

    private void specChanged(RolloutState old, RolloutState next, List<HistoryEvent> events) {
        if (!old.specDigest().equals(spec.digest())) {
            events.add(event(EventType.SPEC_CHANGED, next, Optional.of(old.stage().name()), Optional.empty(),
                    OptionalDouble.empty(), Optional.empty(), Optional.empty(), List.of(),
                    new EventDetails.SpecChanged(old.specDigest(), spec.digest())));
        }
    }

    // ------------------------------------------------------------------ checks

    /** Everything that keeps the current stage from advancing, in words; empty when it may advance. */
    private List<String> blockers(RolloutState s, StageSpec stage, Optional<EvaluationRecord> judged) {
        List<String> out = new ArrayList<>();
        Duration in = Duration.between(s.stage().enteredAt(), request.now());
        Optional<String> behind = clockBehind(Optional.of(s), request.now());
        if (behind.isPresent()) {
            out.add(behind.get());
        } else if (in.compareTo(stage.bake()) < 0) {
            out.add("bake time not over: " + Numbers.duration(in) + " of " + Numbers.duration(stage.bake()) + " in stage "
                    + stage.name() + " (" + Numbers.duration(stage.bake().minus(in)) + " left)");
        }
        if (judged.isEmpty()) {
            out.add("no evaluation recorded in stage " + stage.name() + " since it was entered; run 'rollout evaluate'"
                    + " or 'rollout advance --metrics FILE'");
        } else if (judged.get().decision() != Decision.PROMOTE) {
            out.add("the newest evaluation in stage " + stage.name() + " decided " + judged.get().decision()
                    + (judged.get().reasons().isEmpty() ? "" : ": " + String.join("; ", judged.get().reasons())));
        } else if (s.stage().streaks().promote() < stage.promoteAfter()) {
            out.add("only " + s.stage().streaks().promote() + " of " + stage.promoteAfter() + " consecutive PROMOTE"
                    + " evaluations in stage " + stage.name() + " (promoteAfter " + stage.promoteAfter() + ")");
        }
        stage.deadlinePassed(s.stage().enteredAt(), request.now()).ifPresent(late -> out.add(late + ": roll back"));
        if (stage.approval() && s.approvalInStage().isEmpty()) {
            out.add("stage " + stage.name() + " needs an approval: run 'rollout approve SPEC --by NAME'");
        }
        return out;
    }

    private void checkIfStage(RolloutState s) {
        if (request.ifStage().isPresent() && !(s.status() == Status.PROGRESSING && s.stage().name().equals(request.ifStage().get()))) {
            throw RolloutException.conflict("--if-stage " + request.ifStage().get() + ": the rollout is "
                    + (s.status() == Status.PROGRESSING ? "in stage " + s.stage().name() : statusWord()) + "; nothing done");
        }
    }

    /** Another process may have moved the rollout while this one read the exports. */
    private void checkEvaluatedStage(RolloutState s, Evaluation e) {
        if (!s.stage().name().equals(e.stage())) {
            throw RolloutException.conflict("the rollout moved to stage " + s.stage().name() + " while stage " + e.stage()
                    + " was being evaluated; nothing recorded, run the command again");
        }
    }

    /** The rollout may have been restarted, or rolled back and moved on again, into the same stage name. */
    private void checkSameStageEntry(RolloutState s, RolloutState judged) {
        if (!s.lineage().equals(judged.lineage())) {
            throw RolloutException.conflict("the rollout was restarted (lineage " + judged.lineage() + " -> " + s.lineage()
                    + ") while stage " + s.stage().name() + " was being evaluated; nothing recorded, run the command again");
        }
        if (!s.stage().enteredAt().equals(judged.stage().enteredAt())) {
            throw RolloutException.conflict("the rollout entered stage " + s.stage().name() + " again at " + s.stage().enteredAt()
                    + " while its visit from " + judged.stage().enteredAt() + " was being evaluated; nothing recorded,"
                    + " run the command again");
        }
    }

    private boolean sameCandidate(RolloutState s) {
        return s.model().candidate().equals(spec.model().candidate());
    }

    private void checkCandidate(RolloutState s) {
        if (!sameCandidate(s)) {
            throw RolloutException.conflict("the spec's candidate is " + spec.model().candidate()
                    + " but this rollout is of candidate " + s.model().candidate()
                    + "; that is a new rollout: start it with 'rollout advance --restart'");
        }
    }

    private StageSpec currentStage(RolloutState s) {
        return spec.stage(s.stage().name()).orElseThrow(() -> RolloutException.conflict("the rollout is in stage '"
                + s.stage().name() + "', which is no longer in the spec; put it back, roll back, or 'advance --restart'"));
    }

    private String statusWord() {
        return state.map(s -> switch (s.status()) {
            case PROMOTED -> "complete (promoted)";
            case ROLLED_BACK -> "rolled back";
            case PROGRESSING -> "in stage " + s.stage().name();
            case NOT_STARTED -> "not started";
        }).orElse("not started");
    }

    // ------------------------------------------------------------------ building

    private RolloutState withEvaluation(RolloutState s, Evaluation e) {
        Map<String, dev.rollout.judge.SequentialMemory> memory = new LinkedHashMap<>();
        for (Evaluation.MetricResult m : e.metrics()) {
            m.compare().flatMap(c -> c.memory()).ifPresent(mem -> memory.put(m.name(), mem));
        }
        EvaluationRecord record = new EvaluationRecord(e.stage(), e.at(), e.decision(), e.score(), e.reasons(), memory);
        return copy(s, s.status(), s.stage().with(s.stage().streaks().after(e)), Optional.of(record), s.approval(),
                s.lineage(), s.model());
    }

    private HistoryEvent evaluated(Evaluation e, long serial) {
        EventDetails details = new EventDetails.Evaluated(e.inputs(), e.rows(), e.metrics());
        return new HistoryEvent(request.now(), EventType.EVALUATED, spec.name(), state.orElseThrow().lineage(), serial,
                Optional.of(e.stage()), Optional.empty(), e.score(), Optional.of(e.decision()), request.actor(),
                Optional.empty(), e.reasons(), details);
    }

    private RolloutState copy(RolloutState s, Status status, StagePosition stage, Optional<EvaluationRecord> evaluation,
                              Optional<Approval> approval, String lineage, ModelVersions model) {
        // Every state a transition builds has the serial of the state it started from, plus one.
        long serial = state.map(RolloutState::serial).orElse(0L) + 1;
        return new RolloutState(RolloutState.FORMAT_VERSION, s.rollout(), lineage, serial, spec.digest(), model,
                status, stage, evaluation, approval, request.now());
    }

    private HistoryEvent event(EventType type, RolloutState next, Optional<String> stage, Optional<String> toStage,
                               OptionalDouble score, Optional<Decision> decision, Optional<String> reason,
                               List<String> reasons, EventDetails details) {
        return new HistoryEvent(request.now(), type, spec.name(), next.lineage(), next.serial(), stage, toStage, score,
                decision, request.actor(), reason, reasons, details);
    }
}
