package dev.rollout.judge;

import dev.rollout.judge.Evaluation.SplitResult;
import dev.rollout.metrics.MetricsReport;
import dev.rollout.spec.SplitCheck;
import dev.rollout.spec.StageSpec;
import org.apache.commons.statistics.inference.ChiSquareTest;
import org.apache.commons.statistics.inference.SignificanceResult;

import java.util.Locale;
import java.util.Optional;

/**
 * Whether the rows show the split the stage asks for: a router that silently failed to apply a
 * stage leaves the candidate with far more or far fewer rows than its share, and every metric
 * then judges something other than the stage.
 */
final class Split {

    private Split() {
    }

    /**
     * {@code scipy.stats.chisquare([candidate, baseline], f_exp=[n·s, n·(1 − s)])}; empty when
     * the stage has no check, the exports no variant column, no rows, or the stage sends all or
     * no traffic to the candidate (nothing to test).
     */
    static Optional<SplitResult> check(StageSpec stage, MetricsReport report) {
        if (stage.splitCheck().isEmpty() || !report.hasVariant() || stage.traffic() <= 0 || stage.traffic() >= 100) {
            return Optional.empty();
        }
        long candidate = report.candidateRows();
        long n = candidate + report.baselineRows();
        if (n == 0) {
            return Optional.empty();
        }
        SplitCheck c = stage.splitCheck().get();
        double share = c.expectedPercent(stage) / 100.0;
        double[] expected = {n * share, n * (1 - share)};
        long[] observed = {candidate, report.baselineRows()};
        SignificanceResult r = ChiSquareTest.withDefaults().test(expected, observed);
        return Optional.of(new SplitResult(c.expectedPercent(stage), 100.0 * candidate / n, n, r.getStatistic(),
                r.getPValue(), c.pValue(), r.getPValue() >= c.pValue()));
    }

    /** "expected 5 % candidate rows, found 12.3 % of 40,210; χ² p = 3e-41: is the router applying the stage?" */
    static String sentence(SplitResult s) {
        return "expected " + Numbers.show(s.expectedPercent()) + " % candidate rows, found "
                + String.format(Locale.ROOT, "%.1f", s.observedPercent()) + " % of "
                + String.format(Locale.ROOT, "%,d", s.rows()) + "; χ² p = " + p(s.pValue())
                + " < splitCheck.pValue " + Numbers.show(s.threshold()) + ": is the router applying the stage?";
    }

    private static String p(double p) {
        return p == 0 ? "0 (below 1e-300)" : String.format(Locale.ROOT, "%.2g", p).replaceAll("\\.?0+e", "e")
                .replace("e-0", "e-").replace("e+0", "e").replace("e+", "e");
    }
}
