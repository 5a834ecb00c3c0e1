package dev.rollout.metrics;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One input that was read, for the audit trail: a file today; a query, a URL or a command
 * when those sources come. The JSON names are the contract of a file's ({@code path},
 * {@code sha256}, {@code rows}, {@code rowsInWindow}); a source that is not a file fills them
 * with its own location and digest.
 *
 * @param kind         what was read: {@code "csv"} for an export file; not in the JSON while every input is a file
 * @param location     where: the file's path as given
 * @param digest       hex SHA-256 of the bytes as stored (compressed, for .gz)
 * @param rows         data rows read
 * @param rowsInWindow rows inside the window that belong to the baseline or the candidate
 */
@JsonPropertyOrder({"path", "sha256", "rows", "rowsInWindow"})
public record Provenance(@JsonIgnore String kind, @JsonProperty("path") String location,
                         @JsonProperty("sha256") String digest, long rows, long rowsInWindow) {

    /** The kind of a CSV export file. */
    public static final String CSV = "csv";
}
