package dev.rollout.state.file;

import dev.rollout.RolloutException;

import java.nio.file.Path;

/**
 * The files of one rollout's state, all in one directory: the state itself, the audit trail
 * beside it, the lock file (never deleted, so every process locks the same inode) and the
 * previous good state.
 *
 * @param state   {@code x/fraud.state.json}
 * @param history {@code x/fraud.history.jsonl}, one event a line
 * @param lock    {@code x/fraud.state.json.lock}
 * @param backup  {@code x/fraud.state.json.backup}, the state before the last write
 */
public record StatePaths(Path state, Path history, Path lock, Path backup) {

    private static final String STATE_SUFFIX = ".state.json";
    private static final String JSON_SUFFIX = ".json";

    /**
     * The paths for a state file, made absolute. {@code x/fraud.state.json} gives
     * {@code x/fraud.history.jsonl}; a name not ending in {@code .state.json} loses a
     * {@code .json} suffix if it has one ({@code x/a.json} gives {@code x/a.history.jsonl},
     * {@code x/a} gives {@code x/a.history.jsonl}). The lock and the backup append
     * {@code .lock} and {@code .backup} to the full name. The root directory, which has no
     * name, is an input error.
     */
    public static StatePaths of(Path state) {
        Path abs = state.toAbsolutePath().normalize();
        Path dir = abs.getParent();
        if (dir == null || abs.getFileName() == null) {
            throw RolloutException.input(RolloutException.Location.file(state.toString()),
                    "not a state file path: it names no file (the root directory)");
        }
        String name = abs.getFileName().toString();
        String stem = name.endsWith(STATE_SUFFIX) ? name.substring(0, name.length() - STATE_SUFFIX.length())
                : name.endsWith(JSON_SUFFIX) ? name.substring(0, name.length() - JSON_SUFFIX.length())
                : name;
        return new StatePaths(abs, dir.resolve(stem + ".history.jsonl"), dir.resolve(name + ".lock"),
                dir.resolve(name + ".backup"));
    }

    /** The directory all four files live in. */
    public Path directory() {
        return state.getParent();
    }
}
