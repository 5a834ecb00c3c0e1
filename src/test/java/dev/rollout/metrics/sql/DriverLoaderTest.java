package dev.rollout.metrics.sql;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Where the driver loader keeps unpacked native libraries, and which entry DuckDB's loader asks for. */
class DriverLoaderTest {

    @Test
    void theCacheIsXdgCacheHomeElseHomesDotCacheAndNeverARelativePath() {
        assertEquals(Optional.of(Path.of("/x/rollout")), DriverLoader.cacheOf(Optional.of("/x"), Optional.of("/home/u")));
        assertEquals(Optional.of(Path.of("/home/u/.cache/rollout")), DriverLoader.cacheOf(Optional.of(" "), Optional.of("/home/u")));
        assertEquals(Optional.of(Path.of("/home/u/.cache/rollout")), DriverLoader.cacheOf(Optional.empty(), Optional.of("/home/u")));
        assertEquals(Optional.empty(), DriverLoader.cacheOf(Optional.of("relative"), Optional.empty()));
        assertEquals(Optional.empty(), DriverLoader.cacheOf(Optional.empty(), Optional.empty()));
    }

    @Test
    void theEntryIsDuckDbsNameForThePlatform() {
        assertEquals("libduckdb_java.so_linux_amd64", DriverLoader.duckDbEntry("Linux", "amd64"));
        assertEquals("libduckdb_java.so_linux_amd64", DriverLoader.duckDbEntry("Linux", "x86_64"));
        assertEquals("libduckdb_java.so_linux_arm64", DriverLoader.duckDbEntry("Linux", "aarch64"));
        assertEquals("libduckdb_java.so_windows_amd64", DriverLoader.duckDbEntry("Windows 11", "amd64"));
    }
}
