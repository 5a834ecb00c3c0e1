package dev.rollout.metrics;

/**
 * One export that was read, for the audit trail.
 *
 * @param sha256       hex digest of the file's bytes as stored (compressed, for .gz)
 * @param rows         data rows in the file
 * @param rowsInWindow rows inside the window that belong to the baseline or the candidate
 */
public record InputFile(String path, String sha256, long rows, long rowsInWindow) {
}
