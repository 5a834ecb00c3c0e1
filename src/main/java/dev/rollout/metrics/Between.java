package dev.rollout.metrics;

import dev.rollout.spec.MetricSource;
import org.apache.commons.statistics.inference.KolmogorovSmirnovTest;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeSet;

/**
 * The metrics computed between the two variants rather than per variant: drift (psi, ks, js)
 * and agreement. Each takes both variants' accumulators of one input and gives one value,
 * the candidate's against the baseline, computed as numpy and scipy compute it.
 */
final class Between {

    /** PSI raises proportions below this, so that an empty bin does not make it infinite. */
    static final double FLOOR = 1e-4;

    private Between() {
    }

    /** One value between the variants, with each variant's rows that went into it, and the details. */
    record Value(MetricValue value, long baselineSamples, long candidateSamples, long baselineMissing,
                 long candidateMissing, Optional<DriftResult> drift, Optional<AgreementResult> agreement) {
    }

    static Value drift(MetricSource.Drift d, Accumulator baselineAcc, Accumulator candidateAcc) {
        if (d.labels()) {
            LabelCounts b = (LabelCounts) baselineAcc;
            LabelCounts c = (LabelCounts) candidateAcc;
            long nb = b.samples();
            long nc = c.samples();
            Optional<String> none = empty(nb, nc);
            if (none.isPresent()) {
                return new Value(MetricValue.none(0, 0, none.get()), nb, nc, b.missing(), c.missing(), Optional.empty(), Optional.empty());
            }
            // Labels in text order: the bins, and so the sums over them, do not depend on which rows came first.
            TreeSet<String> labels = new TreeSet<>(b.labels());
            labels.addAll(c.labels());
            List<DriftResult.Bin> bins = new ArrayList<>();
            for (String label : labels) {
                long bn = b.count(label);
                long cn = c.count(label);
                bins.add(new DriftResult.Bin(Optional.of(label), OptionalDouble.empty(), OptionalDouble.empty(), bn, cn,
                        (double) bn / nb, (double) cn / nc));
            }
            return binned(d, bins, nb, nc, b.missing(), c.missing());
        }
        ColumnStats b = (ColumnStats) baselineAcc;
        ColumnStats c = (ColumnStats) candidateAcc;
        int nb = b.kept();
        int nc = c.kept();
        Optional<String> none = empty(nb, nc);
        if (none.isPresent()) {
            return new Value(MetricValue.none(0, 0, none.get()), nb, nc, b.missingCells(), c.missingCells(),
                    Optional.empty(), Optional.empty());
        }
        double[] bs = b.sortedValues();
        double[] cs = c.sortedValues();
        if (d.test() == MetricSource.DriftTest.KS) {
            double[] statisticAndP = ks(bs, nb, cs, nc);
            DriftResult result = new DriftResult("ks", statisticAndP[0], OptionalDouble.of(statisticAndP[1]), List.of());
            return new Value(MetricValue.of(result.value(), nb + nc, 0), nb, nc, b.missingCells(), c.missingCells(),
                    Optional.of(result), Optional.empty());
        }
        return binned(d, numberBins(d.bins(), bs, nb, cs, nc), nb, nc, b.missingCells(), c.missingCells());
    }

    /**
     * {@code scipy.stats.ks_2samp(b, c)}, default method: Commons Statistics computes the same
     * D and p-value (exact up to 10,000 values a side, else Smirnov's asymptotic), but needs two
     * values a side; with one, the p-value is scipy's as below.
     */
    static double[] ks(double[] b, int nb, double[] c, int nc) {
        if (nb >= 2 && nc >= 2) {
            KolmogorovSmirnovTest.TwoResult r = KolmogorovSmirnovTest.withDefaults().test(Arrays.copyOf(b, nb), Arrays.copyOf(c, nc));
            return new double[] {r.getStatistic(), r.getPValue()};
        }
        double[] one = nb == 1 ? b : c;
        double[] other = nb == 1 ? c : b;
        int m = nb == 1 ? nc : nb;
        // D: the single value's step against the other sample's ECDF just below and at it.
        double below = below(other, m, one[0]) / (double) m;
        double atOrBelow = notAbove(other, m, one[0]) / (double) m;
        double statistic = Math.max(below, 1 - atOrBelow);
        if (m > 10_000) {
            // scipy's asymptotic branch: kstwo.sf(D, round(m / (m + 1))), the one-sample distribution of n = 1.
            return new double[] {statistic, statistic >= 1 ? 0 : statistic <= 0.5 ? 1 : 2 - 2 * statistic};
        }
        // Exact: the single value is equally likely at each of the m + 1 places among the other sample's;
        // at place j, D = max(j, m - j) / m. scipy counts on the lattice of D·m rounded.
        long h = Math.round(statistic * m);
        long count = 0;
        for (int j = 0; j <= m; j++) {
            if (Math.max(j, m - j) >= h) {
                count++;
            }
        }
        return new double[] {statistic, Math.min(1, (double) count / (m + 1))};
    }

