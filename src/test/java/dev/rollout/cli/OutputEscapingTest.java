package dev.rollout.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Nothing from a spec, an export, the state, an argument or the environment can forge a line,
 * send the terminal an escape sequence, or become Markdown markup: text output escapes control
 * characters, {@code -o markdown} escapes markup.
 */
class OutputEscapingTest {

    @TempDir
    Path tmp;

    /** A line of {@code history} as it would look if a reason could start a line of its own. */
    static final String FORGED = "2026-03-02T09:00:00Z  PROMOTED  one";
    static final String CLEAR_SCREEN = "\u001b[2J";
    static final String SET_TITLE = "\u001b]0;pwned\u0007";

    Path spec(String candidate, String segment) throws Exception {
        Path spec = tmp.resolve("s.yaml");
        Files.writeString(spec, """
                version: 1
                name: esc
                model: {baseline: "1", candidate: "%s"}
                stages:
                  - {name: one, traffic: 5, approval: true, segment: {team: "%s"}}
                  - {name: two, traffic: 50}
                metrics:
                  - {name: acc}
                """.formatted(candidate, segment));
        return spec;
    }

    /** Only line feeds, and only where the view puts them: no other control character, no bidi override. */
    static void assertInert(String output) {
        for (char c : output.toCharArray()) {
            assertFalse(c != '\n' && (Character.isISOControl(c) || c >= '\u202A' && c <= '\u202E'),
                    String.format("U+%04X in %s", (int) c, output));
        }
    }

    @Test
    void aReasonWithALineBreakAndEscapeSequencesStaysOnItsOwnRowOfHistory() throws Exception {
        Path spec = spec("2", "a");
        String reason = "ok\n" + FORGED + CLEAR_SCREEN;
        CliRunner cli = new CliRunner().at("2026-03-02T08:00:00Z").actor("ci" + SET_TITLE);
        assertEquals(0, cli.run("advance", spec.toString(), "--reason", reason).exit());
        assertEquals(0, cli.run("approve", spec.toString(), "--by", "eve\r" + CLEAR_SCREEN, "--reason", "\u202Eevil").exit());

        CliRunner.Result history = cli.run("history", spec.toString());
        assertEquals(0, history.exit(), history.toString());
        assertInert(history.out());
        assertEquals(3, history.out().lines().count(), "a header and two events: " + history.out());
        assertTrue(history.out().contains("ci\\u001b]0;pwned\\u0007"), history.out());
        assertTrue(history.out().contains("ok\\n" + FORGED + "\\u001b[2J"), history.out());
        assertTrue(history.out().contains("eve\\r\\u001b[2J: \\u202eevil"), history.out());

        CliRunner.Result status = cli.run("status", spec.toString());
        assertInert(status.out());
        assertTrue(status.out().contains("approved in one by eve\\r\\u001b[2J at"), status.out());
        // JSON is already safe, and keeps the text exactly as given.
        assertEquals(reason, cli.run("history", spec.toString(), "-o", "json").json().get("events").get(0).get("reason").asText());
    }

    @Test
    void specStringsAreEscapedInPlanStatusAndAdvance() throws Exception {
        Path spec = spec("v2\\n" + FORGED + "\\e[2J", "x\\e]0;title\\a\\u202Ey");
        CliRunner cli = new CliRunner().at("2026-03-02T08:00:00Z");
        CliRunner.Result plan = cli.run("plan", spec.toString());
        assertEquals(0, plan.exit(), plan.toString());
        assertInert(plan.out());
        assertTrue(plan.out().contains("team=x\\u001b]0;title\\u0007\\u202ey"), plan.out());
        assertTrue(plan.out().contains("candidate v2\\n" + FORGED + "\\u001b[2J (baseline 1)"), plan.out());
        CliRunner.Result advance = cli.run("advance", spec.toString());
        assertEquals(0, advance.exit(), advance.toString());
        assertInert(advance.out());
        assertInert(cli.run("status", "--dir", tmp.resolve(".rollout").toString()).out());
    }

