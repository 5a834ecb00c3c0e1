package dev.rollout.lifecycle;

/** What an entry of the audit trail records. */
public enum EventType {
    STARTED, EVALUATED, APPROVED, ADVANCED, FORCED, PROMOTED, ROLLED_BACK, RESTARTED, SPEC_CHANGED
}
