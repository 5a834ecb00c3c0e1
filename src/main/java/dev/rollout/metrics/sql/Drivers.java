package dev.rollout.metrics.sql;

import dev.rollout.RolloutException;
import dev.rollout.metrics.SourceContext;

import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Finds the JDBC driver a URL needs. PostgreSQL's is in {@code rollout.jar}; bigger engines
 * (DuckDB's jar is 80 MB) and any other driver stay out of it: {@code mvn package} copies them
 * into {@code lib/} beside the jar, and {@code ROLLOUT_DRIVERS} names more jars
 * ({@code dir/*.jar}, a path list). Those are opened in a class loader of their own, and only
 * when no driver already loaded accepts the URL, so a spec that needs none never pays for them.
 */
public final class Drivers {

    /** The variable that names extra driver jars. */
    static final String DRIVERS = "ROLLOUT_DRIVERS";

    private Drivers() {
    }

    /** A connection to {@code url} for {@code who} (named in errors), with {@code properties} (user, password…). */
    static Connection connect(String who, String url, Properties properties, SourceContext context) {
        Driver driver = driver(who, url, context);
        try {
            Connection c = driver.connect(url, properties);
            if (c == null) {
                throw RolloutException.input(who + ": the driver " + driver.getClass().getName() + " refused " + SqlUrl.shown(url));
            }
            return c;
        } catch (SQLException e) {
            throw RolloutException.input(who + ": cannot connect to " + SqlUrl.shown(url) + ": " + SqlUrl.redacted(e.getMessage()));
        }
    }

    private static Driver driver(String who, String url, SourceContext context) {
        try {
            return DriverManager.getDriver(url);
        } catch (SQLException notLoaded) {
            // No driver of rollout's own class path takes it: look in lib/ and ROLLOUT_DRIVERS.
        }
        Places places = places(context.specDirectory(), context.var(DRIVERS));
        List<Path> jars = places.jars();
        List<String> looked = places.looked();
        if (!jars.isEmpty()) {
            URL[] urls = jars.stream().map(Drivers::url).toArray(URL[]::new);
            // Never closed: the driver's classes (and a native library DuckDB loads) live as long as the run.
            ClassLoader loader = new DriverLoader(urls, Drivers.class.getClassLoader(),
                    DriverLoader.cacheOf(context.var("XDG_CACHE_HOME"), context.var("HOME")));
            try {
                for (Driver d : ServiceLoader.load(Driver.class, loader)) {
                    if (d.acceptsURL(url)) {
                        return d;
                    }
                }
            } catch (ServiceConfigurationError | SQLException e) {
                throw RolloutException.input(who + ": a driver jar in " + String.join(", ", looked) + " cannot be loaded: " + e.getMessage());
            }
        }
        throw RolloutException.input(who + ": no JDBC driver accepts " + SqlUrl.shown(url) + " (looked in "
                + (looked.isEmpty() ? "rollout's own jar" : "rollout's own jar, " + String.join(", ", looked))
                + "); put the driver's jar in " + DRIVERS + ", e.g. " + DRIVERS + "=/opt/jdbc/*.jar");
    }

    /**
     * Where optional drivers are: the jars of {@code lib/} beside the jar, then those {@code drivers}
     * (ROLLOUT_DRIVERS: jars, folders or {@code dir/*.jar}, separated like a class path) names,
     * relative to {@code base}. {@code looked} says where, for a message.
     */
    public record Places(List<Path> jars, List<String> looked) {
        public Places {
            jars = List.copyOf(jars);
            looked = List.copyOf(looked);
        }
    }

    /** The optional driver jars, as {@code --version} lists them and a SQL source loads them. */
    public static Places places(Path base, Optional<String> drivers) {
        List<Path> jars = new ArrayList<>();
        List<String> looked = new ArrayList<>();
        libDirectory().ifPresent(lib -> {
            looked.add(lib + File.separator + "*.jar");
            jars.addAll(glob(lib.resolve("*.jar")));
        });
        for (String entry : drivers.map(v -> v.split(File.pathSeparator)).orElse(new String[0])) {
            if (entry.isBlank()) {
                continue;
            }
            looked.add(entry);
            jars.addAll(glob(base.resolve(entry.trim())));
        }
        return new Places(jars, looked);
    }

    /** {@code lib/} beside the jar rollout runs from; empty when it runs from classes (the tests). */
    private static Optional<Path> libDirectory() {
        try {
            Path code = Path.of(Drivers.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(code) ? Optional.of(code.toAbsolutePath().getParent().resolve("lib")) : Optional.empty();
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            return Optional.empty();
        }
    }

    /** A jar, or the jars a last segment such as {@code *.jar} matches; nothing when there is none. */
    static List<Path> glob(Path pattern) {
        Path dir = pattern.getParent();
        String last = pattern.getFileName() == null ? "" : pattern.getFileName().toString();
        if (!last.contains("*") && !last.contains("?")) {
            return Files.isRegularFile(pattern) ? List.of(pattern) : Files.isDirectory(pattern) ? glob(pattern.resolve("*.jar")) : List.of();
        }
        if (dir == null || !Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, last)) {
            s.forEach(found::add);
        } catch (IOException e) {
            return List.of();
        }
        found.sort(null);
        return found;
    }

    private static URL url(Path jar) {
        try {
            return jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }
}
