package dev.rollout.judge;

import dev.rollout.judge.Evaluation.GapResult;
import dev.rollout.judge.Evaluation.GateResult;
import dev.rollout.judge.Evaluation.Samples;
import dev.rollout.judge.Evaluation.SliceResult;
import dev.rollout.metrics.Measurement;
import dev.rollout.metrics.Slice;
import dev.rollout.spec.MetricSpec;
import dev.rollout.spec.SliceSpec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A metric judged per slice: every gate of the metric on every slice with enough rows, a
 * comparison per slice with Holm's adjustment across them, and {@code maxGap} on the
 * candidate's spread. The failures join the metric's own gate, so a failed critical gate in
 * any slice rolls back and a failed non-critical one holds, exactly as on the whole window.
 */
final class SliceJudge {

    private SliceJudge() {
    }

    /** What the slices add to a metric's line. */
    record Judged(List<SliceResult> slices, Optional<GapResult> gap, List<GateResult> gates) {
        static final Judged NONE = new Judged(List.of(), Optional.empty(), List.of());

        /** The metric's gate on the whole window with the slices' gates and the gap joined to it. */
        GateResult into(GateResult whole) {
            boolean passed = whole.passed();
            boolean failed = whole.failed();
            List<String> reasons = new ArrayList<>(whole.reasons());
            for (GateResult g : gates) {
                passed &= g.passed();
                failed |= g.failed();
                reasons.addAll(g.reasons());
            }
            return new GateResult(passed, failed, whole.critical(), reasons);
        }
    }

