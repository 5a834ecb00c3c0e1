package dev.rollout;

import java.util.Optional;

/**
 * The one error type for everything a user can fix or must know: bad input (exit 1) or a
 * conflict with the state of the rollout (exit 5). It carries where the problem is, so the
 * message a person reads names the file, the line and the field.
 */
public final class RolloutException extends RuntimeException {

    /** What kind of failure this is; it decides the exit code in one place. */
    public enum Kind {
        /** Bad spec, CSV or state; I/O failure. Exit 1. */
        INPUT(1),
        /** Lock timeout, --if-stage mismatch, rolled back, candidate changed. Exit 5. */
        CONFLICT(5);

        private final int exitCode;

        Kind(int exitCode) {
            this.exitCode = exitCode;
        }

        public int exitCode() {
            return exitCode;
        }
    }

    private final Kind kind;
    private final transient Location location;

    public RolloutException(Kind kind, Location location, String message) {
        super(message);
        this.kind = kind;
        this.location = location;
    }

    public RolloutException(Kind kind, Location location, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.location = location;
    }

    public static RolloutException input(Location location, String message) {
        return new RolloutException(Kind.INPUT, location, message);
    }

    public static RolloutException input(String message) {
        return new RolloutException(Kind.INPUT, Location.NONE, message);
    }

    public static RolloutException conflict(String message) {
        return new RolloutException(Kind.CONFLICT, Location.NONE, message);
    }

    public Kind kind() {
        return kind;
    }

    public Location location() {
        return location;
    }

    /** The message a person reads: location first, then what is wrong. */
    public String describe() {
        String where = location.describe();
        return where.isEmpty() ? getMessage() : where + ": " + getMessage();
    }

    /**
     * Where a problem is: a file, a line and column (1-based, 0 when unknown) and a field,
     * which is a key path in a spec ({@code stages[2].traffic}) or a column in a CSV file.
     */
    public record Location(Optional<String> file, int line, int column, Optional<String> field) {
        public static final Location NONE = new Location(Optional.empty(), 0, 0, Optional.empty());

        public static Location file(String file) {
            return new Location(Optional.of(file), 0, 0, Optional.empty());
        }

        public static Location of(String file, int line, int column, String field) {
            return new Location(Optional.ofNullable(file), line, column, Optional.ofNullable(field));
        }

        public Location withFile(String f) {
            return new Location(Optional.of(f), line, column, field);
        }

        /** {@code spec.yaml: stages[2].traffic (line 14, column 12)} — the parts that are known. */
        public String describe() {
            StringBuilder sb = new StringBuilder();
            file.ifPresent(sb::append);
            field.ifPresent(f -> sb.append(sb.length() > 0 ? ": " : "").append(f));
            if (line > 0) {
                sb.append(sb.length() > 0 ? " " : "").append("(line ").append(line);
                if (column > 0) {
                    sb.append(", column ").append(column);
                }
                sb.append(')');
            }
            return sb.toString();
        }
    }
}
