package dev.rollout.judge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rollout.judge.CompareResult.Verdict;
import dev.rollout.metrics.Sample;
import dev.rollout.spec.CompareSpec;
import dev.rollout.spec.MetricSpec.Direction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The comparisons equal scipy's (and the closed form's) on the vectors of
 * src/test/resources/reference/statistics.py, to 1e-9 relative; and the sequential test
 * keeps its false-alarm rate under repeated looks where a fixed-sample test does not.
 */
class ComparisonTest {

    static final JsonNode REF;

    static {
        try {
            REF = new ObjectMapper().readTree(Path.of("src/test/resources/reference/statistics.json").toFile());
        } catch (java.io.IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    static Sample sample(JsonNode values) {
        double[] v = new double[values.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = values.get(i).asDouble();
        }
        double mean = 0;
        for (double d : v) {
            mean += d;
        }
        mean /= v.length;
        double ss = 0;
        for (double d : v) {
            ss += (d - mean) * (d - mean);
        }
        return new Sample(v.length, mean, ss / (v.length - 1), v);
    }

    static void close(double expected, double actual, String what) {
        assertEquals(expected, actual, Math.abs(expected) * 1e-9 + 1e-15, what);
    }

    static CompareSpec spec(CompareSpec.Test test, double margin, OptionalDouble tau) {
        return new CompareSpec(test, margin, false, 0.95, tau);
    }

    @ParameterizedTest
    @ValueSource(strings = {"A", "B", "C", "E", "F", "G"})
    void welchAndMannWhitneyEqualScipy(String name) {
        JsonNode ref = REF.get(name);
        Sample x = sample(ref.get("x"));
        Sample y = sample(ref.get("y"));
        CompareResult w = Comparison.welch(spec(CompareSpec.Test.WELCH, 1, OptionalDouble.empty()), Direction.LOWER, y, x, 1,
                new Evaluation.Samples(y.n(), x.n()));
        close(ref.get("welch").get("p").asDouble(), w.pValue().getAsDouble(), name + " welch p");
        close(ref.get("welch").get("lower").asDouble(), w.lower().getAsDouble(), name + " welch lower");
        close(ref.get("welch").get("upper").asDouble(), w.upper().getAsDouble(), name + " welch upper");
        CompareResult mw = Comparison.mannWhitney(spec(CompareSpec.Test.MANN_WHITNEY, 1, OptionalDouble.empty()), Direction.LOWER,
                y, x, 1, new Evaluation.Samples(y.n(), x.n()));
        close(ref.get("mannWhitney").get("p").asDouble(), mw.pValue().getAsDouble(), name + " mann-whitney p");
        close(ref.get("mannWhitney").get("estimate").asDouble(), mw.estimate().getAsDouble(), name + " hodges-lehmann");
        close(ref.get("mannWhitney").get("lower").asDouble(), mw.lower().getAsDouble(), name + " HL lower");
        close(ref.get("mannWhitney").get("upper").asDouble(), mw.upper().getAsDouble(), name + " HL upper");
    }

    @ParameterizedTest
    @ValueSource(strings = {"A", "B", "C", "E", "F", "G"})
    void sequentialEqualsTheClosedForm(String name) {
        JsonNode ref = REF.get(name).get("msprt");
        Sample x = sample(REF.get(name).get("x"));
        Sample y = sample(REF.get(name).get("y"));
        CompareResult r = Comparison.sequential(spec(CompareSpec.Test.SEQUENTIAL, 5, OptionalDouble.of(10)), Direction.LOWER, y, x,
                5, new Evaluation.Samples(y.n(), x.n()), Optional.empty());
        close(ref.get("p").asDouble(), r.pValue().getAsDouble(), name + " p");
        close(ref.get("lower").asDouble(), r.lower().getAsDouble(), name + " lower");
        close(ref.get("upper").asDouble(), r.upper().getAsDouble(), name + " upper");
        close(ref.get("delta").asDouble(), r.estimate().getAsDouble(), name + " delta");
    }

    @Test
    void theResearchNotesVectorsGiveTheirPublishedValues() {
        Sample x = sample(REF.get("A").get("x"));
        Sample y = sample(REF.get("A").get("y"));
        CompareResult r = Comparison.sequential(spec(CompareSpec.Test.SEQUENTIAL, 5, OptionalDouble.of(10)), Direction.LOWER, y, x,
                5, new Evaluation.Samples(y.n(), x.n()), Optional.empty());
        assertEquals(0.0305822, r.pValue().getAsDouble(), 1e-7);
        assertEquals(1.132547, r.lower().getAsDouble(), 1e-6);
        assertEquals(36.386897, r.upper().getAsDouble(), 1e-6);
    }

    @Test
    void verdictsOrientTheDifferenceSoPositiveIsWorseAndSmallSamplesAreInconclusive() {
        Sample base = new Sample(100, 100, 25, new double[0]);
        Sample slower = new Sample(100, 110, 25, new double[0]);
        CompareSpec welch = spec(CompareSpec.Test.WELCH, 2, OptionalDouble.empty());
        assertEquals(Verdict.WORSE, Comparison.compare(welch, Direction.LOWER, base, slower, Optional.empty()).verdict());
        assertEquals(Verdict.NOT_WORSE, Comparison.compare(welch, Direction.HIGHER, base, slower, Optional.empty()).verdict());
        CompareSpec wide = spec(CompareSpec.Test.WELCH, 10, OptionalDouble.empty());
        assertEquals(Verdict.INCONCLUSIVE, Comparison.compare(wide, Direction.LOWER, base, slower, Optional.empty()).verdict());
        CompareResult few = Comparison.compare(welch, Direction.LOWER, new Sample(49, 100, 25, new double[0]), slower, Optional.empty());
        assertEquals(Verdict.INCONCLUSIVE, few.verdict());
        assertTrue(few.reasons().get(0).contains("needs 50 per variant"), few.reasons().toString());
        double[] ones = new double[60];
        java.util.Arrays.fill(ones, 1.0);
        CompareResult tied = Comparison.compare(spec(CompareSpec.Test.MANN_WHITNEY, 0, OptionalDouble.empty()), Direction.LOWER,
                new Sample(60, 1, 0, ones), new Sample(60, 1, 0, ones), Optional.empty());
        assertEquals(Verdict.NOT_WORSE, tied.verdict(), "all tied: not worse, without calling the test (it returns NaN)");
        assertEquals("latency_ms +10 (95 % CI 8.60557 … 11.3944, welch, p < 0.0001), worse at margin 2", Comparison.sentence("latency_ms",
                Comparison.compare(welch, Direction.LOWER, base, slower, Optional.empty())));
    }

    /**
     * A/A rollouts looked at 96 times each (every 15 minutes for a day): the sequential test
     * falsely says WORSE in at most 5 % of them; Welch's test at every look in 15 % or more.
     * Seeded; runs in a few seconds. README quotes the two figures it prints.
     */
    @Test
    void sequentialStaysHonestUnderRepeatedLooksWhereAFixedSampleTestDoesNot() {
        int rollouts = 400;
        int looks = 96;
        int rowsPerLook = 25;
        SplittableRandom random = new SplittableRandom(20261129);
        CompareSpec sequential = new CompareSpec(CompareSpec.Test.SEQUENTIAL, 0, false, 0.95, OptionalDouble.of(2));
        CompareSpec welch = new CompareSpec(CompareSpec.Test.WELCH, 0, false, 0.95, OptionalDouble.empty());
        int sequentialAlarms = 0;
        int welchAlarms = 0;
        for (int r = 0; r < rollouts; r++) {
            Running b = new Running();
            Running c = new Running();
            Optional<SequentialMemory> memory = Optional.empty();
            boolean seqAlarm = false;
            boolean welchAlarm = false;
            for (int look = 0; look < looks; look++) {
                for (int i = 0; i < rowsPerLook; i++) {
                    b.add(100 + 10 * gaussian(random));
                    c.add(100 + 10 * gaussian(random));
                }
                if (b.n < Comparison.MIN_ROWS) {
                    continue;
                }
                CompareResult s = Comparison.compare(sequential, Direction.LOWER, b.sample(), c.sample(), memory);
                memory = s.memory();
                seqAlarm |= s.verdict() == Verdict.WORSE;
                welchAlarm |= Comparison.compare(welch, Direction.LOWER, b.sample(), c.sample(), Optional.empty()).verdict()
                        == Verdict.WORSE;
            }
            sequentialAlarms += seqAlarm ? 1 : 0;
            welchAlarms += welchAlarm ? 1 : 0;
        }
        double seqRate = (double) sequentialAlarms / rollouts;
        double welchRate = (double) welchAlarms / rollouts;
        System.out.printf("A/A, %d rollouts x %d looks: sequential falsely WORSE in %.1f %%, Welch at every look in %.1f %%%n",
                rollouts, looks, 100 * seqRate, 100 * welchRate);
        assertTrue(seqRate <= 0.05, "sequential false alarms " + seqRate);
        assertTrue(welchRate >= 0.15, "fixed-sample false alarms " + welchRate);
    }

    private static double gaussian(SplittableRandom random) {
        // Box–Muller: SplittableRandom has no nextGaussian on Java 17.
        double u = 1 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    /** Running mean and variance (Welford), as the metric reader keeps them. */
    private static final class Running {
        long n;
        double mean;
        double m2;

        void add(double x) {
            n++;
            double d = x - mean;
            mean += d / n;
            m2 += d * (x - mean);
        }

        Sample sample() {
            return new Sample(n, mean, m2 / (n - 1), new double[0]);
        }
    }
}
