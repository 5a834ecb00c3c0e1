package dev.rollout.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.rollout.RolloutException;
import dev.rollout.metrics.MetricsReader;
import dev.rollout.metrics.Window;
import dev.rollout.spec.RolloutSpec;
import dev.rollout.spec.SpecLoader;
import dev.rollout.state.file.StatePaths;
import dev.rollout.state.Update;
import dev.rollout.state.file.FileBackend;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The spec, CSV and state readers on arbitrary bytes: the only exception they may throw is the
 * tool's own input error. Plain `mvn test` replays the committed corpus in
 * src/test/resources/dev/rollout/fuzz/ReadersFuzzTestInputs/; to search for new inputs:
 * {@code JAZZER_FUZZ=1 mvn test -Dtest=ReadersFuzzTest#spec} (findings land in that folder).
 */
class ReadersFuzzTest {

    private static final RolloutSpec CSV_SPEC = SpecLoader.parse("fuzz.yaml", """
            version: 1
            name: fuzz
            model: {baseline: a, candidate: b}
            stages: [{name: s, traffic: 5}]
            data: {timestamp: ts, variant: {column: v}}
            metrics:
              - {name: lat, column: latency, aggregate: p95, direction: lower, normalize: {best: 0, worst: 100}}
              - {name: err, column: failed, aggregate: rate, weight: 0}
              - {name: f1, classification: {actual: y, predicted: p, metric: f1, average: macro}, weight: 0}
              - {name: auc, classification: {actual: y, score: s, metric: auc}, weight: 0}
            """.getBytes(StandardCharsets.UTF_8));

    @FuzzTest(maxDuration = "10s")
    void spec(byte[] data) {
        try {
            SpecLoader.parse("fuzz.yaml", data);
        } catch (RolloutException expected) {
            // a located input error is the one acceptable failure
        }
    }

    @FuzzTest(maxDuration = "10s")
    void csv(byte[] data) throws Exception {
        Path file = Files.createTempFile("fuzz", ".csv");
        try {
            Files.write(file, data);
            MetricsReader.read(CSV_SPEC, List.of(file), Window.ALL);
        } catch (RolloutException expected) {
            // a located input error is the one acceptable failure
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @FuzzTest(maxDuration = "10s")
    void state(byte[] data) throws Exception {
        Path dir = Files.createTempDirectory("fuzz");
        Path file = dir.resolve("fuzz.state.json");
        try {
            Files.write(file, data);
            FileBackend store = new FileBackend(StatePaths.of(file), Duration.ofSeconds(1), Clock.systemUTC(), "fuzz");
            store.read();
            Files.write(StatePaths.of(file).history(), data);
            store.history(w -> { });
        } catch (RolloutException expected) {
            // a located input error is the one acceptable failure
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }
}
