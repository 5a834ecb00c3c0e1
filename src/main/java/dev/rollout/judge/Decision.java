package dev.rollout.judge;

/** What an evaluation decides for the current stage. Exit codes 0, 3 and 4. */
public enum Decision {
    PROMOTE(0), HOLD(3), ROLLBACK(4);

    private final int exitCode;

    Decision(int exitCode) {
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
