package dev.rollout.metrics;

import dev.rollout.spec.LabelsSpec;

import java.time.Instant;

/**
 * How a read joins late labels to its predictions: the labels, and the newest prediction time
 * that counts as mature (the window's end minus {@code maturity}).
 *
 * @param matureUntil a prediction at or before this instant is old enough to be judged by its label
 */
public record LabelJoin(LabelsSpec spec, Labels labels, Instant matureUntil) {

    /** Whether the current row of a source is mature: its time is at or before {@link #matureUntil}. */
    boolean mature(Cells row) {
        int c = Long.compare(row.seconds(), matureUntil.getEpochSecond());
        return c < 0 || c == 0 && row.nanos() <= matureUntil.getNano();
    }
}
