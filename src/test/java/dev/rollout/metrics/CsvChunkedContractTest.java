package dev.rollout.metrics;

import dev.rollout.metrics.csv.CsvSource;
import dev.rollout.spec.RolloutSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The source contract for CSV exports cut into small chunks parsed on two threads and merged. */
class CsvChunkedContractTest extends MetricSourceContract {

    @TempDir
    Path tmp;

    /** Chunks each read was cut into; none when it fell back to one pass. */
    final List<Integer> chunks = new ArrayList<>();

    @Override
    boolean mergesParts() {
        return true;
    }

    @Override
    MetricsReport measure(RolloutSpec spec, List<List<String>> rows, Window window) throws Exception {
        Reading.Progress seen = new Reading.Progress() {
            @Override
            public void start(String file, long bytes) {
            }

            @Override
            public void at(long bytesRead) {
            }

            @Override
            public void chunked(int n) {
                chunks.add(n);
            }

            @Override
            public void end() {
            }
        };
        return new CsvSource(List.of(CsvOnePassContractTest.export(tmp, rows))).measure(MeasurePlan.of(spec), window,
                new Reading(2, 4096, seen));
    }

    @Test
    void theRowsAreReadInChunks() throws Exception {
        measure(spec(), rows(1, 6000), Window.ALL);
        assertTrue(chunks.size() == 1 && chunks.get(0) > 10, "chunks: " + chunks);
    }
}
