package dev.rollout.cli;

import dev.rollout.judge.Decision;
import dev.rollout.judge.Evaluation;
import dev.rollout.judge.Evaluation.MetricResult;
import dev.rollout.judge.Numbers;
import dev.rollout.lifecycle.HistoryEvent;
import dev.rollout.lifecycle.Status;
import dev.rollout.metrics.LabelCoverage;
import dev.rollout.metrics.Provenance;
import dev.rollout.spec.ScoringSpec.ScoreFormula;
import picocli.CommandLine.Help.Ansi;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.stream.Collectors;

import static dev.rollout.ControlCharacters.escaped;

/**
 * The text a person reads for each view: one line of state at a glance, then detail. Every
 * string from a spec, an export, the state, the history or an argument is
 * {@link dev.rollout.ControlCharacters#escaped escaped} (table cells by {@link Table}), so none
 * can start a line of its own or send the terminal an escape sequence.
 */
final class TextViews {

    private TextViews() {
    }

    static String status(Views.RolloutView v, Ansi ansi) {
        StringBuilder sb = new StringBuilder();
        sb.append(bold(v.rollout(), ansi)).append("  ").append(statusWord(v.status(), ansi));
        v.stage().ifPresent(s -> sb.append("  stage ").append(s.index() + 1).append(' ').append(escaped(s.name())));
        sb.append("  traffic ").append(v.traffic()).append(" %");
        sb.append("  candidate ").append(escaped(v.model().candidate())).append(" (baseline ").append(escaped(v.model().baseline()))
                .append(")\n");
        v.stage().ifPresent(s -> sb.append("  entered ").append(s.enteredAt()).append(", serial ").append(v.serial())
                .append(", lineage ").append(escaped(v.lineage().orElse(""))).append('\n'));
        v.stage().filter(s -> v.status() == Status.PROGRESSING).ifPresent(s -> sb.append("  in a row in this stage: ")
                .append(inARow(s.streaks().promote(), s.promoteAfter(), "PROMOTE", "promoteAfter")).append(", ")
                .append(inARow(s.streaks().rollback(), s.rollbackAfter(), "ROLLBACK", "rollbackAfter")).append('\n'));
        v.lastEvaluation().ifPresent(e -> {
            sb.append("  last evaluation: ").append(decisionWord(e.decision(), ansi)).append(" in ").append(escaped(e.stage()))
                    .append(" at ").append(e.at());
            e.score().ifPresent(s -> sb.append(", score ").append(Numbers.show(s)));
            sb.append('\n');
            e.reasons().forEach(r -> sb.append("    - ").append(escaped(r)).append('\n'));
        });
        v.approval().ifPresent(a -> sb.append("  approved in ").append(escaped(a.stage())).append(" by ").append(escaped(a.by()))
                .append(" at ").append(a.at()).append('\n'));
        if (v.specChanged()) {
            sb.append(ansi.string("  @|yellow the spec changed since the state was last written|@\n"));
        }
        return sb.toString();
    }

    /** {@code 1 of 3 PROMOTE (promoteAfter)}, or {@code 1 PROMOTE} without the spec. */
    private static String inARow(int count, Optional<Integer> needed, String decision, String key) {
        return needed.map(n -> count + " of " + n + " " + decision + " (" + key + ")").orElse(count + " " + decision);
    }

