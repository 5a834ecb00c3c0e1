package dev.rollout.metrics;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.Optional;

/**
 * One input that was read, for the audit trail, so that the history says what was judged. The
 * JSON names {@code path}, {@code sha256}, {@code rows}, {@code rowsInWindow} are a file's, and
 * every kind fills them with its own location and digest:
 * <ul>
 * <li>{@code csv}, {@code parquet}: the file's path as given, the SHA-256 of its bytes as stored;</li>
 * <li>{@code sql}: the JDBC URL without a password, the SHA-256 of the SQL the engine ran ({@code query});</li>
 * <li>{@code prometheus}: the server's URL, the SHA-256 of the response, the expanded query and its {@code time};
 * {@code rows} are the series in the answer, {@code rowsInWindow} those of the baseline or the candidate;</li>
 * <li>{@code command}: the command line, the SHA-256 of what it printed.</li>
 * </ul>
 *
 * @param kind         what was read; histories written before sources existed have none, and were CSV
 * @param source       the entry of the spec's {@code sources:}; empty for the {@code --metrics} files
 * @param location     where: a path, a URL without credentials, a command line
 * @param digest       hex SHA-256 of what was read (see above)
 * @param rows         data rows read (for an engine that aggregates: rows it aggregated)
 * @param rowsInWindow rows inside the window that belong to the baseline or the candidate
 * @param query        the query as sent, parameters shown as {@code ?}; empty for files and commands
 * @param time         the instant a Prometheus query was evaluated at (ISO-8601)
 * @param role         {@code labels} for an input of late labels ({@code --labels}, {@code data.labels.source}),
 *                     whose {@code rowsInWindow} are its {@code rows}: labels have no window, their predictions do;
 *                     empty for the metrics' inputs, which kept their shape when labels were added
 */
@JsonPropertyOrder({"kind", "source", "path", "sha256", "rows", "rowsInWindow", "query", "time", "role"})
@JsonInclude(JsonInclude.Include.NON_ABSENT)
public record Provenance(String kind, Optional<String> source, @JsonProperty("path") String location,
                         @JsonProperty("sha256") String digest, long rows, long rowsInWindow,
                         Optional<String> query, Optional<String> time, Optional<String> role) {

    /** The kind of a CSV export file. */
    public static final String CSV = "csv";

    /** The {@link #role} of an input of late labels. */
    public static final String LABELS = "labels";

    public Provenance {
        kind = kind == null ? CSV : kind;
        source = source == null ? Optional.empty() : source;
        query = query == null ? Optional.empty() : query;
        time = time == null ? Optional.empty() : time;
        role = role == null ? Optional.empty() : role;
    }

    /** An input of a source's metrics. */
    public Provenance(String kind, Optional<String> source, String location, String digest, long rows, long rowsInWindow,
                      Optional<String> query, Optional<String> time) {
        this(kind, source, location, digest, rows, rowsInWindow, query, time, Optional.empty());
    }

    /** An input named by {@code --metrics}. */
    public Provenance(String kind, String location, String digest, long rows, long rowsInWindow) {
        this(kind, Optional.empty(), location, digest, rows, rowsInWindow, Optional.empty(), Optional.empty());
    }

    /** The same input read as late labels: every row read is taken, there is no window to be in. */
    public Provenance asLabels() {
        return new Provenance(kind, source, location, digest, rows, rows, query, time, Optional.of(LABELS));
    }
}
