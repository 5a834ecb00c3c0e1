package dev.rollout.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rollout.spec.SpecLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code include}: shared metric libraries, through plan, evaluate, advance and history on real files. */
class IncludeTest {

    @TempDir
    Path tmp;

    static final String LIBRARY = """
            data:
              timestamp: ts
              variant: {column: v}
            metrics:
              - {name: acc, weight: 0.5, gate: {min: 0.5}}
              - {name: lat, direction: lower, normalize: {best: 0, worst: 1000}, weight: 0.5}
            """;

    static final String SPEC = """
            version: 1
            name: included
            model: {baseline: a, candidate: b}
            include: [../metrics/lib.yaml]
            stages:
              - {name: canary, traffic: 5}
              - {name: full, traffic: 100}
            metrics:
              - {name: own, column: acc, weight: 0}
            """;

    /** A repository in {@code tmp}: {@code .git}, {@code metrics/lib.yaml} and {@code svc/rollout.yaml}. */
    Path repository(String library, String spec) throws Exception {
        Files.createDirectories(tmp.resolve(".git"));
        Files.createDirectories(tmp.resolve("metrics"));
        Files.createDirectories(tmp.resolve("svc"));
        Files.writeString(tmp.resolve("metrics/lib.yaml"), library);
        Path file = tmp.resolve("svc/rollout.yaml");
        Files.writeString(file, spec);
        Files.writeString(tmp.resolve("svc/data.csv"), "ts,v,acc,lat\n2026-03-02T09:10:00Z,a,0.9,100\n2026-03-02T09:10:00Z,b,0.9,100\n");
        return file;
    }

    CliRunner.Result plan(Path spec) {
        return new CliRunner().at("2026-03-02T09:00:00Z").run("plan", spec.toString(), "-o", "json");
    }

    @Test
    void theLibrarysMetricsAreAppendedAndItsDataFillsWhatTheSpecLeavesUnset() throws Exception {
        Path spec = repository(LIBRARY, SPEC);
        CliRunner.Result r = plan(spec);
        assertEquals(0, r.exit(), r.toString());
        JsonNode metrics = r.json().get("metrics");
        assertEquals("own", metrics.get(0).get("name").asText());
        assertEquals(spec.toString(), metrics.get(0).get("from").get("file").asText());
        assertEquals(9, metrics.get(0).get("from").get("line").asInt());
        assertEquals("acc", metrics.get(1).get("name").asText());
        assertEquals(tmp.resolve("metrics/lib.yaml").toString(), metrics.get(1).get("from").get("file").asText());
        assertEquals(5, metrics.get(1).get("from").get("line").asInt());
        CliRunner.Result text = new CliRunner().run("plan", spec.toString());
        assertTrue(text.out().contains(tmp.resolve("metrics/lib.yaml") + ":6"), text.out());
        // The data keys came from the library: a timestamp and a variant column.
        CliRunner.Result e = new CliRunner().at("2026-03-02T10:00:00Z").run("evaluate", spec.toString(), "--metrics",
                tmp.resolve("svc/data.csv").toString(), "-o", "json");
        assertEquals(0, e.exit(), e.toString());
        assertEquals(1, e.json().get("rows").get("baseline").asInt());
        // A key the spec sets wins over the library's.
        Files.writeString(spec, SPEC + "data: {timestamp: when}\n");
        CliRunner.Result own = new CliRunner().at("2026-03-02T10:00:00Z").run("evaluate", spec.toString(), "--metrics",
                tmp.resolve("svc/data.csv").toString());
        assertEquals(1, own.exit(), own.toString());
        assertTrue(own.err().contains("when"), own.err());
    }

    @Test
    void editingTheLibraryIsRecordedAsSpecChangedInTheRolloutThatIncludesIt() throws Exception {
        Path spec = repository(LIBRARY, SPEC);
        assertEquals(0, new CliRunner().at("2026-03-02T09:00:00Z").run("advance", spec.toString()).exit());
        Files.writeString(tmp.resolve("metrics/lib.yaml"), LIBRARY.replace("min: 0.5", "min: 0.6"));
        CliRunner.Result e = new CliRunner().at("2026-03-02T10:00:00Z").run("evaluate", spec.toString(), "--metrics",
                tmp.resolve("svc/data.csv").toString());
        assertEquals(0, e.exit(), e.toString());
        assertTrue(e.err().contains("the spec changed since the state was last written"), e.err());
        CliRunner.Result h = new CliRunner().run("history", spec.toString(), "-o", "json");
        assertTrue(h.json().toString().contains("\"SPEC_CHANGED\""), h.out());
    }

