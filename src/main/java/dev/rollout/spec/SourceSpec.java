package dev.rollout.spec;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A named place where metrics live, from the spec's {@code sources:} block: a SQL engine
 * reached through JDBC, a Prometheus server, or a command that prints CSV. Metrics that name
 * no source read the {@code --metrics} files. Connection details that are secrets (passwords,
 * tokens) are never here: they come from the environment, {@code ROLLOUT_SOURCE_<NAME>_…}, or
 * the driver's own files ({@code ~/.pgpass}).
 */
public sealed interface SourceSpec permits SourceSpec.Sql, SourceSpec.Prometheus, SourceSpec.Command {

    /** Which of the permitted records this is; switched on exhaustively. */
    enum Kind {
        SQL, PROMETHEUS, COMMAND;

        /** The key that introduces it in the spec. */
        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    Kind kind();

    /** The source's name in {@code sources:}, as metrics refer to it. */
    String name();

    /** How long one read may take; past it the evaluation stops with exit 1 naming the source. */
    Duration timeout();

    /** One function per kind, so a new kind fails to compile where it must be handled. */
    <R> R match(Function<Sql, R> sql, Function<Prometheus, R> prometheus, Function<Command, R> command);

    /** The default {@link #timeout()}: a query over a day of logs in a warehouse may take minutes. */
    Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

    /**
     * A relation in a SQL engine, read row-level through JDBC: {@code query} or {@code table},
     * exactly one. Its rows have the columns that {@code data:} and the metrics name.
     *
     * @param url   a JDBC URL without a password ({@code jdbc:postgresql://host/db}, {@code jdbc:duckdb:})
     * @param query a row-level SELECT, wrapped by rollout; empty when {@code table} is given
     * @param table a table name, quoted as an identifier (a dotted name is a schema-qualified table)
     */
    record Sql(String name, String url, Optional<String> query, Optional<String> table, Duration timeout)
            implements SourceSpec {
        public Kind kind() {
            return Kind.SQL;
        }

        public <R> R match(Function<Sql, R> sql, Function<Prometheus, R> prometheus, Function<Command, R> command) {
            return sql.apply(this);
        }
    }

    /**
     * A Prometheus server's HTTP API, queried once per metric at the window's end.
     *
     * @param url          the server's base URL ({@code http://prometheus:9090})
     * @param variantLabel the series label whose values are the model versions
     */
    record Prometheus(String name, String url, String variantLabel, Duration timeout) implements SourceSpec {
        public Kind kind() {
            return Kind.PROMETHEUS;
        }

        public <R> R match(Function<Sql, R> sql, Function<Prometheus, R> prometheus, Function<Command, R> command) {
            return prometheus.apply(this);
        }
    }

    /**
     * A command that prints a CSV export on its standard output, read with the {@code data:} rules.
     *
     * @param argv the program and its arguments; a shell string in the spec is {@code [sh, -c, string]}
     */
    record Command(String name, List<String> argv, Duration timeout) implements SourceSpec {
        public Command {
            argv = List.copyOf(argv);
        }

        public Kind kind() {
            return Kind.COMMAND;
        }

        public <R> R match(Function<Sql, R> sql, Function<Prometheus, R> prometheus, Function<Command, R> command) {
            return command.apply(this);
        }
    }
}
