package dev.rollout.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The release archive installs like a packaged CLI: unpacked onto a prefix, {@code rollout}
 * runs from any directory through a symlink to {@code bin/rollout}, {@code man -l} renders every
 * page, and the shipped pages and completion scripts are the committed ones.
 */
class ArchiveIT {

    @TempDir
    static Path tmp;

    static Path prefix;

    @BeforeAll
    static void unpack() throws Exception {
        prefix = ReleaseArchive.unpack(tmp.resolve("prefix"));
    }

    @Test
    void theArchiveHoldsBinLibAndShareAsDocumented() throws Exception {
        assertTrue(Files.isExecutable(prefix.resolve("bin/rollout")), "bin/rollout");
        assertTrue(Files.isRegularFile(prefix.resolve("lib/rollout.jar")), "lib/rollout.jar");
        assertTrue(Files.isRegularFile(prefix.resolve("lib/rollout.classlist")), "lib/rollout.classlist");
        assertEquals(Files.readString(CompletionsTest.DIR.resolve("rollout.bash")),
                Files.readString(prefix.resolve("share/bash-completion/completions/rollout")));
        assertEquals(Files.readString(CompletionsTest.DIR.resolve("_rollout")),
                Files.readString(prefix.resolve("share/zsh/site-functions/_rollout")));
        Path man1 = prefix.resolve("share/man/man1");
        try (Stream<Path> shipped = Files.list(man1); Stream<Path> committed = Files.list(ManPagesTest.DIR)) {
            TreeSet<String> names = new TreeSet<>(shipped.map(p -> p.getFileName().toString()).toList());
            assertEquals(new TreeSet<>(committed.map(p -> p.getFileName().toString()).toList()), names);
            for (String name : names) {
                assertEquals(Files.readString(ManPagesTest.DIR.resolve(name)), Files.readString(man1.resolve(name)), name);
            }
        }
        assertTrue(Files.isRegularFile(prefix.resolve("share/doc/rollout/rollouts/svm-classifier/rollout.yaml")));
        assertTrue(Files.isRegularFile(prefix.resolve("share/doc/rollout/rollouts/ci/rollout-step.sh")));
    }

    @Test
    void rolloutRunsFromAnyDirectoryThroughASymlinkAndEvaluatesTheShippedExample() throws Exception {
        Path links = Files.createDirectories(tmp.resolve("links"));
        Path link = Files.createSymbolicLink(links.resolve("rollout"), prefix.resolve("bin/rollout"));
        Path work = ReleaseArchive.copy(prefix.resolve("share/doc/rollout/rollouts/svm-classifier"), tmp.resolve("work/svm"));
        Map<String, String> env = ReleaseArchive.userEnv(tmp);
        env.put("PATH", links + ":" + env.get("PATH"));
        env.put("ROLLOUT_NOW", "2026-03-02T12:00:00Z");

        // The first run builds the class-data-sharing archive for this jar and this java (now, not
        // behind the run, so that the runs below use it), and --version says where engines go.
        Map<String, String> first = new java.util.HashMap<>(env);
        first.put("ROLLOUT_CDS", "now");
        ReleaseArchive.Run version = ReleaseArchive.rollout(work, first, "--version");
        assertEquals(0, version.exit(), version.toString());
        List<String> lines = version.out().lines().toList();
        assertTrue(lines.get(0).startsWith("rollout "), version.out());
        assertTrue(lines.get(1).startsWith("commit "), version.out());
        // The archive ships the optional engine of the SQL and Parquet sources in lib/lib, beside the jar.
        assertEquals("engines: duckdb_jdbc-2.0.0.1 (from " + prefix.toRealPath().resolve("lib/lib") + java.io.File.separator + "*.jar)",
                lines.get(3));
        Path cds = prefix.resolve("lib/rollout.jsa.jar");
        assertTrue(Files.isRegularFile(prefix.resolve("lib/rollout.jsa")) && Files.isRegularFile(cds), "the launcher built the archive");
        assertEquals(List.of(prefix.toRealPath().resolve("lib/rollout.jar").toString(),
                Path.of(System.getProperty("java.home"), "bin", "java").toRealPath().toString()), Files.readAllLines(cds));

        ReleaseArchive.Run status = ReleaseArchive.rollout(work, env, "status", "rollout.yaml");
        assertEquals(0, status.exit(), status.toString());
        assertTrue(status.out().contains("NOT_STARTED"), status.toString());
        ReleaseArchive.Run plan = ReleaseArchive.run(work, env, List.of(link.toString(), "plan", "rollout.yaml"));
        assertEquals(0, plan.exit(), plan.toString());
        assertTrue(plan.out().contains("offline"), plan.toString());
        ReleaseArchive.Run evaluate = ReleaseArchive.rollout(work, env, "evaluate", "rollout.yaml",
                "--metrics", "predictions.csv", "-o", "json");
        assertEquals(0, evaluate.exit(), evaluate.toString());
        assertTrue(evaluate.out().contains("\"decision\" : \"PROMOTE\""), evaluate.toString());
        assertEquals("", evaluate.err(), "no JVM warning about the class-data-sharing archive");
    }

