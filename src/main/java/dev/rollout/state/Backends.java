package dev.rollout.state;

import dev.rollout.state.file.FileBackend;
import dev.rollout.state.file.FileRepository;

import java.nio.file.Path;

/**
 * The one place that chooses a backend from {@code --state}, {@code ROLLOUT_STATE} or the
 * default beside the spec. A new backend is a package beside {@code state/file/}, a constant
 * of {@link Kind} and its line in {@link #kind}: the compiler then points at each switch below.
 */
public final class Backends {

    private enum Kind {
        /** A path: the state file, its history, lock and backup beside it. */
        FILE
        // POSTGRESQL: a postgres:// or postgresql:// URL (CommonOptions.state then has to pass the text, not a Path)
    }

    private Backends() {
    }

    private static Kind kind(Path where) {
        return Kind.FILE;
    }

    /** The state of one rollout at {@code where}. */
    public static StateBackend open(Path where, StateBackend.Options options) {
        return switch (kind(where)) {
            case FILE -> FileBackend.at(where, options);
        };
    }

    /** The rollouts {@code status --state WHERE} shows without a spec: for a file, that one file. */
    public static StateRepository named(Path where, StateBackend.Options options) {
        return switch (kind(where)) {
            case FILE -> FileRepository.file(where, options);
        };
    }

    /** The rollouts of {@code status --dir DIR}. */
    public static StateRepository directory(Path dir, StateBackend.Options options) {
        return switch (kind(dir)) {
            case FILE -> FileRepository.directory(dir, options);
        };
    }
}
