package dev.rollout.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A gate reads the same in the text, the Markdown and the report: one definition, GateWord. */
class GateWordTest {

    @TempDir
    Path tmp;

    @Test
    void aFailedAnUncheckedAndAnAdvisoryGateReadTheSameInEveryOutput() throws Exception {
        Path spec = tmp.resolve("g.yaml");
        Files.writeString(spec, """
                version: 1
                name: g
                model: {baseline: "1", candidate: "2"}
                stages: [{name: a, traffic: 0}]
                data: {variant: {column: v}}
                metrics:
                  - {name: acc, gate: {min: 0.5, critical: true}}
                  - {name: lat, column: latency, gate: {max: 100, critical: true}, weight: 0}
                  - {name: err, gate: {max: 1}, weight: 0, advisory: true}
                """);
        Path csv = tmp.resolve("m.csv");
        Files.writeString(csv, "v,acc,latency,err\n1,0.9,10,0\n2,0.2,,0\n");
        CliRunner cli = new CliRunner().at("2026-03-02T08:00:00Z");
        assertEquals(0, cli.run("advance", spec.toString()).exit());

        CliRunner.Result text = cli.run("evaluate", spec.toString(), "--metrics", csv.toString());
        assertEquals(4, text.exit(), text.toString());
        assertTrue(text.out().lines().anyMatch(l -> l.startsWith("  acc ") && l.endsWith("  FAIL (critical)")), text.out());
        assertTrue(text.out().lines().anyMatch(l -> l.startsWith("  lat ") && l.endsWith("  no value (critical)")), text.out());
        assertTrue(text.out().lines().anyMatch(l -> l.startsWith("  err ") && l.endsWith("  pass, advisory")), text.out());

        String markdown = cli.run("evaluate", spec.toString(), "--metrics", csv.toString(), "--dry-run", "-o", "markdown").out();
        assertTrue(markdown.contains("| acc | 0.9 | 0.2 | -0.7 | 0.2 | 1 | **FAIL** (critical) |"), markdown);
        assertTrue(markdown.contains(" | no value (critical) |"), markdown);
        assertTrue(markdown.contains(" | pass, advisory |"), markdown);

        Path page = tmp.resolve("r.html");
        assertEquals(0, cli.run("report", spec.toString(), "--out", page.toString()).exit());
        String html = Files.readString(page);
        assertTrue(html.contains("<td class=\"fail\">FAIL (critical)</td>"), html);
        assertTrue(html.contains("<td class=\"fail\">no value (critical)</td>"), html);
        assertTrue(html.contains("<td class=\"pass\">pass, advisory</td>"), html);
    }
}
