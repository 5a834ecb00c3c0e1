package dev.rollout.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hostile corpus under src/test/resources (specs/bad, hostile/exports, hostile/state):
 * every file gets exit 1 with a one-line message that names it, and the rollout's state and
 * history stay byte-identical.
 */
class HostileInputTest {

    @TempDir
    Path tmp;

    Path dir;
    Path spec;
    Path state;
    Path history;
    final CliRunner cli = new CliRunner();

    @BeforeEach
    void startARollout() throws Exception {
        dir = CliRunner.copyExample("fraud-detector", tmp);
        spec = dir.resolve("rollout.yaml");
        state = dir.resolve(".rollout/fraud-detector.state.json");
        history = dir.resolve(".rollout/fraud-detector.history.jsonl");
        assertEquals(0, cli.at("2026-03-02T08:00:00Z").run("advance", spec.toString()).exit());
        assertEquals(0, cli.at("2026-03-02T08:30:00Z").run("approve", spec.toString(), "--by", "x").exit());
    }

    static List<Path> corpus(String dir) throws Exception {
        try (Stream<Path> s = Files.list(Path.of(dir))) {
            return s.sorted().toList();
        }
    }

    void assertOneLineErrorNaming(CliRunner.Result r, String name) {
        assertEquals(1, r.exit(), name + ": " + r);
        assertTrue(r.err().startsWith("rollout: ") && r.err().contains(name), name + ": " + r.err());
        assertEquals(1, r.err().lines().filter(l -> !l.startsWith("warning:") && !l.startsWith("set-traffic")).count(),
                "one line: " + r.err());
    }

    @Test
    void hostileExportsAreRefusedNamingFileAndLine() throws Exception {
        byte[] before = Files.readAllBytes(state);
        byte[] events = Files.readAllBytes(history);
        for (Path csv : corpus("src/test/resources/hostile/exports")) {
            CliRunner.Result r = cli.at("2026-03-02T09:00:00Z").run("advance", spec.toString(), "--metrics", csv.toString());
            assertOneLineErrorNaming(r, csv.toString());
            assertTrue(r.err().contains("(line ") || csv.toString().endsWith("empty.csv"), csv + ": " + r.err());
            assertArrayEquals(before, Files.readAllBytes(state), csv.toString());
            assertArrayEquals(events, Files.readAllBytes(history), csv.toString());
        }
    }

    @Test
    void aHugeFieldIsRefusedWithoutExhaustingMemory() throws Exception {
        Path csv = tmp.resolve("huge-field.csv");
        try (var w = Files.newBufferedWriter(csv)) {
            w.write("ts,model_version,is_fraud,flagged,fraud_score,latency_ms,is_error\n2026-03-02T08:00:01Z,42,0,0,0.5,\"");
            char[] chunk = new char[1 << 16];
            java.util.Arrays.fill(chunk, '9');
            for (int i = 0; i < 48; i++) {
                w.write(chunk);
            }
            w.write("\",0\n");
        }
        byte[] before = Files.readAllBytes(state);
        CliRunner.Result r = cli.at("2026-03-02T09:00:00Z").run("evaluate", spec.toString(), "--metrics", csv.toString());
        assertOneLineErrorNaming(r, csv.toString());
        assertTrue(r.err().contains("(line 2") && r.err().contains("longer than"), r.err());
        assertArrayEquals(before, Files.readAllBytes(state));
    }

    @Test
    void hostileSpecsAreRefusedAndTheStateIsUntouched() throws Exception {
        byte[] before = Files.readAllBytes(state);
        for (Path bad : corpus("src/test/resources/specs/bad")) {
            Files.copy(bad, spec, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            for (String command : List.of("advance", "plan", "status")) {
                CliRunner.Result r = cli.run(command, spec.toString(), "--state", state.toString());
                assertOneLineErrorNaming(r, spec.toString());
                assertTrue(r.err().contains("(line "), bad + ": " + r.err());
            }
            assertArrayEquals(before, Files.readAllBytes(state), bad.toString());
        }
    }

    @Test
    void hostileStateFilesAreRefusedNeverOverwrittenAndPointAtTheBackup() throws Exception {
        cli.at("2026-03-02T08:40:00Z").run("approve", spec.toString(), "--by", "y");
        assertTrue(Files.exists(dir.resolve(".rollout/fraud-detector.state.json.backup")));
        for (Path bad : corpus("src/test/resources/hostile/state")) {
            Files.copy(bad, state, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            byte[] before = Files.readAllBytes(state);
            for (List<String> command : List.of(List.of("advance", spec.toString()), List.of("status", spec.toString()),
                    List.of("rollback", spec.toString(), "--reason", "x"), List.of("approve", spec.toString(), "--by", "z"))) {
                CliRunner.Result r = cli.run(command.toArray(String[]::new));
                assertOneLineErrorNaming(r, state.toString());
                assertArrayEquals(before, Files.readAllBytes(state), bad + " " + command);
            }
            CliRunner.Result r = cli.run("status", spec.toString());
            assertTrue(r.err().contains("backup") || r.err().contains("format version"), bad + ": " + r.err());
        }
    }
}