    static String plan(Views.PlanView p, Ansi ansi) {
        StringBuilder sb = new StringBuilder(status(p.rollout(), ansi));
        int current = p.rollout().status() == Status.PROGRESSING ? p.rollout().stage().map(Views.StageView::index).orElse(-1) : -1;
        Table stages = new Table("", "#", "stage", "traffic", "bake", "minSamples", "approval", "segment", "promoteAfter",
                "rollbackAfter", "deadline").right(1, 3, 5, 8, 9);
        for (Views.PlanStage s : p.stages()) {
            stages.row(s.index() == current ? ">" : "", Integer.toString(s.index() + 1), s.name(), s.traffic() + " %", s.bake(),
                    Long.toString(s.minSamples()), s.approval() ? "yes" : "",
                    s.segment().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).sorted().collect(Collectors.joining(",")),
                    Integer.toString(s.promoteAfter()), Integer.toString(s.rollbackAfter()), s.deadline().orElse(""));
        }
        sb.append("\nStages\n").append(stages.render("  "));
        Table metrics = new Table("metric", "value", "weight", "direction", "normalize", "gate", "onMissing", "reads", "from").right(2);
        for (Views.PlanMetric m : p.metrics()) {
            metrics.row(m.name() + (m.advisory() ? " (advisory)" : ""), m.source(), Numbers.show(m.weight()), m.direction(),
                    m.normalize().orElse(""), gate(m), m.onMissing(), m.reads(), m.from().file() + ":" + m.from().line());
        }
        sb.append("\nMetrics\n").append(metrics.render("  "));
        if (!p.sources().isEmpty()) {
            Table sources = new Table("source", "kind", "reads", "timeout");
            p.sources().forEach(s -> sources.row(s.name(), s.kind(), s.location(), s.timeout()));
            sb.append("\nSources\n").append(sources.render("  "));
        }
        sb.append("\nScore: ").append(formula(p.scoring().normalizeBy()))
                .append("; promote at >= ").append(Numbers.show(p.scoring().promote()))
                .append(", roll back below ").append(Numbers.show(p.scoring().rollback())).append('\n');
        sb.append(ansi.string("@|bold Next:|@ ")).append(escaped(p.next())).append('\n');
        return sb.toString();
    }

    private static String gate(Views.PlanMetric m) {
        StringBuilder g = new StringBuilder();
        m.min().ifPresent(x -> g.append("min ").append(Numbers.show(x)).append(' '));
        m.max().ifPresent(x -> g.append("max ").append(Numbers.show(x)).append(' '));
        m.maxRegression().ifPresent(x -> g.append("maxRegression ").append(Numbers.show(x)).append(' '));
        m.maxRegressionPct().ifPresent(x -> g.append("maxRegressionPct ").append(Numbers.show(x)).append(" % "));
        if (m.critical()) {
            g.append(m.immediate() ? "critical immediate" : "critical");
        }
        return g.toString().trim();
    }

    static String formula(ScoreFormula f) {
        return f == ScoreFormula.WEIGHTS ? "P = sum(w*p) / sum(w)" : "P = (1/N) * sum(w*p)";
    }

    static String evaluation(Evaluation e, boolean recorded, Ansi ansi) {
        StringBuilder sb = new StringBuilder();
        sb.append(bold(e.rollout(), ansi)).append("  stage ").append(escaped(e.stage())).append("  ")
                .append(decisionWord(e.decision(), ansi));
        e.score().ifPresent(s -> sb.append("  score ").append(Numbers.show(s)));
        sb.append('\n');
        sb.append("  rows in window: baseline ").append(e.rows().baseline()).append(", candidate ").append(e.rows().candidate());
        if (e.rows().other() > 0) {
            sb.append(", other variants ").append(e.rows().other());
        }
        if (e.window().since().isPresent() || e.window().until().isPresent()) {
            sb.append(" (").append(e.window().since().map(Object::toString).orElse("…")).append(" .. ")
                    .append(e.window().until().map(Object::toString).orElse("…")).append(')');
        }
        sb.append('\n');
        e.labels().ifPresent(l -> sb.append("  ").append(escaped(labels(l))).append('\n'));
        Table t = new Table("metric", "baseline", "candidate", "delta", "p", "weight", "gate").right(1, 2, 3, 4, 5);
        for (MetricResult m : e.metrics()) {
            t.row(m.name(), num(m.baseline()), num(m.candidate()), signed(m.delta()), num(m.p()), Numbers.show(m.weight()),
                    GateWord.of(m, word -> word));
        }
        sb.append('\n').append(t.render("  "));
        String positives = e.metrics().stream().filter(m -> m.positive().isPresent())
                .map(m -> escaped(m.name()) + " '" + escaped(m.positive().get()) + "'").collect(Collectors.joining(", "));
        if (!positives.isEmpty()) {
            sb.append("  positive label: ").append(positives).append('\n');
        }
        for (MetricResult m : e.metrics()) {
            m.compare().ifPresent(c -> sb.append("  ").append(escaped(dev.rollout.judge.Comparison.sentence(m.name(), c))).append('\n'));
            dev.rollout.judge.OutputSentence.of(m).ifPresent(line -> sb.append("  ").append(escaped(line)).append('\n'));
        }
        for (MetricResult m : e.metrics()) {
            slices(sb, m);
        }
        e.split().ifPresent(split -> sb.append("  split check: ").append(Numbers.show(split.expectedPercent()))
                .append(" % candidate rows expected, ").append(String.format(java.util.Locale.ROOT, "%.1f", split.observedPercent()))
                .append(" % found of ").append(String.format(java.util.Locale.ROOT, "%,d", split.rows())).append(", χ² p ")
                .append(Numbers.show(split.pValue())).append(split.passed() ? "" : " < " + Numbers.show(split.threshold()))
                .append('\n'));
        sb.append("\n  score ").append(formula(e.normalizeBy())).append(" = ")
                .append(e.score().isPresent() ? Numbers.show(e.score().getAsDouble()) : "n/a")
                .append("   promote >= ").append(Numbers.show(e.thresholds().promote()))
                .append(", roll back < ").append(Numbers.show(e.thresholds().rollback())).append('\n');
        sb.append("\n").append(ansi.string("@|bold Decision:|@ ")).append(decisionWord(e.decision(), ansi)).append('\n');
        for (String r : e.reasons()) {
            sb.append("  - ").append(escaped(r)).append('\n');
        }
        for (String n : e.rows().notes()) {
            sb.append("  note: ").append(escaped(n)).append('\n');
        }
        for (MetricResult m : e.metrics()) {
            for (String n : m.notes()) {
                sb.append("  note: ").append(escaped(m.name())).append(": ").append(escaped(n)).append('\n');
            }
        }
        if (!e.inputs().isEmpty()) {
            sb.append("  read ").append(e.inputs().stream().map(TextViews::input).collect(Collectors.joining(", "))).append('\n');
        }
        if (!recorded) {
            sb.append("  (not recorded)\n");
        }
        return sb.toString();
    }

    /** A sliced metric's slices, worst first (the judge's order), and its maxGap. */
    private static void slices(StringBuilder sb, MetricResult m) {
        if (m.slices().isEmpty()) {
            return;
        }
        Table t = new Table("slice", "baseline", "candidate", "delta", "rows", "gate").right(1, 2, 3, 4);
        for (Evaluation.SliceResult s : m.slices()) {
            t.row(s.key(), num(s.baseline()), num(s.candidate()), signed(s.delta()), s.rows().baseline() + " / " + s.rows().candidate(),
                    GateWord.of(s, m, word -> word));
        }
        sb.append("\n  ").append(escaped(m.name())).append(" per slice, worst first\n").append(t.render("    "));
        m.maxGap().ifPresent(g -> sb.append("    ").append(escaped(GateWord.of(g, word -> word))).append('\n'));
        for (Evaluation.SliceResult s : m.slices()) {
            for (String n : s.notes()) {
                sb.append("    note: ").append(escaped(s.key())).append(": ").append(escaped(n)).append('\n');
            }
        }
    }

    /** "labels: candidate 643 of 1015 mature predictions (63.3 %), baseline …; 3719 labels from 2 files; mature until …". */
    static String labels(LabelCoverage l) {
        return "labels: candidate " + l.candidateLabeled() + " of " + l.candidateMature() + " mature predictions"
                + percent(l.candidate()) + ", baseline " + l.baselineLabeled() + " of " + l.baselineMature() + percent(l.baseline())
                + "; " + l.labels() + " labels from " + String.join(", ", l.files()) + "; mature: at or before "
                + l.matureUntil() + " (maturity " + Numbers.duration(l.maturity()) + "), minCoverage "
                + Numbers.show(100 * l.minCoverage()) + " %";
    }

    private static String percent(double share) {
        return Double.isNaN(share) ? "" : " (" + Numbers.show(Math.round(share * 1000) / 10.0) + " %)";
    }

    private static String input(Provenance f) {
        if (f.time().isPresent()) {
            // A Prometheus query: what was asked and when says what was judged; it has series, not rows.
            return escaped(inputName(f)) + " query " + escaped(f.query().orElse("")) + " at " + f.time().get()
                    + " (" + f.rows() + " series)";
        }
        return escaped(inputName(f)) + " (" + counts(f) + ")";
    }

    /** {@code 4000 rows, 4000 in window}; a label input's {@code 2414 rows}: labels have no window, their predictions do. */
    static String counts(Provenance f) {
        return f.rows() + " rows" + (f.role().isPresent() ? "" : ", " + f.rowsInWindow() + " in window");
    }

    /**
     * A file by its path; a source by its name, kind and location: {@code nightly: command 'sh export.sh'};
     * late labels after their role: {@code labels from labels/day-1.csv}.
     */
    static String inputName(Provenance f) {
        return f.role().map(r -> r + " from ").orElse("")
                + f.source().map(s -> s + ": " + f.kind() + " '" + f.location() + "'").orElse(f.location());
    }

    static String action(Views.ActionView a, Ansi ansi) {
        StringBuilder sb = new StringBuilder();
        a.evaluation().ifPresent(e -> sb.append(evaluation(e, !a.dryRun(), ansi)).append('\n'));
        sb.append(ansi.string("@|bold " + a.action() + "|@")).append(a.dryRun() ? " (dry run: nothing written)" : "").append('\n');
        for (String r : a.reasons()) {
            sb.append("  - ").append(escaped(r)).append('\n');
        }
        sb.append(status(a.rollout(), ansi));
        return sb.toString();
    }

    static String history(Views.HistoryView h) {
        Table t = new Table("at", "event", "stage", "to", "score", "decision", "actor", "reason");
        for (HistoryEvent e : h.events()) {
            String reason = e.reason().orElse(e.reasons().isEmpty() ? "" : String.join("; ", e.reasons()));
            t.row(e.at().toString(), e.event().name(), e.stage().orElse(""), e.toStage().orElse(""), num(e.score()),
                    e.decision().map(Enum::name).orElse(""), e.actor(), reason);
        }
        return h.events().isEmpty() ? "no events for " + escaped(h.rollout()) + "\n" : t.render("");
    }

    static String statusList(List<Views.RolloutView> views, Ansi ansi) {
        if (views.isEmpty()) {
            return "no rollouts\n";
        }
        Table t = new Table("rollout", "status", "stage", "traffic", "candidate", "baseline", "last decision", "since").right(3);
        for (Views.RolloutView v : views) {
            t.row(v.rollout(), v.status().name(), v.stage().map(Views.StageView::name).orElse(""), v.traffic() + " %",
                    v.model().candidate(), v.model().baseline(),
                    v.lastEvaluation().map(e -> e.decision().name()).orElse(""),
                    v.stage().map(s -> s.enteredAt().toString()).orElse(""));
        }
        return t.render("");
    }

    /**
     * Bold on a terminal, without passing {@code text} through picocli's markup: a name from a
     * state file could hold {@code |@} and end the markup, or start markup of its own.
     */
    private static String bold(String text, Ansi ansi) {
        String shown = escaped(text);
        return ansi.enabled() ? Ansi.Style.bold.on() + shown + Ansi.Style.reset.on() : shown;
    }

    static String num(OptionalDouble d) {
        return d.isPresent() ? Numbers.show(d.getAsDouble()) : "-";
    }

    static String signed(OptionalDouble d) {
        if (d.isEmpty()) {
            return "-";
        }
        return (d.getAsDouble() > 0 ? "+" : "") + Numbers.show(d.getAsDouble());
    }

    static String statusWord(Status s, Ansi ansi) {
        return switch (s) {
            case PROGRESSING -> ansi.string("@|cyan PROGRESSING|@");
            case PROMOTED -> ansi.string("@|green PROMOTED|@");
            case ROLLED_BACK -> ansi.string("@|red ROLLED_BACK|@");
            case NOT_STARTED -> "NOT_STARTED";
        };
    }

    static String decisionWord(Decision d, Ansi ansi) {
        return switch (d) {
            case PROMOTE -> ansi.string("@|bold,green PROMOTE|@");
            case HOLD -> ansi.string("@|bold,yellow HOLD|@");
            case ROLLBACK -> ansi.string("@|bold,red ROLLBACK|@");
        };
    }
}
