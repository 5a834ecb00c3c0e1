package dev.rollout.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Time going backwards (a skewed host, a ROLLOUT_NOW from the past) is refused, the same way by
 * every command that writes or judges the stage's window; and a window that ends before it starts.
 */
class ClockSkewTest {

    @TempDir
    Path tmp;

    Path spec;
    Path state;
    Path csv;

    static final String ENTERED = "2026-03-02T10:00:00Z";
    static final String BEHIND = "2026-03-02T09:00:00Z";
    static final String SKEW = "the clock (" + BEHIND + ") is before stage one was entered (" + ENTERED
            + "): check this host's clock";

    @BeforeEach
    void aRolloutInAStageThatNeedsAnApproval() throws Exception {
        spec = tmp.resolve("s.yaml");
        Files.writeString(spec, """
                version: 1
                name: skew
                model: {baseline: "1", candidate: "2"}
                stages:
                  - {name: one, traffic: 5, approval: true}
                  - {name: two, traffic: 50}
                metrics:
                  - {name: acc}
                """);
        state = tmp.resolve(".rollout/skew.state.json");
        csv = tmp.resolve("m.csv");
        Files.writeString(csv, "acc\n0.5\n");
        assertEquals(0, new CliRunner().at(ENTERED).run("advance", spec.toString()).exit());
    }

    @Test
    void everyCommandThatWritesOrJudgesRefusesAClockBehindTheStageEntry() throws Exception {
        byte[] before = Files.readAllBytes(state);
        CliRunner behind = new CliRunner().at(BEHIND);
        for (List<String> command : List.of(List.of("approve", spec.toString(), "--by", "alice"),
                List.of("advance", spec.toString()), List.of("advance", spec.toString(), "--restart"),
                List.of("evaluate", spec.toString(), "--metrics", csv.toString()),
                List.of("evaluate", spec.toString(), "--metrics", csv.toString(), "--dry-run"),
                List.of("advance", spec.toString(), "--metrics", csv.toString()))) {
            CliRunner.Result r = behind.run(command.toArray(String[]::new));
            assertEquals(1, r.exit(), command + ": " + r);
            assertEquals("rollout: " + SKEW + "\n", r.err(), command.toString());
            assertArrayEquals(before, Files.readAllBytes(state), "nothing written: " + command);
        }
        CliRunner.Result plan = behind.run("plan", spec.toString());
        assertEquals(0, plan.exit(), plan.toString());
        assertTrue(plan.out().contains("Next: hold: " + SKEW), plan.out());
        assertFalse(behind.run("status", spec.toString()).out().contains("approved"));

        CliRunner.Result approve = new CliRunner().at(ENTERED).run("approve", spec.toString(), "--by", "alice");
        assertEquals(0, approve.exit(), "the clock at the entry itself is fine: " + approve);
    }

    @Test
    void aRollbackIsHonouredOnAClockBehindTheStageEntryWithAWarning() throws Exception {
        CliRunner.Result r = new CliRunner().at(BEHIND).run("rollback", spec.toString(), "--reason", "p95 doubled", "-o", "json");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("ROLLED_BACK", r.json().get("status").asText(), r.toString());
        assertTrue(r.err().contains(SKEW + "; rolled back all the same"), r.err());
        assertTrue(Files.readString(state).contains("ROLLED_BACK"));
    }

    @Test
    void aWindowThatEndsBeforeItStartsIsRefused() {
        CliRunner cli = new CliRunner().at("2026-03-02T12:00:00Z");
        CliRunner.Result both = cli.run("evaluate", spec.toString(), "--metrics", csv.toString(),
                "--since", "2026-03-02T11:00:00Z", "--until", "2026-03-02T10:30:00Z");
        assertEquals(1, both.exit(), both.toString());
        assertEquals("rollout: --since 2026-03-02T11:00:00Z is later than --until 2026-03-02T10:30:00Z\n", both.err());

        CliRunner.Result since = cli.run("evaluate", spec.toString(), "--metrics", csv.toString(), "--since", "2026-03-02T13:00:00Z");
        assertEquals(1, since.exit(), since.toString());
        assertTrue(since.err().contains("--since 2026-03-02T13:00:00Z is later than now (2026-03-02T12:00:00Z)"), since.err());

        CliRunner.Result until = cli.run("advance", spec.toString(), "--metrics", csv.toString(), "--until", "2026-03-02T09:00:00Z");
        assertEquals(1, until.exit(), until.toString());
        assertTrue(until.err().contains("--until 2026-03-02T09:00:00Z is before stage one was entered (" + ENTERED + ")"),
                until.err());

        CliRunner.Result empty = cli.run("evaluate", spec.toString(), "--metrics", csv.toString(),
                "--since", "2026-03-02T11:00:00Z", "--until", "2026-03-02T11:00:00Z", "--dry-run");
        assertEquals(4, empty.exit(), "a window of one instant is judged (0.5 rolls back), not refused: " + empty);
    }
}
