package dev.rollout.state.file;

import dev.rollout.RolloutException;
import dev.rollout.state.StateBackend;
import dev.rollout.state.StateRepository;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * State files as a repository of rollouts: the {@code *.state.json} files of a directory and
 * its {@code .rollout}, or one named file. A rollout is known by its file's name without
 * {@code .state.json}, and shown by the path as it was given.
 */
public final class FileRepository implements StateRepository {

    private static final String STATE_SUFFIX = ".state.json";

    private final Optional<Path> dir;
    private final Optional<Path> file;
    private final StateBackend.Options options;

    private FileRepository(Optional<Path> dir, Optional<Path> file, StateBackend.Options options) {
        this.dir = dir;
        this.file = file;
        this.options = options.anyRollout();
    }

    /** Every {@code *.state.json} in {@code dir} and {@code dir/.rollout}. */
    public static FileRepository directory(Path dir, StateBackend.Options options) {
        return new FileRepository(Optional.of(dir), Optional.empty(), options);
    }

    /** The one state file {@code state}. */
    public static FileRepository file(Path state, StateBackend.Options options) {
        return new FileRepository(Optional.empty(), Optional.of(state), options);
    }

    @Override
    public List<Held> rollouts(Consumer<String> skipped) {
        List<Path> files = file.isPresent() ? List.of(file.get()) : stateFiles(dir.orElseThrow(), skipped);
        List<Held> held = new ArrayList<>();
        for (Path p : files) {
            // The paths first: they refuse a path that names no file (the root directory).
            FileBackend backend = new FileBackend(StatePaths.of(p), p.toString(), options);
            held.add(new Held(p.getFileName().toString().replaceFirst("\\.state\\.json$", ""), backend));
        }
        return held;
    }

    /**
     * The {@code *.state.json} regular files in DIR and DIR/.rollout. Anything else of that name
     * (a FIFO, whose open would block; a directory; a link, which the store never follows) is
     * skipped with a warning: one stray entry must not hide every other rollout from a dashboard.
     */
    private static List<Path> stateFiles(Path dir, Consumer<String> skipped) {
        if (!Files.isDirectory(dir)) {
            throw RolloutException.input(RolloutException.Location.file(dir.toString()), "not a directory");
        }
        List<Path> found = new ArrayList<>();
        for (Path d : List.of(dir, dir.resolve(".rollout"))) {
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (Stream<Path> files = Files.list(d)) {
                for (Path p : files.filter(p -> p.getFileName().toString().endsWith(STATE_SUFFIX)).sorted().toList()) {
                    Optional<String> kind = OwnedFile.irregular(p);
                    if (kind.isPresent()) {
                        skipped.accept("skipped " + p + ": " + kind.get() + ", not a state file");
                    } else {
                        found.add(p);
                    }
                }
            } catch (IOException e) {
                throw RolloutException.input(RolloutException.Location.file(d.toString()), "cannot list: " + e.getMessage());
            }
        }
        return found;
    }
}
