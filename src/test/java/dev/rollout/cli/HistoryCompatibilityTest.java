package dev.rollout.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A team's state and history outlive the release that wrote them. The files under
 * {@code state/written-by-9c41a27} were written by the release before history details were
 * typed and other variants counted ({@code make.sh} beside them says how); every command
 * that reads them must read them as that release did, and carry the rollout on.
 */
class HistoryCompatibilityTest {

    @TempDir
    Path tmp;

    private Path rolloutWrittenByTheLastRelease() throws Exception {
        Path dir = CliRunner.copyExample("fraud-detector", tmp);
        Path from = Path.of("src/test/resources/state/written-by-9c41a27");
        Files.createDirectories(dir.resolve(".rollout"));
        for (String f : new String[]{"fraud-detector.state.json", "fraud-detector.history.jsonl"}) {
            Files.copy(from.resolve(f), dir.resolve(".rollout").resolve(f));
        }
        return dir;
    }

    @Test
    void aHistoryWrittenByTheLastReleaseReadsAsItDidAndTheRolloutGoesOn() throws Exception {
        Path dir = rolloutWrittenByTheLastRelease();
        String spec = dir.resolve("rollout.yaml").toString();
        CliRunner cli = new CliRunner().at("2026-03-02T12:00:00Z");

        CliRunner.Result history = cli.run("history", spec);
        assertEquals(0, history.exit(), history.toString());
        assertEquals(Files.readString(Path.of("src/test/resources/state/written-by-9c41a27/history.txt")), history.out());
        CliRunner.Result json = cli.run("history", spec, "-o", "json");
        assertEquals(0, json.exit(), json.toString());
        assertEquals(8, json.json().get("events").size());
        assertEquals(0, json.json().get("events").get(1).get("details").get("rows").get("other").asLong(),
                "an old EVALUATED line had no other variants to count");

        assertEquals(0, cli.run("status", spec).exit());
        JsonNode streaks = cli.run("status", spec, "-o", "json").json().get("stage").get("streaks");
        assertEquals(0, streaks.get("promote").asInt(), "a state written before streaks reads with none");
        assertEquals(0, streaks.get("rollback").asInt());
        assertEquals(0, cli.run("report", spec, "--out", tmp.resolve("r.html").toString()).exit());
        CliRunner.Result advance = cli.run("advance", spec, "--metrics", dir.resolve("exports/offline.csv").toString(),
                "--since", "2026-03-02T08:00:00Z");
        assertEquals(0, advance.exit(), advance.toString());
        assertTrue(advance.out().contains("moved from offline to shadow"), advance.out());
        assertEquals(10, cli.run("history", spec, "-o", "json").json().get("events").size(), "the old lines and the new ones");
    }
}
