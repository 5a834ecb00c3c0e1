package dev.rollout.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code rollout evaluate} through the real CLI decides the same on every example whether the
 * exports are read in one pass ({@code ROLLOUT_CHUNK_BYTES=0}) or cut into 4 KiB chunks on
 * two threads, and the reading knobs reject nonsense with exit 1.
 */
class ParallelReadTest {

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "svm,    rollouts/svm-classifier/rollout.yaml, rollouts/svm-classifier/predictions.csv, 2026-03-02T08:00:00Z",
            "fraud,  rollouts/fraud-detector/rollout.yaml, rollouts/fraud-detector/exports/canary-25.csv, 2026-03-02T20:00:00Z",
            "fraud regressed, rollouts/fraud-detector/rollout.yaml, rollouts/fraud-detector/exports/canary-25-regressed.csv, 2026-03-02T20:00:00Z",
            "search, rollouts/search-ranker/rollout.yaml, rollouts/search-ranker/exports/eu.csv, 2026-03-02T20:00:00Z"})
    void chunksAndOnePassGiveTheSameEvaluation(String name, String spec, String export, String now) throws Exception {
        if (!name.equals("svm")) {
            // Large enough for several 4 KiB chunks and free of quotes: these are read in chunks, not in one pass.
            assertTrue(Files.size(Path.of(export)) > 8 * 4096);
            assertFalse(Files.readString(Path.of(export)).contains("\""));
        }
        CliRunner.Result one = new CliRunner().at(now).env("ROLLOUT_CHUNK_BYTES", "0")
                .run("evaluate", spec, "--metrics", export, "--state", tmp.resolve("a.json").toString(), "-o", "json");
        CliRunner.Result chunks = new CliRunner().at(now).env("ROLLOUT_CHUNK_BYTES", "4096").env("ROLLOUT_THREADS", "2")
                .run("evaluate", spec, "--metrics", export, "--state", tmp.resolve("b.json").toString(), "-o", "json");
        assertEquals(one.exit(), chunks.exit(), chunks.toString());
        assertTrue(one.exit() == 0 || one.exit() == 3 || one.exit() == 4, one.toString());
        assertEquals(one.err(), chunks.err());
        same("", one.json(), chunks.json());
    }

    /** Equal trees; numbers equal to 1e-12 relative (running sums merged from chunks may differ in the last bits). */
    private static void same(String path, JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            assertEquals(a.asDouble(), b.asDouble(), Math.abs(a.asDouble()) * 1e-12, path);
            return;
        }
        assertEquals(a.getNodeType(), b.getNodeType(), path);
        if (a.isObject()) {
            assertEquals(a.size(), b.size(), path + " fields");
            for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                assertTrue(b.has(e.getKey()), path + "." + e.getKey());
                same(path + "." + e.getKey(), e.getValue(), b.get(e.getKey()));
            }
        } else if (a.isArray()) {
            assertEquals(a.size(), b.size(), path + " length");
            for (int i = 0; i < a.size(); i++) {
                same(path + "[" + i + "]", a.get(i), b.get(i));
            }
        } else {
            assertEquals(a, b, path);
        }
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({"ROLLOUT_THREADS, 0", "ROLLOUT_THREADS, many", "ROLLOUT_THREADS, 5000", "ROLLOUT_CHUNK_BYTES, -1",
            "ROLLOUT_CHUNK_BYTES, 8MiB", "ROLLOUT_CHUNK_BYTES, 100"})
    void badReadingKnobsAreInputErrors(String name, String value) {
        CliRunner.Result r = new CliRunner().env(name, value).run("evaluate", "rollouts/svm-classifier/rollout.yaml",
                "--metrics", "rollouts/svm-classifier/predictions.csv", "--state", tmp.resolve("s.json").toString());
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains(name + "='" + value + "' must be"), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
    }

    /** Progress goes to stderr only when the launcher says stderr is a terminal; cron and CI get none. */
    @Test
    void progressOnlyForATerminal() {
        java.io.PrintWriter w = new java.io.PrintWriter(java.io.Writer.nullWriter());
        Env cron = new Env(Map.of(), java.time.Clock.systemUTC(), w, w, false, false);
        Env terminal = new Env(Map.of(), java.time.Clock.systemUTC(), w, w, true, true);
        assertEquals(dev.rollout.metrics.Reading.Progress.NONE, EvaluationRun.reading(cron).progress());
        assertTrue(EvaluationRun.reading(terminal).progress() instanceof ProgressLine);
        Env piped = new Env(Map.of(), java.time.Clock.systemUTC(), w, w, true, false);
        assertEquals(dev.rollout.metrics.Reading.Progress.NONE, EvaluationRun.reading(piped).progress(), "stdout a terminal is not enough");
        Env tuned = new Env(Map.of("ROLLOUT_THREADS", "3", "ROLLOUT_CHUNK_BYTES", "0"), java.time.Clock.systemUTC(), w, w, false, false);
        assertEquals(3, EvaluationRun.reading(tuned).threads());
        assertEquals(0, EvaluationRun.reading(tuned).chunkBytes());
    }
}
