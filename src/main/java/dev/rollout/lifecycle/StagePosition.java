package dev.rollout.lifecycle;

import java.time.Instant;

/**
 * The stage a rollout is in, and when it entered it (the start of the stage's window).
 *
 * @param streaks the evaluations in a row recorded since it entered the stage; a new position starts them at none
 */
public record StagePosition(int index, String name, int traffic, Instant enteredAt, Streaks streaks) {

    public StagePosition {
        // State files written before promoteAfter and rollbackAfter have no streaks.
        streaks = streaks == null ? Streaks.NONE : streaks;
    }

    /** The stage just entered: no evaluation counted yet. */
    public StagePosition(int index, String name, int traffic, Instant enteredAt) {
        this(index, name, traffic, enteredAt, Streaks.NONE);
    }

    /** The same stage visit, its streaks now {@code streaks}. */
    public StagePosition with(Streaks streaks) {
        return new StagePosition(index, name, traffic, enteredAt, streaks);
    }
}
