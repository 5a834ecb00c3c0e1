package dev.rollout.metrics;

import dev.rollout.spec.RolloutSpec;
import dev.rollout.spec.SpecLoader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Drift and agreement merge exactly: an export read in parts on three threads (label counts
 * matched by name, keyed rows appended and renumbered) gives the values of one pass.
 */
class OutputsChunkedTest {

    static final Path DIR = Path.of("src/test/resources/reference/outputs");

    @ParameterizedTest
    @ValueSource(longs = {256, 700})
    void partsGiveTheValuesOfOnePass(long chunk) {
        RolloutSpec spec = SpecLoader.load(DIR.resolve("spec.yaml"));
        List<Path> files = List.of(DIR.resolve("n50.csv"));
        MetricsReport whole = MetricsReader.read(spec, files, Window.ALL, new Reading(1, 0, Reading.Progress.NONE));
        MetricsReport parts = MetricsReader.read(spec, files, Window.ALL, new Reading(3, chunk, Reading.Progress.NONE));
        assertEquals(whole.measurements().size(), parts.measurements().size());
        for (int i = 0; i < whole.measurements().size(); i++) {
            Measurement w = whole.measurements().get(i);
            Measurement p = parts.measurements().get(i);
            assertEquals(w.candidate(), p.candidate(), w.metric());
            assertEquals(w.drift(), p.drift(), w.metric());
            assertEquals(w.agreement(), p.agreement(), w.metric());
            assertEquals(w.baselineMissing(), p.baselineMissing(), w.metric());
        }
    }
}
