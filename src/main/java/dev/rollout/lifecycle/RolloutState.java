package dev.rollout.lifecycle;

import java.time.Instant;
import java.util.Optional;

/**
 * The persisted state of one rollout. Small, versioned, written whole on every change.
 *
 * @param formatVersion  the state file format; a reader refuses versions it does not know
 * @param lineage        a UUID per rollout attempt; a new one on restart
 * @param serial         +1 on every write, like Terraform's
 * @param specDigest     SHA-256 of the spec as of the last write
 * @param stage          the current stage (for PROMOTED the last one; for ROLLED_BACK the one rolled back from)
 * @param lastEvaluation the newest evaluation recorded, in any stage
 * @param approval       the newest approval recorded
 */
public record RolloutState(int formatVersion, String rollout, String lineage, long serial, String specDigest,
                           ModelVersions model, Status status, StagePosition stage,
                           Optional<EvaluationRecord> lastEvaluation, Optional<Approval> approval,
                           Instant updatedAt) {

    public static final int FORMAT_VERSION = 1;

    /** The candidate's share of traffic in percent: the stage's, 100 once promoted, 0 once rolled back. */
    public int candidateTraffic() {
        return switch (status) {
            case PROGRESSING -> stage.traffic();
            case PROMOTED -> 100;
            case ROLLED_BACK, NOT_STARTED -> 0;
        };
    }

    /** The newest evaluation, if it was recorded in the current stage since it was entered. */
    public Optional<EvaluationRecord> evaluationInStage() {
        return lastEvaluation.filter(e -> e.stage().equals(stage.name()) && !e.at().isBefore(stage.enteredAt()));
    }

    /** The approval, if it was given in the current stage since it was entered. */
    public Optional<Approval> approvalInStage() {
        return approval.filter(a -> a.stage().equals(stage.name()) && !a.at().isBefore(stage.enteredAt()));
    }
}
