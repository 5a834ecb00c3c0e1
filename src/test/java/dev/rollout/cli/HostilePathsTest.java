package dev.rollout.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Paths that could be turned against the state: symlinks, FIFOs, devices and directories where
 * the store expects its own regular files, a report written over the rollout's files, a state
 * file of another rollout. Each is refused with one line and nothing is written.
 */
class HostilePathsTest {

    private static final byte[] PRECIOUS = "precious, no newline at the end".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path tmp;

    Path dir;
    Path spec;
    Path state;
    Path history;
    Path lock;
    Path backup;
    Path victim;
    final CliRunner cli = new CliRunner().at("2026-03-02T09:00:00Z");

    @BeforeEach
    void startARollout() throws Exception {
        dir = CliRunner.copyExample("fraud-detector", tmp);
        spec = dir.resolve("rollout.yaml");
        state = dir.resolve(".rollout/fraud-detector.state.json");
        history = dir.resolve(".rollout/fraud-detector.history.jsonl");
        lock = dir.resolve(".rollout/fraud-detector.state.json.lock");
        backup = dir.resolve(".rollout/fraud-detector.state.json.backup");
        assertEquals(0, new CliRunner().at("2026-03-02T08:00:00Z").run("advance", spec.toString()).exit());
        assertEquals(0, new CliRunner().at("2026-03-02T08:30:00Z").run("approve", spec.toString(), "--by", "x").exit());
        victim = tmp.resolve("victim.txt");
        Files.write(victim, PRECIOUS);
    }

    /** The bytes of every file of the rollout, to show a refused command wrote nothing. */
    private Map<Path, byte[]> files() throws Exception {
        Map<Path, byte[]> bytes = new java.util.HashMap<>();
        for (Path p : List.of(state, history, backup, spec, victim)) {
            if (Files.isRegularFile(p)) {
                bytes.put(p, Files.readAllBytes(p));
            }
        }
        return bytes;
    }

    private void assertUnchanged(Map<Path, byte[]> before, String what) throws Exception {
        Map<Path, byte[]> after = files();
        assertEquals(before.keySet(), after.keySet(), what);
        for (Path p : before.keySet()) {
            assertArrayEquals(before.get(p), after.get(p), what + ": " + p);
        }
    }

    private static void assertOneLineError(CliRunner.Result r, int exit, String... words) {
        assertEquals(exit, r.exit(), r.toString());
        assertTrue(r.err().startsWith("rollout: "), r.err());
        assertFalse(r.err().contains("internal error"), r.err());
        assertEquals(1, r.err().lines().count(), "one line: " + r.err());
        for (String w : words) {
            assertTrue(r.err().contains(w), "names " + w + ": " + r.err());
        }
    }

    private static void mkfifo(Path p) throws Exception {
        Process mk = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
        assertTrue(mk.waitFor(10, TimeUnit.SECONDS) && mk.exitValue() == 0, "mkfifo " + p);
    }

    private List<String[]> writingCommands(String... extra) {
        List<String[]> commands = new ArrayList<>();
        for (List<String> c : List.of(List.of("approve", spec.toString(), "--by", "y"),
                List.of("rollback", spec.toString(), "--reason", "r"),
                List.of("advance", spec.toString(), "--force", "--reason", "r"))) {
            List<String> args = new ArrayList<>(c);
            args.addAll(List.of(extra));
            commands.add(args.toArray(String[]::new));
        }
        return commands;
    }

    // ------------------------------------------------------------------ item 4: symlinks

    /** Puts a link to the victim where {@code owned} was; every writing command is refused, naming it. */
    private void assertWritesRefusedThroughALinkAt(Path owned) throws Exception {
        Files.delete(owned);
        Files.createSymbolicLink(owned, victim);
        Map<Path, byte[]> before = files();
        for (String[] command : writingCommands()) {
            assertOneLineError(cli.run(command), 1, owned.toString(), "symbolic link");
            assertUnchanged(before, command[0]);
        }
        assertTrue(Files.isSymbolicLink(owned), "the link is left in place");
    }

    @Test
    void aSymlinkedLockIsRefusedAndItsTargetKeepsItsBytes() throws Exception {
        assertWritesRefusedThroughALinkAt(lock);
    }

    @Test
    void aSymlinkedHistoryIsRefusedForReadingAndWriting() throws Exception {
        assertWritesRefusedThroughALinkAt(history);
        assertOneLineError(cli.run("history", spec.toString()), 1, history.toString(), "symbolic link");
    }

    @Test
    void aSymlinkedBackupIsRefusedAndLeftInPlace() throws Exception {
        assertWritesRefusedThroughALinkAt(backup);
    }

