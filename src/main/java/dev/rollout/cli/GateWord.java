package dev.rollout.cli;

import dev.rollout.judge.Evaluation.GateResult;
import dev.rollout.judge.Evaluation.MetricResult;

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
        String word = switch (outcome(m.gate())) {
            case PASS -> "pass";
            case FAIL -> emphasis.apply("FAIL");
            case NO_VALUE -> "no value";
        };
        return word + (m.gate().critical() ? " (critical)" : "") + (m.advisory() ? ", advisory" : "");
    }
}
