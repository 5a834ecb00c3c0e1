package dev.rollout.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged path, in real processes after {@code mvn package}: DuckDB's driver is not in
 * {@code rollout.jar}; the jar finds it in {@code lib/} beside itself, or where
 * {@code ROLLOUT_DRIVERS} says, and says what to do when neither has it.
 */
class DuckDbPackagedTest {

    @TempDir
    Path tmp;

    private static final Path JAR = Path.of("target", "rollout.jar").toAbsolutePath();
    private static final Path LIB = Path.of("target", "lib").toAbsolutePath();

    record Run(int exit, String out) {
    }

    private static Run rollout(Path jar, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("ROLLOUT_"));
        pb.environment().putAll(env);
        pb.environment().put("NO_COLOR", "1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
        return new Run(p.exitValue(), out);
    }

    @Test
    void theJarLoadsDuckDbFromLibBesideItOrFromRolloutDrivers() throws Exception {
        assertTrue(Files.isRegularFile(LIB.resolve("duckdb_jdbc-2.0.0.1.jar")), "mvn package copies the driver into target/lib");
        try (var jar = new java.util.jar.JarFile(JAR.toFile())) {
            assertTrue(jar.getEntry("org/duckdb/DuckDBDriver.class") == null, "DuckDB is not in rollout.jar");
        }
        Path dir = CliRunner.copyExample("fraud-detector-sql", tmp);
        String spec = dir.resolve("rollout.yaml").toString();
        assertEquals(0, rollout(JAR, Map.of("ROLLOUT_NOW", "2026-03-02T08:00:00Z"), "advance", spec).exit());
        Map<String, String> at = Map.of("ROLLOUT_NOW", "2026-03-02T09:00:00Z");

        Run beside = rollout(JAR, at, "evaluate", spec, "--dry-run");
        assertEquals(0, beside.exit(), beside.out());
        assertTrue(beside.out().contains("read lake: sql 'jdbc:duckdb:' (1400 rows, 1400 in window)"), beside.out());

        Path bare = Files.createDirectories(tmp.resolve("bare"));
        Files.copy(JAR, bare.resolve("rollout.jar"));
        Run none = rollout(bare.resolve("rollout.jar"), at, "evaluate", spec, "--dry-run");
        assertEquals(1, none.exit(), none.out());
        assertTrue(none.out().contains("source lake: no JDBC driver accepts jdbc:duckdb:") && none.out().contains("ROLLOUT_DRIVERS"),
                none.out());

        Run named = rollout(bare.resolve("rollout.jar"), Map.of("ROLLOUT_NOW", "2026-03-02T09:00:00Z", "ROLLOUT_DRIVERS",
                LIB + "/*.jar"), "evaluate", spec, "--dry-run");
        assertEquals(0, named.exit(), named.out());
        assertEquals(beside.out(), named.out());

        Run parquet = rollout(JAR, at, "evaluate", CliRunner.copyExample("fraud-detector", tmp).resolve("rollout.yaml").toString(),
                "--metrics", dir.resolve("logs.parquet").toString(), "--since", "2026-03-02T08:00:00Z", "--dry-run");
        assertEquals(0, parquet.exit(), parquet.out());
        assertTrue(parquet.out().contains("logs.parquet (8460 rows, 8460 in window)"), parquet.out());
    }
    /**
     * DuckDB's jar unpacks its 71 MB native library into a new temporary file at every start;
     * the driver loader unpacks it once into the user's cache and hands that copy out after.
     * Where the cache cannot be written the driver unpacks its own, as before, with the same result.
     */
    @Test
    void duckDbsNativeLibraryIsUnpackedOnceIntoTheUsersCache() throws Exception {
        Path dir = CliRunner.copyExample("fraud-detector-sql", tmp);
        String spec = dir.resolve("rollout.yaml").toString();
        Path cache = tmp.resolve("xdg");
        Map<String, String> env = Map.of("ROLLOUT_NOW", "2026-03-02T09:00:00Z", "XDG_CACHE_HOME", cache.toString());
        Run first = rollout(JAR, env, "evaluate", spec, "--dry-run", "--since", "2026-03-02T08:00:00Z");
        assertEquals(0, first.exit(), first.out());
        String entry = dev.rollout.metrics.sql.DriverLoaderAccess.duckDbEntry();
        long size;
        try (var jar = new java.util.jar.JarFile(LIB.resolve("duckdb_jdbc-2.0.0.1.jar").toFile())) {
            size = jar.getEntry(entry).getSize();
        }
        List<Path> copies;
        try (var files = Files.list(cache.resolve("rollout"))) {
            copies = files.toList();
        }
        assertEquals(1, copies.size(), copies.toString());
        Path copy = copies.get(0);
        assertTrue(copy.getFileName().toString().startsWith(entry + "-") && copy.toString().endsWith("-" + size + ".so"), copy.toString());
        assertEquals(size, Files.size(copy));
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(cache.resolve("rollout"))));
        var written = Files.getLastModifiedTime(copy);

        Run second = rollout(JAR, env, "evaluate", spec, "--dry-run", "--since", "2026-03-02T08:00:00Z");
        assertEquals(first.out(), second.out());
        assertEquals(written, Files.getLastModifiedTime(copy), "the second run loads the copy, it does not unpack again");

        Path notADirectory = Files.writeString(tmp.resolve("file"), "x");
        Run unwritable = rollout(JAR, Map.of("ROLLOUT_NOW", "2026-03-02T09:00:00Z", "XDG_CACHE_HOME", notADirectory.toString()),
                "evaluate", spec, "--dry-run", "--since", "2026-03-02T08:00:00Z");
        assertEquals(first.out(), unwritable.out());
    }
}