    @Test
    void aStatePathThatIsASymlinkIsRefusedNotReplaced() throws Exception {
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Path real = elsewhere.resolve("real.state.json");
        Files.copy(state, real);
        Path link = tmp.resolve("link.state.json");
        Files.createSymbolicLink(link, real);
        byte[] target = Files.readAllBytes(real);
        for (String[] command : writingCommands("--state", link.toString())) {
            assertOneLineError(cli.run(command), 1, link.toString(), "symbolic link");
        }
        for (String command : List.of("status", "plan", "history")) {
            assertOneLineError(cli.run(command, spec.toString(), "--state", link.toString()), 1, link.toString(), "symbolic link");
        }
        assertOneLineError(cli.run("status", "--state", link.toString()), 1, link.toString(), "symbolic link");
        assertTrue(Files.isSymbolicLink(link), "the link is not replaced");
        assertArrayEquals(target, Files.readAllBytes(real));
        try (var listed = Files.list(tmp)) {
            assertEquals(List.of("elsewhere", "fraud-detector", "link.state.json", "victim.txt"),
                    listed.map(p -> p.getFileName().toString()).sorted().toList(), "no history, lock or backup beside the link");
        }
    }

    @Test
    void aSymlinkedStateDirectoryIsFollowed() throws Exception {
        // Keeping .rollout on another disk is common and harmless: only the files themselves must not be links.
        Path moved = tmp.resolve("state-disk/fraud");
        Files.createDirectories(moved.getParent());
        Files.move(dir.resolve(".rollout"), moved);
        Files.createSymbolicLink(dir.resolve(".rollout"), moved);
        long lines = Files.readAllLines(moved.resolve("fraud-detector.history.jsonl")).size();
        CliRunner.Result r = cli.run("approve", spec.toString(), "--by", "y");
        assertEquals(0, r.exit(), r.toString());
        assertEquals(lines + 1, Files.readAllLines(moved.resolve("fraud-detector.history.jsonl")).size());
        assertTrue(Files.isSymbolicLink(dir.resolve(".rollout")));
        assertEquals(0, cli.run("history", spec.toString()).exit());
    }

    // ------------------------------------------------------------------ item 5: report --out

