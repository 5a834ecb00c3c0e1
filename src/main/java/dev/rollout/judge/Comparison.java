package dev.rollout.judge;

import dev.rollout.judge.CompareResult.Verdict;
import dev.rollout.judge.Evaluation.Samples;
import dev.rollout.metrics.Sample;
import dev.rollout.spec.CompareSpec;
import dev.rollout.spec.MetricSpec.Direction;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.apache.commons.statistics.distribution.TDistribution;
import org.apache.commons.statistics.inference.AlternativeHypothesis;
import org.apache.commons.statistics.inference.ContinuityCorrection;
import org.apache.commons.statistics.inference.MannWhitneyUTest;
import org.apache.commons.statistics.inference.PValueMethod;
import org.apache.commons.statistics.inference.TTest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.SplittableRandom;

/**
 * The three comparisons of candidate and baseline rows. Pure: samples in, a result out.
 *
 * <p>{@code sequential} is the normal-mixture mSPRT (Johari, Pekelis and Walsh, "Always valid
 * inference"), in closed form for two arms of unequal size: with Δ = mean_c − mean_b and
 * V = s²_c/n_c + s²_b/n_b, Λ = sqrt(V/(V+τ²))·exp(τ²Δ²/(2V(V+τ²))), the always-valid p-value is
 * min(1, 1/Λ) and the confidence sequence Δ ± sqrt(V(V+τ²)/τ²·ln((V+τ²)/(V·α²))). Because it is
 * valid at every look, the smallest p-value and the intersection of the intervals seen in a
 * stage stay valid too; they are carried in {@link SequentialMemory}.
 *
 * <p>{@code welch} and {@code mann-whitney} are fixed-sample tests from Apache Commons
 * Statistics, pinned to the methods scipy uses by default for large samples (Welch's
 * unequal-variance t; Mann–Whitney asymptotic with tie and continuity correction).
 */
public final class Comparison {

    /** Below this many rows per variant no comparison decides (Spinnaker's guidance; the mSPRT's burn-in). */
    public static final int MIN_ROWS = 50;

    /** Hodges–Lehmann over at most this many rows per variant; larger samples are subsampled with a fixed seed. */
    static final int HL_MAX_ROWS = 2000;

    private Comparison() {
    }

    public static CompareResult compare(CompareSpec spec, Direction direction, Sample baseline, Sample candidate,
                                        Optional<SequentialMemory> memory) {
        String test = spec.test().word();
        Samples samples = new Samples(baseline.n(), candidate.n());
        double margin = baseline.n() > 0 ? spec.absoluteMargin(baseline.mean()) : spec.margin();
        if (baseline.n() < MIN_ROWS || candidate.n() < MIN_ROWS) {
            return inconclusive(spec, test, margin, samples, "only " + Math.min(baseline.n(), candidate.n())
                    + " rows in a variant; a comparison needs " + MIN_ROWS + " per variant", memory);
        }
        if (baseline.constant(candidate)) {
            // Every value equal: the tests have nothing to rank (Commons Statistics returns NaN), and no shift exists.
            return new CompareResult(test, OptionalDouble.of(0), OptionalDouble.of(0), OptionalDouble.of(0), OptionalDouble.of(1),
                    spec.confidence(), margin, samples, Verdict.NOT_WORSE, List.of("all values are equal"), memory);
        }
        return switch (spec.test()) {
            case SEQUENTIAL -> sequential(spec, direction, baseline, candidate, margin, samples, memory);
            case WELCH -> welch(spec, direction, baseline, candidate, margin, samples);
            case MANN_WHITNEY -> mannWhitney(spec, direction, baseline, candidate, margin, samples);
        };
    }

