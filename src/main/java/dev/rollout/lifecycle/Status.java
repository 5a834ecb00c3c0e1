package dev.rollout.lifecycle;

/** Where a rollout stands as a whole. */
public enum Status {
    /** No state file yet. */
    NOT_STARTED,
    /** In a stage. */
    PROGRESSING,
    /** Passed the last stage: the candidate is the new baseline. */
    PROMOTED,
    /** Traffic back on the baseline; {@code advance --restart} starts a new attempt. */
    ROLLED_BACK
}
