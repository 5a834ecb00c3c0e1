package dev.rollout.metrics;

import dev.rollout.spec.RolloutSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * From {@link Tally#ON_TWO_THREADS} rows in each variant, the baseline's value is computed on a
 * thread of its own: each variant still gets its own value, bit for bit what a sort of its
 * values gives, and the counts and notes are each variant's.
 */
class TwoThreadReportTest {

    @TempDir
    Path dir;

    @Test
    void eachVariantGetsItsOwnValueFromTwoThreads() throws IOException {
        int perVariant = (int) Tally.ON_TWO_THREADS + 1000;
        Random random = new Random(7);
        double[] a = new double[perVariant];
        // The candidate's values as they are kept: its missing cells are left out.
        double[] bs = new double[perVariant];
        int kept = 0;
        int missingB = 0;
        Path csv = dir.resolve("latency.csv");
        try (BufferedWriter w = Files.newBufferedWriter(csv)) {
            w.write("v,latency\n");
            int ia = 0;
            int ib = 0;
            StringBuilder line = new StringBuilder();
            while (ia < perVariant || ib < perVariant) {
                boolean baseline = ib == perVariant || ia < perVariant && random.nextBoolean();
                line.setLength(0);
                if (baseline) {
                    // The baseline is slower: its values and the candidate's never mix up unnoticed.
                    a[ia] = Math.round((40 + random.nextDouble() * 300) * 100) / 100.0;
                    line.append("a,").append(String.format(Locale.ROOT, "%.2f", a[ia++]));
                } else if (ib % 1000 == 999 && missingB < 50) {
                    missingB++;
                    ib++;
                    line.append("b,");
                } else {
                    bs[kept] = Math.round((20 + random.nextDouble() * 150) * 100) / 100.0;
                    line.append("b,").append(String.format(Locale.ROOT, "%.2f", bs[kept++]));
                    ib++;
                }
                w.write(line.append('\n').toString());
            }
        }
        assertEquals(perVariant - missingB, kept);
        bs = Arrays.copyOf(bs, kept);
        double[] as = a.clone();
        Arrays.sort(as);
        Arrays.sort(bs);
        RolloutSpec spec = Specs.spec().variant("v", "a", "b")
                .column("p95", "latency", "p95")
                .column("median", "latency", "median")
                .build();
        MetricsReport report = MetricsReader.read(spec, List.of(csv), Window.ALL);
        Measurement p95 = report.measurements().get(0);
        Measurement median = report.measurements().get(1);
        assertEquals(bits(Percentiles.percentile(as, as.length, 95)), bits(p95.baseline().getAsDouble()));
        assertEquals(bits(Percentiles.percentile(bs, bs.length, 95)), bits(p95.candidate().getAsDouble()));
        assertEquals(bits(Percentiles.median(as, as.length)), bits(median.baseline().getAsDouble()));
        assertEquals(bits(Percentiles.median(bs, bs.length)), bits(median.candidate().getAsDouble()));
        assertEquals(perVariant, p95.baselineSamples());
        assertEquals(kept, p95.candidateSamples());
        assertEquals(0, p95.baselineMissing());
        assertEquals(missingB, p95.candidateMissing());
        String leftOut = missingB + " of the candidate's";
        assertTrue(p95.notes().stream().anyMatch(n -> n.startsWith(leftOut)), p95.notes().toString());
    }

    private static long bits(double d) {
        return Double.doubleToRawLongBits(d);
    }
}
