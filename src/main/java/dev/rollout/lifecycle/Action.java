package dev.rollout.lifecycle;

/** What a command did to the rollout; {@code action} in JSON. */
public enum Action {
    STARTED, ADVANCED, PROMOTED, FORCED, HELD, ROLLED_BACK, RESTARTED, APPROVED, EVALUATED,
    /** Nothing to do: already promoted, already rolled back. */
    NONE
}