    /** The closed-form mSPRT of the class comment, with memory across looks. */
    static CompareResult sequential(CompareSpec spec, Direction direction, Sample b, Sample c, double margin, Samples samples,
                                    Optional<SequentialMemory> memory) {
        double tau = spec.tau().orElse(margin);
        double alpha = 1 - spec.confidence();
        double delta = c.mean() - b.mean();
        double v = c.variance() / c.n() + b.variance() / b.n();
        double tau2 = tau * tau;
        double p;
        double half;
        if (v == 0) {
            // Both arms constant (but different): the difference is known exactly.
            p = delta == 0 ? 1 : 0;
            half = 0;
        } else {
            double logLambda = 0.5 * Math.log(v / (v + tau2)) + tau2 * delta * delta / (2 * v * (v + tau2));
            p = Math.min(1, Math.exp(-logLambda));
            half = Math.sqrt(v * (v + tau2) / tau2 * Math.log((v + tau2) / (v * alpha * alpha)));
        }
        double lower = delta - half;
        double upper = delta + half;
        List<String> reasons = new ArrayList<>();
        if (memory.isPresent()) {
            SequentialMemory m = memory.get();
            p = Math.min(p, m.pValue());
            double lo = Math.max(lower, m.lower());
            double hi = Math.min(upper, m.upper());
            if (lo <= hi) {
                lower = lo;
                upper = hi;
            } else {
                reasons.add("this look's interval does not overlap the earlier ones; using this look's");
            }
        }
        SequentialMemory next = new SequentialMemory(p, lower, upper);
        return result(spec, direction, delta, lower, upper, p, margin, samples, reasons, Optional.of(next));
    }

    static CompareResult welch(CompareSpec spec, Direction direction, Sample b, Sample c, double margin, Samples samples) {
        TTest.Result r = TTest.withDefaults().test(c.mean(), c.variance(), c.n(), b.mean(), b.variance(), b.n());
        double delta = c.mean() - b.mean();
        double se = Math.sqrt(c.variance() / c.n() + b.variance() / b.n());
        double t = TDistribution.of(r.getDegreesOfFreedom()).inverseSurvivalProbability((1 - spec.confidence()) / 2);
        return result(spec, direction, delta, delta - t * se, delta + t * se, r.getPValue(), margin, samples, List.of(),
                Optional.empty());
    }

    static CompareResult mannWhitney(CompareSpec spec, Direction direction, Sample b, Sample c, double margin, Samples samples) {
        double p = MannWhitneyUTest.withDefaults()
                .with(AlternativeHypothesis.TWO_SIDED)
                .with(PValueMethod.ASYMPTOTIC)
                .with(ContinuityCorrection.ENABLED)
                .test(c.values(), b.values()).getPValue();
        List<String> reasons = new ArrayList<>();
        double[] x = subsample(c.values(), 1);
        double[] y = subsample(b.values(), 2);
        if (x.length < c.values().length || y.length < b.values().length) {
            reasons.add("Hodges–Lehmann from " + x.length + " and " + y.length + " rows drawn with a fixed seed");
        }
        double[] hl = hodgesLehmann(x, y, spec.confidence());
        return result(spec, direction, hl[0], hl[1], hl[2], p, margin, samples, reasons, Optional.empty());
    }

    /**
     * The Hodges–Lehmann shift of x over y (the median of all x_i − y_j) and its distribution-free
     * interval: the k-th smallest and k-th largest difference, k = floor(nm/2 − z·sqrt(nm(n+m+1)/12)),
     * the large-sample form of the Moses interval.
     */
    static double[] hodgesLehmann(double[] x, double[] y, double confidence) {
        int n = x.length;
        int m = y.length;
        double[] d = new double[n * m];
        int k = 0;
        for (double xi : x) {
            for (double yj : y) {
                d[k++] = xi - yj;
            }
        }
        Arrays.sort(d);
        int size = d.length;
        double median = size % 2 == 1 ? d[size / 2] : (d[size / 2 - 1] + d[size / 2]) / 2;
        double z = NormalDistribution.of(0, 1).inverseSurvivalProbability((1 - confidence) / 2);
        long rank = (long) Math.floor(size / 2.0 - z * Math.sqrt((double) n * m * (n + m + 1) / 12.0));
        rank = Math.max(1, Math.min(rank, size));
        return new double[] {median, d[(int) rank - 1], d[size - (int) rank]};
    }

