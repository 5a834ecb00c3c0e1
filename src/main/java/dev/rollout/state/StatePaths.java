package dev.rollout.state;

import java.nio.file.Path;

/**
 * The files of one rollout's state: the state itself, the audit trail beside it, the lock
 * file (never deleted, so every process locks the same inode) and the previous good state.
 */
public record StatePaths(Path state, Path history, Path lock, Path backup) {

    /** {@code x/fraud.state.json} → {@code x/fraud.history.jsonl}, {@code .lock}, {@code .backup}. */
    public static StatePaths of(Path state) {
        Path abs = state.toAbsolutePath().normalize();
        String name = abs.getFileName().toString();
        String stem = name.endsWith(".state.json") ? name.substring(0, name.length() - ".state.json".length())
                : name.endsWith(".json") ? name.substring(0, name.length() - ".json".length()) : name;
        Path dir = abs.getParent();
        return new StatePaths(abs, dir.resolve(stem + ".history.jsonl"), dir.resolve(name + ".lock"),
                dir.resolve(name + ".backup"));
    }
}
