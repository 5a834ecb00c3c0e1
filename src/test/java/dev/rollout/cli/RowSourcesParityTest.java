package dev.rollout.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Slices, drift, agreement, the split check and late labels are computed from rows by the
 * tally, whatever read them: the examples' CSV exports written as Parquet (DuckDB, typed columns
 * as its reader finds them) give the same evaluation through the SQL source's read as through
 * the CSV reader. The SQL read groups in the engine where it can; slices and late labels make it
 * read the rows, which this proves it does.
 */
class RowSourcesParityTest {

    @TempDir
    Path tmp;

    private final CliRunner cli = new CliRunner();

    @Test
    void slicesAreTheSameFromParquet() throws Exception {
        Path dir = CliRunner.copyExample("fraud-regions", tmp);
        JsonNode e = assertSame(dir, "2026-03-01T07:00:00Z", dir.resolve("exports/canary.csv"), List.of());
        assertEquals("ROLLBACK", e.path("decision").asText(), "one region regresses: " + e.path("reasons"));
        assertEquals(3, e.path("metrics").findValues("slices").get(0).size(), "three regions, from the Parquet rows too");
    }

    @Test
    void driftAgreementAndTheSplitCheckAreTheSameFromParquet() throws Exception {
        Path dir = CliRunner.copyExample("fraud-shadow", tmp);
        assertEquals(0, cli.at("2026-03-02T08:00:00Z").run("advance", dir.resolve("rollout.yaml").toString()).exit());
        JsonNode shadow = assertSame(dir, "2026-03-02T09:00:00Z", dir.resolve("exports/shadow.csv"), List.of());
        assertEquals(2000, shadow.path("metrics").get(3).path("agreement").path("pairs").asLong(), shadow.toString());
        assertEquals(10, shadow.path("metrics").get(0).path("drift").path("bins").size(), shadow.toString());
        // The wrong split is judged in the canary stage, where the split check applies.
        assertEquals(0, cli.at("2026-03-02T09:00:00Z").run("advance", dir.resolve("rollout.yaml").toString(), "--metrics",
                dir.resolve("exports/shadow.csv").toString()).exit());
        JsonNode wrong = assertSame(dir, "2026-03-02T11:00:00Z", dir.resolve("exports/canary-5-wrong-split.csv"), List.of());
        assertEquals(false, wrong.path("split").path("passed").asBoolean(true), wrong.toString());
    }

    @Test
    void lateLabelsJoinTheSameFromParquet() throws Exception {
        Path dir = CliRunner.copyExample("fraud-late-labels", tmp);
        JsonNode e = assertSame(dir, "2026-03-03T00:00:00Z", dir.resolve("exports/predictions.csv"),
                List.of("--labels", dir.resolve("labels/day-1.csv").toString(), "--labels", dir.resolve("labels/day-2.csv.gz").toString()));
        assertEquals(true, e.path("labels").path("candidateLabeled").asLong() > 0, e.toString());
    }

    private JsonNode assertSame(Path dir, String at, Path csv, List<String> more) throws Exception {
        Path parquet = csv.resolveSibling(csv.getFileName().toString().replace(".csv", ".parquet"));
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
             PreparedStatement s = c.prepareStatement("COPY (SELECT * FROM read_csv_auto('" + csv.toString().replace("'", "''")
                     + "')) TO '" + parquet.toString().replace("'", "''") + "' (FORMAT parquet)")) {
            s.execute();
        }
        JsonNode fromCsv = evaluate(dir, at, csv, more);
        JsonNode fromParquet = evaluate(dir, at, parquet, more);
        for (String field : List.of("decision", "score", "metrics", "rows", "split", "labels", "reasons")) {
            assertEquals(fromCsv.path(field), fromParquet.path(field), field + " of " + csv.getFileName());
        }
        assertEquals("parquet", fromParquet.path("inputs").path(0).path("kind").asText());
        assertEquals(true, fromCsv.path("rows").path("candidate").asLong() > 0, "rows in the window: " + fromCsv);
        return fromParquet;
    }

    private JsonNode evaluate(Path dir, String at, Path export, List<String> more) {
        List<String> args = new ArrayList<>(List.of("evaluate", dir.resolve("rollout.yaml").toString(), "--metrics",
                export.toString(), "--dry-run", "-o", "json"));
        args.addAll(more);
        CliRunner.Result r = cli.at(at).run(args.toArray(String[]::new));
        return r.json();
    }
}