    private static Optional<String> empty(long nb, long nc) {
        if (nb == 0 || nc == 0) {
            return Optional.of("drift needs values of both variants; the window has " + nb + " baseline and " + nc
                    + " candidate values");
        }
        return Optional.empty();
    }

    /**
     * The baseline's quantiles at 0, 1/bins, …, 1 ({@code np.quantile}, linear), repeated edges
     * dropped; the inner edges cut the line into bins [e(i), e(i+1)), the first and last open.
     * A constant baseline has a single edge c: the bins are below c, c itself, and above c.
     */
    static List<DriftResult.Bin> numberBins(int bins, double[] b, int nb, double[] c, int nc) {
        List<Double> edges = new ArrayList<>();
        for (int k = 0; k <= bins; k++) {
            double e = Percentiles.quantile(b, nb, (double) k / bins);
            if (edges.isEmpty() || e != edges.get(edges.size() - 1)) {
                edges.add(e);
            }
        }
        List<DriftResult.Bin> out = new ArrayList<>();
        if (edges.size() == 1) {
            double only = edges.get(0);
            long bBelow = below(b, nb, only);
            long cBelow = below(c, nc, only);
            long bAt = notAbove(b, nb, only) - bBelow;
            long cAt = notAbove(c, nc, only) - cBelow;
            out.add(bin(OptionalDouble.empty(), OptionalDouble.of(only), bBelow, cBelow, nb, nc));
            out.add(bin(OptionalDouble.of(only), OptionalDouble.of(only), bAt, cAt, nb, nc));
            out.add(bin(OptionalDouble.of(only), OptionalDouble.empty(), nb - bBelow - bAt, nc - cBelow - cAt, nb, nc));
            return out;
        }
        long bBefore = 0;
        long cBefore = 0;
        for (int i = 1; i < edges.size(); i++) {
            boolean last = i == edges.size() - 1;
            long bUpTo = last ? nb : below(b, nb, edges.get(i));
            long cUpTo = last ? nc : below(c, nc, edges.get(i));
            out.add(bin(i == 1 ? OptionalDouble.empty() : OptionalDouble.of(edges.get(i - 1)),
                    last ? OptionalDouble.empty() : OptionalDouble.of(edges.get(i)), bUpTo - bBefore, cUpTo - cBefore, nb, nc));
            bBefore = bUpTo;
            cBefore = cUpTo;
        }
        return out;
    }

    private static DriftResult.Bin bin(OptionalDouble lower, OptionalDouble upper, long bn, long cn, long nb, long nc) {
        return new DriftResult.Bin(Optional.empty(), lower, upper, bn, cn, (double) bn / nb, (double) cn / nc);
    }

