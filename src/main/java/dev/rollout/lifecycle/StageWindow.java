package dev.rollout.lifecycle;

import dev.rollout.RolloutException;
import dev.rollout.judge.SequentialMemory;
import dev.rollout.spec.RolloutSpec;
import dev.rollout.spec.StageSpec;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What an evaluation judges: the stage, the span of rows it reads, and what its sequential
 * comparisons remember from earlier looks. The span is the current stage, from the moment the
 * rollout entered it until now, unless {@code --since}/{@code --until} {@link #moved move} an end;
 * with no started rollout it is open, every row. Pure: the clock comes in as {@code now}.
 *
 * @param stage       the stage judged: the current one, or the first when the rollout is in none
 * @param since       where the rows start; empty is open
 * @param until       where they end; empty is open
 * @param memory      each sequential comparison's memory of this stage's earlier looks, by metric;
 *                    empty once the window was moved, for those looks saw other rows
 * @param timeInStage how long the rollout has been in the stage; empty when it is in none
 */
public record StageWindow(StageSpec stage, Optional<Instant> since, Optional<Instant> until,
                          Map<String, SequentialMemory> memory, Optional<Duration> timeInStage) {

    public StageWindow {
        memory = Map.copyOf(memory);
    }

    /**
     * The window of the stage the rollout is in now. Refuses a clock behind the entry into that
     * stage (see {@link Lifecycle#checkClock}): the window would end before it starts.
     */
    public static StageWindow of(RolloutSpec spec, Optional<RolloutState> state, Instant now) {
        Optional<RolloutState> inStage = Lifecycle.inStage(state);
        Lifecycle.checkClock(inStage, now);
        return new StageWindow(Lifecycle.stageToJudge(spec, state), inStage.map(s -> s.stage().enteredAt()),
                state.isPresent() ? Optional.of(now) : Optional.empty(),
                state.flatMap(RolloutState::evaluationInStage).map(EvaluationRecord::sequential).orElse(Map.of()),
                Lifecycle.timeInStage(state, now));
    }

    /**
     * This window with either end moved ({@code --since}, {@code --until}). A window that ends
     * before it starts holds no row: that is said, rather than judged as "too few samples".
     */
    public StageWindow moved(Optional<Instant> newSince, Optional<Instant> newUntil) {
        if (newSince.isEmpty() && newUntil.isEmpty()) {
            return this;
        }
        Optional<Instant> from = newSince.or(this::since);
        Optional<Instant> to = newUntil.or(this::until);
        if (from.isPresent() && to.isPresent() && from.get().isAfter(to.get())) {
            throw RolloutException.input(newSince.isPresent() && newUntil.isPresent()
                    ? "--since " + from.get() + " is later than --until " + to.get()
                    : newSince.isPresent() ? "--since " + from.get() + " is later than now (" + to.get() + "), where the window ends"
                    : "--until " + to.get() + " is before stage " + stage.name() + " was entered (" + from.get()
                    + "), where the window starts; give --since too");
        }
        return new StageWindow(stage, from, to, Map.of(), timeInStage);
    }
}
