package dev.rollout.metrics;

/**
 * One export file that was read: a {@link Provenance} of kind {@code csv}, in a file's words.
 *
 * @param sha256       hex digest of the file's bytes as stored (compressed, for .gz)
 * @param rows         data rows in the file
 * @param rowsInWindow rows inside the window that belong to the baseline or the candidate
 */
public record InputFile(String path, String sha256, long rows, long rowsInWindow) {

    static InputFile of(Provenance p) {
        return new InputFile(p.location(), p.digest(), p.rows(), p.rowsInWindow());
    }
}
