package dev.rollout.cli;

import dev.rollout.metrics.sql.Drivers;

import java.nio.file.Path;
import java.util.List;

/**
 * The optional JDBC engines (DuckDB and the like) installed beside rollout, as {@code --version}
 * lists them: the jars the SQL source would load ({@link Drivers#places}), from the {@code lib/}
 * folder beside {@code rollout.jar} ({@code target/lib/} after {@code mvn package}, {@code lib/lib/}
 * in the release archive, whose jar is {@code lib/rollout.jar}) and {@code ROLLOUT_DRIVERS},
 * relative to the working directory. Only listed here; a source loads them when a spec needs one.
 */
final class Engines {

    static final String DRIVERS = "ROLLOUT_DRIVERS";

    private Engines() {
    }

    /** {@code --version}'s line: each engine jar's name without {@code .jar}, and where they were looked for. */
    static String line(Env env) {
        Drivers.Places places = Drivers.places(Path.of("").toAbsolutePath(), env.var(DRIVERS));
        List<String> names = places.jars().stream().map(j -> j.getFileName().toString())
                .map(n -> n.endsWith(".jar") ? n.substring(0, n.length() - ".jar".length()) : n).distinct().toList();
        return "engines: " + (names.isEmpty() ? "none" : String.join(", ", names)) + " (from "
                + (places.looked().isEmpty() ? "no lib/ folder: not run from a jar" : String.join(" and ", places.looked())) + ")";
    }
}