    /** man renders every page without a warning, and rollout-evaluate(1) documents every option evaluate takes. */
    @Test
    void manRendersEveryPageAndTheEvaluatePageDocumentsEveryOption() throws Exception {
        ReleaseArchive.Run which = ReleaseArchive.run(tmp, ReleaseArchive.userEnv(tmp), List.of("sh", "-c", "command -v man && command -v groff"));
        if (which.exit() != 0) {
            fail("man and groff are needed to check the man pages: apt-get install man-db groff (.ci/run installs them)");
        }
        Map<String, String> env = ReleaseArchive.userEnv(tmp);
        env.put("MANWIDTH", "100");
        List<Path> pages;
        try (Stream<Path> s = Files.list(prefix.resolve("share/man/man1"))) {
            pages = s.sorted().toList();
        }
        assertTrue(pages.size() > RolloutCommand.SUBCOMMANDS.size(), pages.toString());
        String evaluate = null;
        for (Path page : pages) {
            ReleaseArchive.Run r = ReleaseArchive.run(tmp, env, List.of("man", "--warnings", "-P", "cat", "-l", page.toString()));
            assertEquals(0, r.exit(), page + ": " + r);
            assertEquals("", r.err(), page + ": groff warned");
            String name = page.getFileName().toString().replace(".1", "");
            assertTrue(r.out().startsWith(name.toUpperCase(java.util.Locale.ROOT) + "(1)"), r.out());
            for (String section : List.of("NAME", "SYNOPSIS", "DESCRIPTION", "EXIT STATUS", "SEE ALSO")) {
                assertTrue(r.out().contains("\n" + section + "\n"), page + " has no " + section + ":\n" + r.out());
            }
            if (name.equals("rollout-evaluate")) {
                evaluate = r.out();
            }
        }
        assertTrue(evaluate != null, "rollout-evaluate.1 is shipped");
        List<String> missing = new ArrayList<>();
        var model = Cli.build(new CliRunner().env()).getSubcommands().get("evaluate").getCommandSpec();
        for (var option : model.options()) {
            for (String name : option.names()) {
                if (!evaluate.contains(name)) {
                    missing.add(name);
                }
            }
            String first = option.description().length == 0 ? "" : option.description()[0];
            assertTrue(evaluate.replaceAll("\\s+", " ").contains(first.substring(0, Math.min(30, first.length()))),
                    option.longestName() + "'s description is on the page");
        }
        for (var parameter : model.positionalParameters()) {
            assertTrue(evaluate.contains(parameter.paramLabel()), parameter.paramLabel());
        }
        assertEquals(List.of(), missing, "options of evaluate that rollout-evaluate(1) does not name");
    }
}
