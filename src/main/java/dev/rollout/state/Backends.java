package dev.rollout.state;

import dev.rollout.state.file.FileBackend;
import dev.rollout.state.file.FileRepository;
import dev.rollout.state.pg.PgStore;
import dev.rollout.state.pg.PgUrl;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * The one place that chooses a backend from {@code --state}, {@code ROLLOUT_STATE} or the
 * default beside the spec. A new backend is a package beside {@code state/file/}, a constant
 * of {@link Kind} and its line in {@link #kind}: the compiler then points at each switch below.
 * The text is kept as text until the kind is known: a URL made a {@link Path} loses its {@code //}.
 */
public final class Backends {

    private enum Kind {
        /** A path: the state file, its history, lock and backup beside it. */
        FILE,
        /** A {@code postgresql://} or {@code postgres://} URL: one schema, a row per rollout. */
        POSTGRESQL
    }

    private Backends() {
    }

    /** Decided on the text alone: the driver's classes load only for a URL (a short command on a file loads none). */
    private static Kind kind(String where) {
        String lower = where.toLowerCase(Locale.ROOT);
        return lower.startsWith("postgresql://") || lower.startsWith("postgres://") ? Kind.POSTGRESQL : Kind.FILE;
    }

    /** Whether {@code where} holds many rollouts (a database schema), which {@code status} without a spec lists; a file holds one. */
    public static boolean holdsMany(String where) {
        return switch (kind(where)) {
            case FILE -> false;
            case POSTGRESQL -> true;
        };
    }

    /** The state file {@code where}. */
    public static StateBackend open(Path where, StateBackend.Options options) {
        return FileBackend.at(where, options);
    }

    /**
     * The state of one rollout (the options' rollout) at {@code where}.
     *
     * @param env         where a database's credentials may be ({@code PGUSER}, {@code PGPASSWORD})
     * @param longestHold the longest the lock may be held while this process runs a hook (the spec's hooks timeout)
     */
    public static StateBackend open(String where, StateBackend.Options options, Map<String, String> env, Duration longestHold) {
        return switch (kind(where)) {
            case FILE -> FileBackend.at(Path.of(where), options);
            case POSTGRESQL -> new PgStore(PgUrl.parse(where, env), options, longestHold)
                    .open(options.rollout().orElseThrow(() -> new IllegalArgumentException("a database state needs the rollout's name")),
                            options);
        };
    }

    /** The rollouts {@code status --state WHERE} shows without a spec: for a file, that one file; for a database, every rollout in its schema. */
    public static StateRepository named(String where, StateBackend.Options options, Map<String, String> env) {
        return switch (kind(where)) {
            case FILE -> FileRepository.file(Path.of(where), options);
            case POSTGRESQL -> new PgStore(PgUrl.parse(where, env), options.anyRollout(), Duration.ZERO);
        };
    }

    /** The rollouts of {@code status --dir DIR}. */
    public static StateRepository directory(Path dir, StateBackend.Options options) {
        return FileRepository.directory(dir, options);
    }
}