    /** How many of the sorted {@code a[0..n)} are below {@code x}. */
    private static int below(double[] a, int n, double x) {
        int lo = 0;
        int hi = n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** How many of the sorted {@code a[0..n)} are at most {@code x}. */
    private static int notAbove(double[] a, int n, double x) {
        int lo = 0;
        int hi = n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] <= x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static Value binned(MetricSource.Drift d, List<DriftResult.Bin> bins, long nb, long nc, long bMissing, long cMissing) {
        double[] b = bins.stream().mapToDouble(DriftResult.Bin::baselineShare).toArray();
        double[] c = bins.stream().mapToDouble(DriftResult.Bin::candidateShare).toArray();
        double value = d.test() == MetricSource.DriftTest.PSI ? psi(b, c) : jensenShannon(b, c);
        DriftResult result = new DriftResult(d.test().name().toLowerCase(java.util.Locale.ROOT), value, OptionalDouble.empty(), bins);
        return new Value(MetricValue.of(value, nb + nc, 0), nb, nc, bMissing, cMissing, Optional.of(result), Optional.empty());
    }

    /** Σ (c − b)·ln(c / b) over the bins, each share raised to at least {@link #FLOOR}. */
    static double psi(double[] b, double[] c) {
        double[] terms = new double[b.length];
        for (int i = 0; i < b.length; i++) {
            double bi = Math.max(b[i], FLOOR);
            double ci = Math.max(c[i], FLOOR);
            terms[i] = (ci - bi) * Math.log(ci / bi);
        }
        return NumpySum.of(terms);
    }

    /** {@code scipy.spatial.distance.jensenshannon(b, c, base=2)}, operation for operation. */
    static double jensenShannon(double[] b, double[] c) {
        double sb = NumpySum.of(b);
        double sc = NumpySum.of(c);
        double[] left = new double[b.length];
        double[] right = new double[b.length];
        for (int i = 0; i < b.length; i++) {
            double p = b[i] / sb;
            double q = c[i] / sc;
            double m = (p + q) / 2.0;
            left[i] = relativeEntropy(p, m);
            right[i] = relativeEntropy(q, m);
        }
        double js = (NumpySum.of(left) + NumpySum.of(right)) / Math.log(2);
        return Math.sqrt(js / 2.0);
    }

    /** {@code scipy.special.rel_entr}. */
    private static double relativeEntropy(double x, double y) {
        if (x > 0 && y > 0) {
            return x * Math.log(x / y);
        }
        return x == 0 && y >= 0 ? 0 : Double.POSITIVE_INFINITY;
    }

    /**
     * Joins the variants' rows on the request key: both sorted by key hash, walked together. A key
     * with one row in each variant is a pair; a key with more than one row in either is left out.
     */
    static Value agreement(MetricSource.Agreement a, Accumulator baselineAcc, Accumulator candidateAcc) {
        KeyedOutputs bAcc = (KeyedOutputs) baselineAcc;
        KeyedOutputs cAcc = (KeyedOutputs) candidateAcc;
        long nb = bAcc.samples();
        long nc = cAcc.samples();
        long bMissing = bAcc.missing();
        long cMissing = cAcc.missing();
        // A candidate label's id in the baseline's numbering; -1 for a label the baseline never output.
        int[] toBaseline = new int[cAcc.labels().size()];
        for (int i = 0; i < toBaseline.length; i++) {
            toBaseline[i] = bAcc.labels().indexOf(cAcc.label(i));
        }
        KeyedOutputs.Sorted b = bAcc.sorted();
        KeyedOutputs.Sorted c = cAcc.sorted();
        long pairs = 0;
        long agreeing = 0;
        long bUnmatched = 0;
        long cUnmatched = 0;
        long bRepeated = 0;
        long cRepeated = 0;
        int i = 0;
        int j = 0;
        while (i < b.keys().length || j < c.keys().length) {
            long key = j == c.keys().length || i < b.keys().length && b.keys()[i] < c.keys()[j] ? b.keys()[i] : c.keys()[j];
            int bi = i;
            while (i < b.keys().length && b.keys()[i] == key) {
                i++;
            }
            int cj = j;
            while (j < c.keys().length && c.keys()[j] == key) {
                j++;
            }
            int bRun = i - bi;
            int cRun = j - cj;
            if (bRun > 1 || cRun > 1) {
                bRepeated += bRun;
                cRepeated += cRun;
            } else if (cRun == 0) {
                bUnmatched++;
            } else if (bRun == 0) {
                cUnmatched++;
            } else {
                pairs++;
                double bv = b.values()[bi];
                double cv = c.values()[cj];
                boolean agree = a.scores() ? within(bv, cv, a.tolerance()) : toBaseline[(int) cv] == (int) bv;
                if (agree) {
                    agreeing++;
                }
            }
        }
        OptionalDouble rate = pairs == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) agreeing / pairs);
        AgreementResult result = new AgreementResult(pairs, agreeing, bUnmatched, cUnmatched, bRepeated, cRepeated, rate);
        MetricValue value = pairs == 0
                ? MetricValue.none(0, 0, "no request has exactly one row in each variant (" + nb + " baseline and " + nc
                + " candidate rows with a key)")
                : MetricValue.of(rate.getAsDouble(), pairs, 0);
        return new Value(value, nb, nc, bMissing, cMissing, Optional.empty(), Optional.of(result));
    }

    /**
     * |c − b| ≤ tolerance as the decimals read, not as binary doubles do: 0.3 and 0.25 are within 0.05.
     * Decimal arithmetic only near the boundary, so a row costs a subtraction.
     */
    static boolean within(double b, double c, double tolerance) {
        double diff = Math.abs(c - b);
        double slack = 4 * Math.ulp(Math.max(Math.abs(b), Math.abs(c)) + tolerance);
        if (diff < tolerance - slack) {
            return true;
        }
        if (diff > tolerance + slack) {
            return false;
        }
        BigDecimal exact = new BigDecimal(Double.toString(c)).subtract(new BigDecimal(Double.toString(b))).abs();
        return exact.compareTo(new BigDecimal(Double.toString(tolerance))) <= 0;
    }
}
