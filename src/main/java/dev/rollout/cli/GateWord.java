package dev.rollout.cli;

import dev.rollout.judge.Evaluation.GapResult;
import dev.rollout.judge.Evaluation.GateResult;
import dev.rollout.judge.Evaluation.MetricResult;
import dev.rollout.judge.Evaluation.SliceResult;
import dev.rollout.judge.Numbers;

import java.util.function.UnaryOperator;

/**
 * A metric's gate as every output writes it (text, Markdown, the report): pass, FAIL or
 * no value, then "(critical)" and ", advisory". The words are ours, not outside text, so they
 * are written as they are; only the emphasis of FAIL is the format's.
 */
final class GateWord {

    private GateWord() {
    }

    /** A gate's outcome: a check that could not be made for want of a value neither passed nor failed. */
    enum Outcome { PASS, FAIL, NO_VALUE }

    static Outcome outcome(GateResult gate) {
        return gate.passed() ? Outcome.PASS : gate.failed() ? Outcome.FAIL : Outcome.NO_VALUE;
    }

    /** The gate's words, with {@code emphasis} applied to FAIL as the format does it (bold in Markdown). */
    static String of(MetricResult m, UnaryOperator<String> emphasis) {
        return word(m.gate(), emphasis) + (m.gate().critical() ? " (critical)" : "") + (m.advisory() ? ", advisory" : "");
    }

    /** A slice's gate: as the metric's, or "not judged" for a slice with too few rows. */
    static String of(SliceResult s, MetricResult m, UnaryOperator<String> emphasis) {
        if (!s.judged() || s.gate().isEmpty()) {
            return "not judged";
        }
        return word(s.gate().get(), emphasis) + (m.gate().critical() ? " (critical)" : "") + (m.advisory() ? ", advisory" : "");
    }

    private static String word(GateResult gate, UnaryOperator<String> emphasis) {
        return switch (outcome(gate)) {
            case PASS -> "pass";
            case FAIL -> emphasis.apply("FAIL");
            case NO_VALUE -> "no value";
        };
    }

    /** "maxGap 0.05: 0.64 between region=eu and region=apac, FAIL". */
    static String of(GapResult g, UnaryOperator<String> emphasis) {
        return "maxGap " + Numbers.show(g.max()) + ": the candidate's slices differ by " + Numbers.show(g.gap()) + " (best "
                + g.best() + " " + Numbers.show(g.bestValue()) + ", worst " + g.worst() + " " + Numbers.show(g.worstValue())
                + "), " + (g.passed() ? "pass" : emphasis.apply("FAIL"));
    }
}
