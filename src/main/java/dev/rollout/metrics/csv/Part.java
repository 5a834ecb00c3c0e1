package dev.rollout.metrics.csv;

import dev.rollout.metrics.Cohort;
import dev.rollout.metrics.Provenance;
import dev.rollout.metrics.Tally;

/**
 * Where one pass's rows go: the shared tally (one pass) or a chunk's own, with what the
 * file's provenance and the coverage check need besides.
 */
final class Part {
    final Tally tally;
    final Tally.Lane baseline;
    final Tally.Lane candidate;
    /** The candidate's lane, the baseline's, and null for another variant: see {@link RowRouter#accept}. */
    final Tally.Lane[] lanes;
    /** Long format: the inputs some row named. */
    final boolean[] named;
    long dataRows;
    long inWindow;

    Part(Tally tally, int inputs) {
        this.tally = tally;
        this.baseline = tally.lane(Cohort.BASELINE);
        this.candidate = tally.lane(Cohort.CANDIDATE);
        this.lanes = new Tally.Lane[] {candidate, baseline, null};
        this.named = new boolean[inputs];
    }

    /** Takes in a later part of the file. */
    void merge(Part later) {
        tally.merge(later.tally);
        for (int i = 0; i < named.length; i++) {
            named[i] |= later.named[i];
        }
        dataRows += later.dataRows;
        inWindow += later.inWindow;
    }

    /** Ends the file: its named inputs are found, and this is what was read. */
    Provenance end(String file, String sha256, Coverage coverage) {
        for (int i = 0; i < named.length; i++) {
            if (named[i]) {
                coverage.found(i);
            }
        }
        tally.endOfInput();
        return new Provenance(Provenance.CSV, file, sha256, dataRows, inWindow);
    }
}