    private static double[] subsample(double[] values, long seed) {
        if (values.length <= HL_MAX_ROWS) {
            return values;
        }
        double[] copy = values.clone();
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < HL_MAX_ROWS; i++) {
            int j = i + random.nextInt(copy.length - i);
            double t = copy[i];
            copy[i] = copy[j];
            copy[j] = t;
        }
        return Arrays.copyOf(copy, HL_MAX_ROWS);
    }

    /** The verdict, with the difference oriented so that positive is worse. */
    private static CompareResult result(CompareSpec spec, Direction direction, double estimate, double lower, double upper,
                                        double p, double margin, Samples samples, List<String> reasons,
                                        Optional<SequentialMemory> memory) {
        double worseLow = direction == Direction.LOWER ? lower : -upper;
        double worseHigh = direction == Direction.LOWER ? upper : -lower;
        Verdict verdict = worseLow > margin ? Verdict.WORSE : worseHigh < margin ? Verdict.NOT_WORSE : Verdict.INCONCLUSIVE;
        return new CompareResult(spec.test().word(), OptionalDouble.of(estimate), OptionalDouble.of(lower),
                OptionalDouble.of(upper), OptionalDouble.of(p), spec.confidence(), margin, samples, verdict, reasons, memory);
    }

    private static CompareResult inconclusive(CompareSpec spec, String test, double margin, Samples samples, String reason,
                                              Optional<SequentialMemory> memory) {
        return new CompareResult(test, OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(),
                OptionalDouble.empty(), spec.confidence(), margin, samples, Verdict.INCONCLUSIVE, List.of(reason), memory);
    }

    /**
     * Holm's step-down adjustment of the p-values among {@code results} (empty and p-less ones
     * take no part): sorted ascending, p_(i) becomes max over j ≤ i of min(1, (m − j + 1)·p_(j)).
     * It keeps the chance of calling any of m slices worse by luck below 1 − confidence.
     */
    static OptionalDouble[] holm(List<Optional<CompareResult>> results) {
        List<Integer> tested = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i).flatMap(r -> r.pValue().isPresent() ? Optional.of(r) : Optional.empty()).isPresent()) {
                tested.add(i);
            }
        }
        tested.sort((a, b) -> Double.compare(results.get(a).orElseThrow().pValue().getAsDouble(),
                results.get(b).orElseThrow().pValue().getAsDouble()));
        OptionalDouble[] adjusted = new OptionalDouble[results.size()];
        Arrays.fill(adjusted, OptionalDouble.empty());
        int m = tested.size();
        double running = 0;
        for (int j = 0; j < m; j++) {
            double p = results.get(tested.get(j)).orElseThrow().pValue().getAsDouble();
            running = Math.max(running, Math.min(1, (m - j) * p));
            adjusted[tested.get(j)] = OptionalDouble.of(running);
        }
        return adjusted;
    }

    /**
     * A comparison after Holm's adjustment across {@code tests} comparisons: a WORSE verdict
     * stands only when the adjusted p-value is below 1 − confidence too; otherwise it is
     * inconclusive, and says why.
     */
    static CompareResult afterHolm(CompareResult r, OptionalDouble adjusted, int tests) {
        if (r.verdict() != Verdict.WORSE || adjusted.isEmpty() || adjusted.getAsDouble() < 1 - r.confidence()) {
            return r;
        }
        List<String> reasons = new ArrayList<>(r.reasons());
        reasons.add("worse at p " + pValue(r.pValue().getAsDouble()) + ", but not after Holm's adjustment across "
                + tests + " slices (p " + pValue(adjusted.getAsDouble()) + ")");
        return new CompareResult(r.test(), r.estimate(), r.lower(), r.upper(), r.pValue(), r.confidence(), r.margin(),
                r.samples(), Verdict.INCONCLUSIVE, reasons, r.memory());
    }

    private static String pValue(double p) {
        return p < 1e-4 ? "< 0.0001" : Numbers.show(p);
    }

    /** "latency_ms +9.3 (95 % CI −2.8 … 21.5), inconclusive at margin 2" — the line a person reads. */
    public static String sentence(String metric, CompareResult r) {
        String verdict = r.verdict().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        if (r.estimate().isEmpty()) {
            return metric + ": " + verdict + " (" + String.join("; ", r.reasons()) + ")";
        }
        String est = (r.estimate().getAsDouble() > 0 ? "+" : "") + Numbers.show(r.estimate().getAsDouble());
        return metric + " " + est + " (" + Numbers.show(r.confidence() * 100) + " % CI " + Numbers.show(r.lower().getAsDouble())
                + " … " + Numbers.show(r.upper().getAsDouble()) + ", " + r.test() + ", p " + pValue(r.pValue().getAsDouble())
                + "), " + verdict + " at margin " + Numbers.show(r.margin());
    }
}
