package dev.rollout.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Short commands load only what they use: {@code status} and {@code plan} in a fresh JVM
 * never load a class of the CSV reader, commons-csv or the statistics, and {@code status}
 * never builds a Jackson ObjectMapper, for a rollout not started or a started one.
 */
class StartupClassesTest {

    @TempDir
    Path tmp;

    private List<String> loaded(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:off", "-verbose:class", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out.lines().filter(l -> l.contains("[class,load]")).map(l -> l.split(" ")[1]).toList();
    }

    private static void none(List<String> classes, String... prefixes) {
        for (int i = 0; i < classes.size(); i++) {
            String c = classes.get(i);
            for (String prefix : prefixes) {
                // The classes loaded just before it say who asked for it.
                assertTrue(!c.startsWith(prefix), c + " was loaded, after " + classes.subList(Math.max(0, i - 6), i));
            }
        }
    }

    @Test
    void statusAndPlanLoadNoCsvNorStatistics() throws Exception {
        List<String> status = loaded("status", "--state", tmp.resolve("none.state.json").toString());
        assertTrue(status.contains("dev.rollout.cli.StatusCommand"), "the log lists classes");
        none(status, "dev.rollout.metrics.", "org.apache.commons.csv.", "org.apache.commons.statistics.", "dev.rollout.judge.Comparison",
                "com.fasterxml.jackson.databind.ObjectMapper");
        // A started rollout: its state file reads without Jackson's data binding.
        String state = tmp.resolve("run.state.json").toString();
        CliRunner.Result start = new CliRunner().at("2026-03-02T08:00:00Z").run("advance", "rollouts/svm-classifier/rollout.yaml",
                "--state", state);
        assertEquals(0, start.exit(), start.toString());
        List<String> running = loaded("status", "rollouts/svm-classifier/rollout.yaml", "--state", state);
        assertTrue(running.contains("dev.rollout.state.StateQuickRead"));
        none(running, "dev.rollout.metrics.", "org.apache.commons.csv.", "com.fasterxml.jackson.databind.ObjectMapper");
        List<String> plan = loaded("plan", "rollouts/fraud-detector/rollout.yaml", "--state", tmp.resolve("p.state.json").toString());
        assertTrue(plan.contains("dev.rollout.cli.PlanCommand"));
        none(plan, "dev.rollout.metrics.", "org.apache.commons.csv.", "org.apache.commons.statistics.");
        // A spec with a sql: source: no driver is loaded until a command reads the source.
        List<String> sqlPlan = loaded("plan", "rollouts/fraud-detector-sql/rollout.yaml", "--state", tmp.resolve("q.state.json").toString());
        assertTrue(sqlPlan.contains("dev.rollout.cli.PlanCommand"));
        none(sqlPlan, "dev.rollout.metrics.", "org.duckdb.", "org.postgresql.");
    }
}