    static Judged judge(SliceSpec spec, MetricSpec metric, Measurement m, boolean hasVariant) {
        List<Slice> slices = m.slices();
        int n = slices.size();
        boolean[] judged = new boolean[n];
        GateResult[] gates = new GateResult[n];
        List<Optional<CompareResult>> compares = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Slice s = slices.get(i);
            Measurement sm = s.measurement();
            judged[i] = s.candidateRows() >= spec.minRows() && (!hasVariant || s.baselineRows() >= spec.minRows());
            compares.add(Optional.empty());
            if (judged[i]) {
                // Without a gate there is nothing to check on a slice: no value in it holds nothing, as no score is asked of it.
                gates[i] = metric.gate().isPresent() ? Judge.gate(metric, name(metric, s), sm, hasVariant)
                        : new GateResult(true, false, false, List.of());
                // Each look's per-slice sequential test stands alone: its always-valid p-value needs no memory to be valid.
                compares.set(i, metric.compare().map(c -> Comparison.compare(c, metric.direction(), sm.baselineRows(),
                        sm.candidateRows(), Optional.empty())));
            }
        }
        OptionalDouble[] adjusted = Comparison.holm(compares);
        String[] holmNotes = new String[n];
        int tests = 0;
        for (OptionalDouble a : adjusted) {
            tests += a.isPresent() ? 1 : 0;
        }
        for (int i = 0; i < n; i++) {
            Optional<CompareResult> c = compares.get(i);
            if (c.isPresent()) {
                CompareResult after = Comparison.afterHolm(c.get(), adjusted[i], tests);
                if (after != c.get()) {
                    holmNotes[i] = after.reasons().get(after.reasons().size() - 1);
                }
                compares.set(i, Optional.of(after));
                gates[i] = Judge.withComparison(gates[i], metric, name(metric, slices.get(i)), after);
            }
        }
        Optional<GapResult> gap = spec.maxGap(metric.name()).isPresent()
                ? gap(spec.maxGap(metric.name()).getAsDouble(), slices, judged) : Optional.empty();
        List<SliceResult> results = new ArrayList<>();
        List<GateResult> failedFirst = new ArrayList<>();
        List<Integer> order = worstFirst(metric, slices, judged, gates);
        for (int i : order) {
            Slice s = slices.get(i);
            Measurement sm = s.measurement();
            List<String> notes = new ArrayList<>(sm.notes());
            if (!judged[i]) {
                notes.add(0, "reported, not judged: " + s.baselineRows() + " baseline and " + s.candidateRows()
                        + " candidate rows; slices.minRows is " + spec.minRows());
            } else {
                failedFirst.add(gates[i]);
            }
            if (holmNotes[i] != null) {
                notes.add(holmNotes[i]);
            }
            Map<String, String> values = new LinkedHashMap<>();
            for (int k = 0; k < s.by().size(); k++) {
                values.put(s.by().get(k), s.values().get(k));
            }
            results.add(new SliceResult(s.key(), values, sm.baseline(), sm.candidate(), Judge.delta(sm),
                    new Samples(s.baselineRows(), s.candidateRows()), new Samples(sm.baselineSamples(), sm.candidateSamples()),
                    judged[i], Optional.ofNullable(gates[i]), compares.get(i), adjusted[i], notes));
        }
        gap.filter(g -> !g.passed()).ifPresent(g -> failedFirst.add(new GateResult(false, true, false, List.of(metric.name()
                + ": the candidate's slices differ by " + Numbers.show(g.gap()) + " (best " + g.best() + " "
                + Numbers.show(g.bestValue()) + ", worst " + g.worst() + " " + Numbers.show(g.worstValue())
                + ") > maxGap " + Numbers.show(g.max())))));
        return new Judged(results, gap, failedFirst);
    }

    private static String name(MetricSpec metric, Slice s) {
        return metric.name() + " in " + s.key();
    }

    /** The candidate's best judged slice minus its worst, in the metric's direction; nothing with fewer than two values. */
    private static Optional<GapResult> gap(double max, List<Slice> slices, boolean[] judged) {
        int lo = -1;
        int hi = -1;
        for (int i = 0; i < slices.size(); i++) {
            OptionalDouble v = slices.get(i).measurement().candidate();
            if (!judged[i] || v.isEmpty()) {
                continue;
            }
            if (lo < 0 || v.getAsDouble() < slices.get(lo).measurement().candidate().getAsDouble()) {
                lo = i;
            }
            if (hi < 0 || v.getAsDouble() > slices.get(hi).measurement().candidate().getAsDouble()) {
                hi = i;
            }
        }
        if (lo < 0 || lo == hi) {
            return Optional.empty();
        }
        double low = slices.get(lo).measurement().candidate().getAsDouble();
        double high = slices.get(hi).measurement().candidate().getAsDouble();
        double gap = Numbers.decimal(high).subtract(Numbers.decimal(low)).doubleValue();
        // Which end is best depends on the direction; the spread does not.
        return Optional.of(new GapResult(gap, max, slices.get(hi).key(), high, slices.get(lo).key(), low,
                Numbers.decimal(gap).compareTo(Numbers.decimal(max)) <= 0));
    }

    /**
     * Failed gates first, then gates that could not be checked, then passed ones, then the
     * slices too small to judge; within each, the largest regression of the candidate first.
     */
    private static List<Integer> worstFirst(MetricSpec metric, List<Slice> slices, boolean[] judged, GateResult[] gates) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < slices.size(); i++) {
            order.add(i);
        }
        Comparator<Integer> byState = Comparator.comparingInt(i -> !judged[i] ? 3 : gates[i].failed() ? 0 : !gates[i].passed() ? 1 : 2);
        Comparator<Integer> byRegression = Comparator.comparingDouble(i -> -regression(metric, slices.get(i).measurement()));
        order.sort(byState.thenComparing(byRegression));
        return order;
    }

    /** How much worse the candidate is than the baseline, in the metric's bad direction; -infinity without both. */
    private static double regression(MetricSpec metric, Measurement m) {
        OptionalDouble delta = Judge.delta(m);
        if (delta.isEmpty()) {
            return Double.NEGATIVE_INFINITY;
        }
        return metric.direction() == MetricSpec.Direction.HIGHER ? -delta.getAsDouble() : delta.getAsDouble();
    }
}