    @Test
    void reportOutRefusesTheRolloutsOwnFilesAlsoThroughDotDotAndSymlinks() throws Exception {
        Files.createSymbolicLink(tmp.resolve("alias"), dir.resolve(".rollout"));
        Map<Path, byte[]> before = files();
        List<String> outs = List.of(state.toString(), lock.toString(), history.toString(), backup.toString(), spec.toString(),
                dir.resolve(".rollout/../.rollout/fraud-detector.state.json").toString(),
                dir.resolve("exports/../rollout.yaml").toString(),
                tmp.resolve("alias/fraud-detector.history.jsonl").toString(),
                tmp.resolve("alias/../rollout.yaml").toString()); // alias/.. is the spec's directory, not tmp
        for (String out : outs) {
            CliRunner.Result r = cli.run("report", spec.toString(), "--out", out);
            assertOneLineError(r, 1, out, "--out");
            assertUnchanged(before, out);
        }
        // An alias of the backup path is refused too, before the first backup exists.
        Files.delete(backup);
        before = files();
        assertOneLineError(cli.run("report", spec.toString(), "--out", tmp.resolve("alias/fraud-detector.state.json.backup").toString()),
                1, "backup");
        assertUnchanged(before, "backup");
        assertFalse(Files.exists(backup));
        // And the record of a running apply hook, which exists only while one runs.
        assertOneLineError(cli.run("report", spec.toString(), "--out", dir.resolve(".rollout/fraud-detector.state.json.hook").toString()),
                1, "hook record");
        assertFalse(Files.exists(dir.resolve(".rollout/fraud-detector.state.json.hook")));
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void reportOutRefusesWhatIsNotARegularFile() throws Exception {
        Path fifo = tmp.resolve("fifo.html");
        mkfifo(fifo);
        Path directory = Files.createDirectories(tmp.resolve("dir.html"));
        Path link = tmp.resolve("link.html");
        Files.createSymbolicLink(link, victim);
        Map<Path, byte[]> before = files();
        for (Path out : List.of(fifo, directory, link)) {
            CliRunner.Result r = cli.run("report", spec.toString(), "--out", out.toString());
            assertOneLineError(r, 1, out.toString(), "not a regular file");
            assertUnchanged(before, out.toString());
        }
        assertTrue(Files.isSymbolicLink(link));
        assertFalse(Files.isRegularFile(fifo, LinkOption.NOFOLLOW_LINKS) || Files.isDirectory(fifo));
        try (var left = Files.list(tmp)) {
            assertFalse(left.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temp file left");
        }
    }

    @Test
    void aReportIsWrittenWithTheModeOfANewFileAndReplacesAnOlderReport() throws Exception {
        Path out = tmp.resolve("report.html");
        Files.writeString(out, "old report");
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rw-------"));
        CliRunner.Result r = cli.run("report", spec.toString(), "--out", out.toString());
        assertEquals(0, r.exit(), r.toString());
        assertTrue(Files.readString(out).startsWith("<!DOCTYPE html>"));
        Path probe = Files.createFile(tmp.resolve("probe"));
        assertEquals(PosixFilePermissions.toString(Files.getPosixFilePermissions(probe)),
                PosixFilePermissions.toString(Files.getPosixFilePermissions(out)), "the umask's mode, 0644 under umask 022");
    }

    // ------------------------------------------------------------------ item 6: identity

    @Test
    void aStateOfAnotherRolloutIsAConflictForEveryCommandTakingASpec() throws Exception {
        Path svm = CliRunner.copyExample("svm-classifier", tmp).resolve("rollout.yaml");
        String other = state.toString();
        Path out = tmp.resolve("svm-report.html");
        Map<Path, byte[]> before = files();
        List<List<String>> commands = List.of(
                List.of("evaluate", svm.toString(), "--metrics", svm.resolveSibling("predictions.csv").toString()),
                List.of("advance", svm.toString()),
                List.of("rollback", svm.toString(), "--reason", "r"),
                List.of("approve", svm.toString(), "--by", "y"),
                List.of("status", svm.toString()),
                List.of("history", svm.toString()),
                List.of("report", svm.toString(), "--out", out.toString()),
                List.of("plan", svm.toString()));
        for (List<String> c : commands) {
            List<String> args = new ArrayList<>(c);
            args.addAll(List.of("--state", other));
            CliRunner.Result r = cli.run(args.toArray(String[]::new));
            assertOneLineError(r, 5, other, "'fraud-detector'", "'svm-classifier'");
            assertUnchanged(before, c.get(0));
        }
        assertFalse(Files.exists(out));
        CliRunner.Result viaEnv = cli.env("ROLLOUT_STATE", other).run("rollback", svm.toString(), "--reason", "r");
        assertOneLineError(viaEnv, 5, "'fraud-detector'");
        assertUnchanged(before, "ROLLOUT_STATE");
    }

    // ------------------------------------------------------------------ item 7: non-regular files, size limits

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void statusDirSkipsAFifoAndADirectoryWithAWarningAndNeverHangs() throws Exception {
        mkfifo(dir.resolve(".rollout/ghost.state.json"));
        Files.createDirectories(dir.resolve("folder.state.json"));
        Files.createSymbolicLink(dir.resolve("alias.state.json"), state);
        CliRunner.Result r = cli.run("status", "--dir", dir.toString(), "-o", "json");
        assertEquals(0, r.exit(), r.toString());
        assertEquals(1, r.json().path("rollouts").size(), r.out());
        assertEquals("fraud-detector", r.json().path("rollouts").get(0).path("rollout").asText(), r.out());
        for (String skipped : List.of("ghost.state.json", "folder.state.json", "alias.state.json")) {
            assertTrue(r.err().lines().anyMatch(l -> l.startsWith("warning:") && l.contains(skipped) && l.contains("skipped")),
                    skipped + ": " + r.err());
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aFifoADeviceOrADirectoryAsStateIsRefusedAndNeverHangs() throws Exception {
        Path fifo = tmp.resolve("fifo.state.json");
        mkfifo(fifo);
        Map<Path, byte[]> before = files();
        for (String bad : List.of(fifo.toString(), "/dev/zero", tmp.toString(), "/")) {
            assertOneLineError(cli.run("status", "--state", bad), 1, bad);
            assertOneLineError(cli.run("status", spec.toString(), "--state", bad), 1, bad);
            assertOneLineError(cli.run("approve", spec.toString(), "--by", "y", "--state", bad), 1, bad);
            assertUnchanged(before, bad);
        }
        assertTrue(cli.run("status", "--state", fifo.toString()).err().contains("not a regular file"));
        assertTrue(cli.run("status", "--state", "/dev/zero").err().contains("not a regular file"));
        assertTrue(cli.run("status", "--state", tmp.toString()).err().contains("directory"));
        try (var listed = Files.list(tmp)) {
            assertFalse(listed.anyMatch(p -> p.getFileName().toString().startsWith("fifo.") && !p.equals(fifo)),
                    "no lock or history beside the FIFO");
        }
    }

    @Test
    void aStateOrHistoryOverItsSizeLimitIsRefusedWithoutReadingIt() throws Exception {
        Path huge = tmp.resolve("huge.state.json");
        try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
            f.setLength(17L << 20); // sparse: no disk needed
        }
        assertOneLineError(cli.run("status", "--state", huge.toString()), 1, huge.toString(), "16 MiB");
        assertOneLineError(cli.run("approve", spec.toString(), "--by", "y", "--state", huge.toString()), 1, "16 MiB");
        assertEquals(17L << 20, Files.size(huge));

        try (RandomAccessFile f = new RandomAccessFile(history.toFile(), "rw")) {
            f.setLength(257L << 20);
        }
        byte[] stateBefore = Files.readAllBytes(state);
        assertOneLineError(cli.run("history", spec.toString()), 1, history.toString(), "256 MiB");
        assertOneLineError(cli.run("approve", spec.toString(), "--by", "y"), 1, history.toString(), "256 MiB");
        assertEquals(257L << 20, Files.size(history));
        assertArrayEquals(stateBefore, Files.readAllBytes(state));
    }
}
