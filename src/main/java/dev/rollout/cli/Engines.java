package dev.rollout.cli;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The optional JDBC engines (DuckDB and the like) installed beside rollout, as {@code --version}
 * lists them: the jars in the {@code lib/} folder beside {@code rollout.jar} ({@code target/lib/}
 * after {@code mvn package}, {@code lib/lib/} in the release archive, whose jar is
 * {@code lib/rollout.jar}), and those {@code ROLLOUT_DRIVERS} names (jars or folders of jars,
 * separated like a class path). Only listed here; the SQL source loads them when a spec needs one.
 */
final class Engines {

    static final String DRIVERS = "ROLLOUT_DRIVERS";

    private Engines() {
    }

    /** The {@code lib/} folder beside the jar this class was loaded from; empty when it was not loaded from a jar. */
    static Optional<Path> folder() {
        try {
            Path jar = Path.of(Engines.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(jar) ? Optional.of(jar.toAbsolutePath().getParent().resolve("lib")) : Optional.empty();
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            return Optional.empty();
        }
    }

    /** Each engine jar's name without {@code .jar} ({@code duckdb_jdbc-1.1.3}), the folder's first, then ROLLOUT_DRIVERS'. */
    static List<String> present(Env env) {
        List<Path> places = new ArrayList<>();
        folder().ifPresent(places::add);
        env.var(DRIVERS).ifPresent(v -> {
            for (String entry : v.split(File.pathSeparator)) {
                if (!entry.isBlank()) {
                    places.add(Path.of(entry));
                }
            }
        });
        List<String> names = new ArrayList<>();
        for (Path place : places) {
            for (Path jar : jars(place)) {
                String name = jar.getFileName().toString();
                names.add(name.substring(0, name.length() - ".jar".length()));
            }
        }
        return names.stream().distinct().toList();
    }

    private static List<Path> jars(Path place) {
        if (Files.isRegularFile(place)) {
            return place.getFileName().toString().endsWith(".jar") ? List.of(place) : List.of();
        }
        if (!Files.isDirectory(place)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(place)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".jar") && Files.isRegularFile(p)).sorted().toList();
        } catch (IOException e) {
            return List.of(); // an unreadable folder holds no engine rollout could load either
        }
    }
}