    @Test
    void aSpecWithoutIncludesKeepsTheDigestOfItsBytes() throws Exception {
        Path spec = tmp.resolve("plain.yaml");
        Files.writeString(spec, SPEC.replace("include: [../metrics/lib.yaml]\n", "").replace("weight: 0}", "weight: 1}"));
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(spec)));
        assertEquals(sha, SpecLoader.load(spec).digest(), "states written before include keep their digest");
    }

    @Test
    void anErrorInTheLibraryNamesTheLibraryAndTheLine() throws Exception {
        Path spec = repository(LIBRARY.replace("gate: {min: 0.5}", "gat: {min: 0.5}"), SPEC);
        CliRunner.Result r = plan(spec);
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().startsWith("rollout: " + tmp.resolve("metrics/lib.yaml") + ": metrics[0].gat (line 5"), r.err());
        Path stages = repository(LIBRARY + "stages: []\n", SPEC);
        CliRunner.Result s = plan(stages);
        assertTrue(s.err().startsWith("rollout: " + tmp.resolve("metrics/lib.yaml") + ": stages (line 7"), s.err());
    }

    @Test
    void aMetricDefinedTwiceNamesBothFilesAndLines() throws Exception {
        Path spec = repository(LIBRARY, SPEC.replace("{name: own, column: acc, weight: 0}", "{name: lat, weight: 0}"));
        CliRunner.Result r = plan(spec);
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().startsWith("rollout: " + tmp.resolve("metrics/lib.yaml") + ": metrics[1].name (line 6"), r.err());
        assertTrue(r.err().contains("duplicate metric name 'lat' (also metrics[0] of " + spec + ", line 9)"), r.err());
    }

    @Test
    void cyclesDepthAndFilesOutsideTheRepositoryAreRefused() throws Exception {
        Path spec = repository(LIBRARY + "include: [../svc/rollout.yaml]\n", SPEC);
        CliRunner.Result cycle = plan(spec);
        assertEquals(1, cycle.exit(), cycle.toString());
        assertTrue(cycle.err().contains("include cycle: " + spec + " -> " + tmp.resolve("metrics/lib.yaml") + " -> " + spec),
                cycle.err());

        // lib.yaml -> l2 -> l3 -> l4 is 4 deep; l4 -> l5 would be the fifth.
        Files.writeString(tmp.resolve("metrics/lib.yaml"), LIBRARY + "include: [l2.yaml]\n");
        for (int i = 2; i <= 5; i++) {
            Files.writeString(tmp.resolve("metrics/l" + i + ".yaml"), i < 5 ? "include: [l" + (i + 1) + ".yaml]\n" : "metrics: []\n");
        }
        Files.writeString(tmp.resolve("metrics/l4.yaml"), "metrics: []\n");
        assertEquals(0, plan(spec).exit(), "4 deep is allowed");
        Files.writeString(tmp.resolve("metrics/l4.yaml"), "include: [l5.yaml]\n");
        CliRunner.Result deep = plan(spec);
        assertEquals(1, deep.exit(), deep.toString());
        assertTrue(deep.err().startsWith("rollout: " + tmp.resolve("metrics/l4.yaml") + ": include[0] (line 1"), deep.err());
        assertTrue(deep.err().contains("includes nest at most 4 deep"), deep.err());

        Path outside = Files.createTempFile("outside", ".yaml");
        try {
            Files.writeString(outside, LIBRARY);
            Files.writeString(spec, SPEC.replace("../metrics/lib.yaml", outside.toString()));
            CliRunner.Result absolute = plan(spec);
            assertEquals(1, absolute.exit(), absolute.toString());
            assertTrue(absolute.err().contains("is outside the repository root " + tmp.toRealPath()), absolute.err());
        } finally {
            Files.delete(outside);
        }
        Files.delete(tmp.resolve(".git"));
        Files.writeString(spec, SPEC);
        CliRunner.Result noRepository = plan(spec);
        assertEquals(1, noRepository.exit(), "without .git the root is the spec's directory: " + noRepository);
        assertTrue(noRepository.err().contains("'../metrics/lib.yaml' is outside the repository root"), noRepository.err());
    }

    @Test
    void theSharedLibraryOfTheExamplesServesBothAndTheyRollOut() throws Exception {
        Files.createDirectories(tmp.resolve(".git"));
        CliRunner.copyExample("metrics", tmp);
        for (String example : new String[] {"churn-model", "spam-filter"}) {
            Path dir = CliRunner.copyExample(example, tmp);
            String spec = dir.resolve("rollout.yaml").toString();
            CliRunner.Result plan = new CliRunner().run("plan", spec, "-o", "json");
            assertEquals(0, plan.exit(), plan.toString());
            assertTrue(plan.out().contains(tmp.resolve("metrics/classifier.yaml").toString()), plan.out());
            assertEquals(0, new CliRunner().at("2026-03-02T08:30:00Z").run("advance", spec).exit());
        }
        // churn-model: two PROMOTEs in a row before canary-5 is left.
        String churn = tmp.resolve("churn-model/rollout.yaml").toString();
        String canary = tmp.resolve("churn-model/exports/canary-5.csv").toString();
        assertEquals(0, new CliRunner().at("2026-03-02T10:30:00Z").run("evaluate", churn, "--metrics", canary).exit());
        CliRunner.Result once = new CliRunner().at("2026-03-02T10:31:00Z").run("advance", churn);
        assertEquals(3, once.exit(), once.toString());
        assertTrue(once.out().contains("only 1 of 2 consecutive PROMOTE evaluations"), once.out());
        CliRunner.Result twice = new CliRunner().at("2026-03-02T10:40:00Z").run("advance", churn, "--metrics", canary);
        assertEquals(0, twice.exit(), twice.toString());
        // spam-filter: a slow shadow HOLDs and ends the streak; its time column is its own, received_at.
        String spam = tmp.resolve("spam-filter/rollout.yaml").toString();
        String good = tmp.resolve("spam-filter/exports/shadow.csv").toString();
        String slow = tmp.resolve("spam-filter/exports/shadow-slow.csv").toString();
        assertEquals(0, new CliRunner().at("2026-03-02T10:30:00Z").run("evaluate", spam, "--metrics", good).exit());
        assertEquals(3, new CliRunner().at("2026-03-02T10:35:00Z").run("evaluate", spam, "--metrics", slow).exit());
        assertEquals(0, new CliRunner().at("2026-03-02T10:40:00Z").run("evaluate", spam, "--metrics", good).exit());
        assertEquals(3, new CliRunner().at("2026-03-02T10:41:00Z").run("advance", spam).exit(), "1 of 2 PROMOTEs in a row");
        assertEquals(0, new CliRunner().at("2026-03-02T10:50:00Z").run("advance", spam, "--metrics", good).exit());
        assertFalse(Files.exists(Path.of("rollouts/metrics/.rollout")), "the tests never write into the repository");
    }
}
