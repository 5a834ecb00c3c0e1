package dev.rollout.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code evaluate} reads the state, then the exports, then records under the lock; an
 * {@code advance --restart} in between must not make it report a write it did not make, nor
 * record the old stage visit's evaluation into the new lineage. The race is made exact with a
 * named pipe as the export: opening it for writing waits until evaluate opens it for reading,
 * which is after it read the state, and evaluate then waits for the rows until the restart is done.
 */
@Timeout(120)
class EvaluateRaceTest {

    @TempDir
    Path tmp;

    Path spec;
    Path export;
    Path pipe;

    @BeforeEach
    void aPipeForTheExport() throws Exception {
        Path dir = CliRunner.copyExample("fraud-detector", tmp);
        spec = dir.resolve("rollout.yaml");
        export = dir.resolve("exports/offline.csv");
        pipe = tmp.resolve("offline-pipe.csv");
        assertEquals(0, new ProcessBuilder("mkfifo", pipe.toString()).inheritIO().start().waitFor());
    }

    /** Runs evaluate on the pipe and, while it waits for the rows, {@code meanwhile}; then feeds it the rows. */
    CliRunner.Result evaluateWhile(Runnable meanwhile) throws Exception {
        return runWhile("evaluate", meanwhile);
    }

    CliRunner.Result runWhile(String command, Runnable meanwhile) throws Exception {
        CompletableFuture<CliRunner.Result> evaluate = CompletableFuture.supplyAsync(() -> new CliRunner()
                .at("2026-03-02T09:00:00Z").run(command, spec.toString(), "--metrics", pipe.toString(), "-o", "json"));
        try (OutputStream rows = Files.newOutputStream(pipe)) {
            meanwhile.run();
            rows.write(Files.readAllBytes(export));
        }
        return evaluate.get();
    }

    List<String> events(CliRunner cli) {
        List<String> events = new ArrayList<>();
        for (JsonNode e : cli.run("history", spec.toString(), "-o", "json").json().get("events")) {
            events.add(e.get("event").asText());
        }
        return events;
    }

    @Test
    void anEvaluateOfARolledBackRolloutRacingARestartSaysNotRecorded() throws Exception {
        CliRunner cli = new CliRunner().at("2026-03-02T08:00:00Z");
        assertEquals(0, cli.run("advance", spec.toString()).exit());
        assertEquals(0, cli.run("rollback", spec.toString(), "--reason", "bad").exit());

        CliRunner.Result r = evaluateWhile(() -> assertEquals(0, new CliRunner().at("2026-03-02T08:30:00Z")
                .run("advance", spec.toString(), "--restart").exit()));

        assertEquals(0, r.exit(), r.toString());
        assertFalse(r.json().get("recorded").asBoolean(), "nothing was written: " + r.out());
        assertEquals(List.of("STARTED", "ROLLED_BACK", "RESTARTED"), events(cli));
    }

    @Test
    void anEvaluateOfAStageVisitRacingARestartIntoTheSameStageRecordsNothing() throws Exception {
        CliRunner cli = new CliRunner().at("2026-03-02T08:00:00Z");
        assertEquals(0, cli.run("advance", spec.toString()).exit());

        CliRunner.Result r = evaluateWhile(() -> assertEquals(0, new CliRunner().at("2026-03-02T08:30:00Z")
                .run("advance", spec.toString(), "--restart").exit()));

        assertEquals(5, r.exit(), r.toString());
        assertTrue(r.err().contains("the rollout was restarted") && r.err().contains("nothing recorded"), r.err());
        assertEquals(List.of("STARTED", "RESTARTED"), events(cli), "the old visit's evaluation is not in the new lineage");
    }

    @Test
    void anAdvanceWithMetricsRacingARestartNeitherRecordsNorMovesTheNewLineage() throws Exception {
        CliRunner cli = new CliRunner().at("2026-03-02T08:00:00Z");
        assertEquals(0, cli.run("advance", spec.toString()).exit());

        CliRunner.Result r = runWhile("advance", () -> assertEquals(0, new CliRunner().at("2026-03-02T08:30:00Z")
                .run("advance", spec.toString(), "--restart").exit()));

        assertEquals(5, r.exit(), r.toString());
        assertTrue(r.err().contains("the rollout was restarted"), r.err());
        assertEquals(List.of("STARTED", "RESTARTED"), events(cli), "offline.csv judged the old visit, not the new one");
    }

    @Test
    void anEvaluateOfAStageThatWasRolledBackMeanwhileWarnsThatItRecordedNothing() throws Exception {
        CliRunner cli = new CliRunner().at("2026-03-02T08:00:00Z");
        assertEquals(0, cli.run("advance", spec.toString()).exit());

        CliRunner.Result r = evaluateWhile(() -> assertEquals(0, new CliRunner().at("2026-03-02T08:30:00Z")
                .run("rollback", spec.toString(), "--reason", "bad").exit()));

        assertEquals(0, r.exit(), r.toString());
        assertFalse(r.json().get("recorded").asBoolean(), r.out());
        assertTrue(r.err().contains("warning: evaluation not recorded: the rollout is rolled back now"), r.err());
        assertEquals(List.of("STARTED", "ROLLED_BACK"), events(cli));
    }
}