    @Test
    void errorMessagesAndWarningsAreOneEscapedLine() throws Exception {
        Path spec = spec("2", "a");
        CliRunner cli = new CliRunner().at("2026-03-02T08:00:00Z");
        cli.run("advance", spec.toString());

        CliRunner.Result to = cli.run("rollback", spec.toString(), "--to", "x\n" + FORGED + CLEAR_SCREEN, "--reason", "r");
        assertEquals(1, to.exit(), to.toString());
        assertInert(to.err());
        assertEquals(1, to.err().lines().count(), to.err());
        assertTrue(to.err().contains("--to x\\n" + FORGED + "\\u001b[2J: no such stage"), to.err());
        CliRunner.Result verbose = cli.run("rollback", spec.toString(), "--to", "x\n" + FORGED + CLEAR_SCREEN, "--reason", "r",
                "--verbose");
        assertInert(verbose.err());
        assertFalse(verbose.err().lines().anyMatch(l -> l.startsWith(FORGED)), "the stack trace too: " + verbose.err());

        CliRunner.Result option = cli.run("status", spec.toString(), "--bogus" + CLEAR_SCREEN);
        assertEquals(2, option.exit(), option.toString());
        assertInert(option.err());
        assertTrue(option.err().contains("--bogus\\u001b[2J"), option.err());

        Path csv = tmp.resolve("m.csv");
        Files.writeString(csv, "acc\n0.5" + CLEAR_SCREEN + "\n");
        CliRunner.Result cell = cli.run("evaluate", spec.toString(), "--metrics", csv.toString());
        assertEquals(1, cell.exit(), cell.toString());
        assertInert(cell.err());
        assertTrue(cell.err().contains("'0.5\\u001b[2J' is not a number"), cell.err());

        Path odd = tmp.resolve("m\n" + FORGED + ".csv");
        Files.writeString(odd, "acc\nx\n");
        CliRunner.Result path = cli.run("evaluate", spec.toString(), "--metrics", odd.toString());
        assertEquals(1, path.exit(), path.toString());
        assertEquals(1, path.err().lines().count(), path.err());
        assertTrue(path.err().contains("m\\n" + FORGED + ".csv"), path.err());
    }

    @Test
    void labelsAndVariantValuesFromAnExportAreEscapedInTheEvaluation() throws Exception {
        Path spec = tmp.resolve("labels.yaml");
        Files.writeString(spec, """
                version: 1
                name: labels
                model: {baseline: "1", candidate: "2"}
                stages:
                  - {name: one, traffic: 5}
                data:
                  variant: {column: v}
                metrics:
                  - name: auc
                    classification: {actual: y, score: s, metric: auc}
                """);
        Path csv = tmp.resolve("m.csv");
        String label = "z" + CLEAR_SCREEN;
        Files.writeString(csv, "v,y,s\n1,a,0.1\n1,%s,0.9\n2,a,0.2\n2,%s,0.8\n3%s,a,0.5\n".formatted(label, label, SET_TITLE));
        CliRunner cli = new CliRunner().at("2026-03-02T08:00:00Z");
        CliRunner.Result text = cli.run("evaluate", spec.toString(), "--metrics", csv.toString());
        assertInert(text.out());
        assertTrue(text.out().contains("positive label: auc 'z\\u001b[2J'"), text.out());
        assertTrue(text.out().contains("'3\\u001b]0;pwned'"), "the other variant's value (trimmed of the BEL, as every cell), escaped: " + text.out());
        assertInert(cli.run("evaluate", spec.toString(), "--metrics", csv.toString(), "-o", "markdown").out());
    }

    @Test
    void markdownEscapesLinksImagesEmphasisCodeSpansAndHtmlFromTheSpec() throws Exception {
        String hostile = "[x](http://e.vil) ![i](http://e.vil/p.png) **b** `c` <b>&amp; $m$";
        Path spec = spec(hostile.replace("\"", ""), hostile);
        CliRunner cli = new CliRunner().at("2026-03-02T08:00:00Z");
        String escaped = "\\[x\\]\\(http\\:\\/\\/e\\.vil\\) \\!\\[i\\]\\(http\\:\\/\\/e\\.vil\\/p\\.png\\) \\*\\*b\\*\\* \\`c\\`"
                + " \\<b\\>\\&amp\\; \\$m\\$";

        CliRunner.Result plan = cli.run("plan", spec.toString(), "-o", "markdown");
        assertEquals(0, plan.exit(), plan.toString());
        assertTrue(plan.out().contains("| team\\=" + escaped + " |"), plan.out());
        assertFalse(plan.out().contains("](") || plan.out().contains("**b") || plan.out().contains("<b>"), plan.out());

        cli.run("advance", spec.toString());
        CliRunner.Result status = cli.run("status", spec.toString(), "-o", "markdown");
        assertTrue(status.out().contains("| esc | PROGRESSING | one | 5 % | " + escaped + " | 1 |  |"), status.out());
        assertFalse(status.out().contains("`esc`"), "no name in a code span: " + status.out());
    }

    @Test
    void markdownOfACommandWithoutAMarkdownViewIsACodeBlockNoLineCanClose() throws Exception {
        Path spec = spec("2", "a");
        CliRunner cli = new CliRunner().at("2026-03-02T08:00:00Z");
        cli.run("advance", spec.toString(), "--reason", "```\n[x](http://e.vil) ````");

        CliRunner.Result history = cli.run("history", spec.toString(), "-o", "markdown");
        assertEquals(0, history.exit(), history.toString());
        assertTrue(history.out().startsWith("`````text\n"), history.out());
        assertTrue(history.out().endsWith("\n`````\n"), history.out());
        assertEquals(4, history.out().lines().count(), history.out());
        assertTrue(history.out().contains("```\\n[x](http://e.vil) ````"), history.out());
    }
}
