package dev.rollout.judge;

import dev.rollout.judge.Evaluation.MetricResult;
import dev.rollout.metrics.AgreementResult;
import dev.rollout.metrics.DriftResult;

import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;

/** The line a person reads under the table for a drift or an agreement metric, in every output format. */
public final class OutputSentence {

    private OutputSentence() {
    }

    /** Empty for a metric of one variant at a time. */
    public static Optional<String> of(MetricResult m) {
        return m.drift().map(d -> drift(m.name(), d)).or(() -> m.agreement().map(a -> agreement(m.name(), a)));
    }

    /**
     * "score_drift: psi 0.034 over 10 bins; most moved: [0.12, 0.3) baseline 10 %, candidate 14.2 %", or
     * "score_drift: ks D 0.044, p 0.009".
     */
    static String drift(String metric, DriftResult d) {
        if (d.pValue().isPresent()) {
            return metric + ": ks D " + Numbers.show(d.value()) + ", p " + Numbers.show(d.pValue().getAsDouble());
        }
        StringBuilder sb = new StringBuilder(metric + ": " + d.test() + " " + Numbers.show(d.value()) + " over "
                + d.bins().size() + (d.bins().size() == 1 ? " bin" : " bins"));
        d.bins().stream().max(Comparator.comparingDouble(b -> Math.abs(b.candidateShare() - b.baselineShare())))
                .filter(b -> b.candidateShare() != b.baselineShare())
                .ifPresent(b -> sb.append("; most moved: ").append(range(b)).append(" baseline ")
                        .append(percent(b.baselineShare())).append(", candidate ").append(percent(b.candidateShare())));
        return sb.toString();
    }

    /** A bin as a person reads it: 'fraud', "< 0.12", "[0.12, 0.3)", ">= 0.9", "= 0.5". */
    static String range(DriftResult.Bin b) {
        if (b.label().isPresent()) {
            return "'" + b.label().get() + "'";
        }
        if (b.lower().isEmpty()) {
            return "< " + Numbers.show(b.upper().getAsDouble());
        }
        if (b.upper().isEmpty()) {
            return ">= " + Numbers.show(b.lower().getAsDouble());
        }
        if (b.lower().getAsDouble() == b.upper().getAsDouble()) {
            return "= " + Numbers.show(b.lower().getAsDouble());
        }
        return "[" + Numbers.show(b.lower().getAsDouble()) + ", " + Numbers.show(b.upper().getAsDouble()) + ")";
    }

    /** "agreement: 9,512 of 9,800 pairs agree (97.1 %); unmatched requests: baseline 200, candidate 180". */
    static String agreement(String metric, AgreementResult a) {
        StringBuilder sb = new StringBuilder(metric + ": " + count(a.agreeing()) + " of " + count(a.pairs()) + " pairs agree");
        a.rate().ifPresent(r -> sb.append(" (").append(percent(r)).append(')'));
        sb.append("; unmatched requests: baseline ").append(count(a.baselineUnmatched())).append(", candidate ")
                .append(count(a.candidateUnmatched()));
        if (a.baselineRepeated() + a.candidateRepeated() > 0) {
            sb.append("; left out, their key repeats: ").append(count(a.baselineRepeated())).append(" baseline and ")
                    .append(count(a.candidateRepeated())).append(" candidate rows");
        }
        return sb.toString();
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.1f", share * 100) + " %";
    }
}
