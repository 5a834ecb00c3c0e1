package dev.rollout.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `-o markdown` renders tables for CI job summaries, and nothing from a spec can break out of a cell. */
class MarkdownTest {

    @TempDir
    Path tmp;

    @Test
    void evaluatePrintsADecisionHeadingAndAMetricTable() {
        CliRunner.Result r = new CliRunner().run("evaluate", "rollouts/svm-classifier/rollout.yaml", "--metrics",
                "rollouts/svm-classifier/predictions.csv", "--state", tmp.resolve("s.json").toString(), "-o", "markdown");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("### ✅ svm\\-classifier stage offline: **PROMOTE**\n"), r.out());
        assertTrue(r.out().contains("| metric | baseline | candidate | delta | p | weight | gate |\n|---|--:|--:|--:|--:|--:|---|\n"));
        assertTrue(r.out().contains("| f1 | - | 0.899641 | - | 0.899641 | 0.3 | pass |"), r.out());
    }

    @Test
    void planAndStatusEscapeCellsSoLabelsCannotInjectMarkup() throws Exception {
        Path spec = tmp.resolve("s.yaml");
        Files.writeString(spec, """
                version: 1
                name: md
                model: {baseline: "1", candidate: "2"}
                stages:
                  - {name: one, traffic: 5, segment: {team: "a|b<script>alert(1)</script>"}}
                metrics:
                  - {name: acc}
                """);
        CliRunner cli = new CliRunner().at("2026-01-01T00:00:00Z");
        CliRunner.Result plan = cli.run("plan", spec.toString(), "-o", "markdown");
        assertEquals(0, plan.exit(), plan.toString());
        assertTrue(plan.out().contains("team\\=a\\|b\\<script\\>alert\\(1\\)\\<\\/script\\>"), plan.out());
        assertFalse(plan.out().contains("<script>"));
        cli.run("advance", spec.toString());
        CliRunner.Result status = cli.run("status", spec.toString(), "-o", "markdown");
        assertTrue(status.out().contains("| md | PROGRESSING | one | 5 % | 2 | 1 |  |"), status.out());
    }
}
