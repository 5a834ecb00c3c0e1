package dev.rollout.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code rollout --version} says which build runs where: version, commit, build time, Java, optional engines. */
class VersionTest {

    @TempDir
    Path tmp;

    @Test
    void versionNamesTheBuildTheJavaAndTheEnginesPresent() throws Exception {
        CliRunner.Result r = new CliRunner().run("--version");
        assertEquals(0, r.exit(), r.toString());
        List<String> lines = r.out().lines().toList();
        assertEquals(4, lines.size(), r.out());
        assertTrue(lines.get(0).matches("rollout \\d+\\.\\d+\\.\\d+.*"), lines.get(0));
        // The build filled in its commit and time: no ${...} left, and a commit from git or "unknown".
        assertTrue(lines.get(1).matches("commit ([0-9a-f]{7,40}(-dirty)?|unknown), built \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"),
                lines.get(1));
        assertEquals("Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ", "
                + System.getProperty("java.home") + ")", lines.get(2));
        assertTrue(lines.get(3).startsWith("engines: none ("), lines.get(3));

        Path folder = Files.createDirectories(tmp.resolve("drivers"));
        Files.write(folder.resolve("duckdb_jdbc-1.1.3.jar"), new byte[] {'P', 'K'});
        Files.writeString(folder.resolve("README.txt"), "not an engine");
        Path single = Files.write(tmp.resolve("sqlite-jdbc-3.46.0.jar"), new byte[] {'P', 'K'});
        CliRunner.Result with = new CliRunner().env("ROLLOUT_DRIVERS", folder + File.pathSeparator + single).run("-V");
        assertEquals(0, with.exit(), with.toString());
        String engines = with.out().lines().toList().get(3);
        assertTrue(engines.startsWith("engines: duckdb_jdbc-1.1.3, sqlite-jdbc-3.46.0 (from "), engines);
        assertTrue(engines.endsWith("(from " + folder + " and " + single + ")"), "where the SQL source looks too: " + engines);
    }
}
