package dev.rollout.lifecycle;

import dev.rollout.judge.Evaluation;
import dev.rollout.judge.Decision;

/**
 * How many of the newest evaluations recorded in a stage visit, in a row, decided PROMOTE, and
 * how many said ROLLBACK by their rules (before rollbackAfter turned them into HOLD). Kept in the
 * state and counted under its lock, so evaluations that run at once each count exactly once.
 */
public record Streaks(int promote, int rollback) {

    public static final Streaks NONE = new Streaks(0, 0);

    /** After one more evaluation: each streak grows by it, or ends. */
    public Streaks after(Evaluation e) {
        return new Streaks(e.decision() == Decision.PROMOTE ? promote + 1 : 0,
                e.rules().decision() == Decision.ROLLBACK ? rollback + 1 : 0);
    }
}
