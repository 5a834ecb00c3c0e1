package dev.rollout.cli;

import dev.rollout.ControlCharacters;
import dev.rollout.judge.Evaluation;
import dev.rollout.judge.Evaluation.MetricResult;
import dev.rollout.judge.Numbers;
import dev.rollout.metrics.Provenance;

import java.util.List;
import java.util.stream.Collectors;

/**
 * GitHub-flavoured Markdown for CI job summaries ({@code -o markdown >> $GITHUB_STEP_SUMMARY}):
 * a heading, a line of state, tables. Every string from outside goes through {@link #cell}, so a
 * metric name or a reason can never break a table or inject markup, and none goes in a code span.
 */
final class MarkdownViews {

    /** The ASCII punctuation characters, every one of which CommonMark lets a backslash escape. */
    private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    private MarkdownViews() {
    }

    static String evaluation(Evaluation e, boolean recorded) {
        StringBuilder sb = new StringBuilder();
        sb.append("### ").append(icon(e.decision().name())).append(' ').append(cell(e.rollout())).append(" stage ")
                .append(cell(e.stage())).append(": **").append(e.decision()).append("**\n\n");
        sb.append("Score `").append(TextViews.formula(e.normalizeBy())).append("` = **")
                .append(e.score().isPresent() ? Numbers.show(e.score().getAsDouble()) : "n/a").append("** (promote ≥ ")
                .append(Numbers.show(e.thresholds().promote())).append(", roll back < ").append(Numbers.show(e.thresholds().rollback()))
                .append("); rows: baseline ").append(e.rows().baseline()).append(", candidate ").append(e.rows().candidate())
                .append(e.rows().other() > 0 ? ", other variants " + e.rows().other() : "")
                .append(recorded ? "" : "; not recorded").append(".\n\n");
        e.labels().ifPresent(l -> sb.append(cell(TextViews.labels(l))).append(".\n\n"));
        sb.append("| metric | baseline | candidate | delta | p | weight | gate |\n|---|--:|--:|--:|--:|--:|---|\n");
        for (MetricResult m : e.metrics()) {
            String gate = GateWord.of(m, word -> "**" + word + "**");
            sb.append("| ").append(cell(m.name())).append(" | ").append(TextViews.num(m.baseline())).append(" | ")
                    .append(TextViews.num(m.candidate())).append(" | ").append(TextViews.signed(m.delta())).append(" | ")
                    .append(TextViews.num(m.p())).append(" | ").append(Numbers.show(m.weight())).append(" | ").append(gate).append(" |\n");
        }
        sb.append('\n');
        String positives = e.metrics().stream().filter(m -> m.positive().isPresent())
                .map(m -> cell(m.name()) + " '" + cell(m.positive().get()) + "'").collect(Collectors.joining(", "));
        if (!positives.isEmpty()) {
            sb.append("Positive label: ").append(positives).append(".\n\n");
        }
        for (MetricResult m : e.metrics()) {
            slices(sb, m);
        }
        List<String> outputs = e.metrics().stream().flatMap(m -> dev.rollout.judge.OutputSentence.of(m).stream()).toList();
        for (String line : outputs) {
            sb.append("- ").append(cell(line)).append('\n');
        }
        if (!outputs.isEmpty()) {
            sb.append('\n');
        }
        for (String r : e.reasons()) {
            sb.append("- ").append(cell(r)).append('\n');
        }
        for (String n : e.rows().notes()) {
            sb.append("- note: ").append(cell(n)).append('\n');
        }
        for (Provenance f : e.inputs()) {
            sb.append("- read ").append(cell(TextViews.inputName(f))).append(" (").append(TextViews.counts(f)).append(")\n");
        }
        return sb.toString();
    }

    /** A sliced metric's table, worst slice first. */
    private static void slices(StringBuilder sb, MetricResult m) {
        if (m.slices().isEmpty()) {
            return;
        }
        sb.append("**").append(cell(m.name())).append("** per slice, worst first:\n\n")
                .append("| slice | baseline | candidate | delta | rows | gate |\n|---|--:|--:|--:|--:|---|\n");
        for (Evaluation.SliceResult s : m.slices()) {
            sb.append("| ").append(cell(s.key())).append(" | ").append(TextViews.num(s.baseline())).append(" | ")
                    .append(TextViews.num(s.candidate())).append(" | ").append(TextViews.signed(s.delta())).append(" | ")
                    .append(s.rows().baseline()).append(" / ").append(s.rows().candidate()).append(" | ")
                    .append(GateWord.of(s, m, word -> "**" + word + "**")).append(" |\n");
        }
        m.maxGap().ifPresent(g -> sb.append('\n').append(cell(GateWord.of(g, word -> word))).append('\n'));
        sb.append('\n');
    }

    static String status(Views.RolloutView v) {
        return "### " + cell(v.rollout()) + ": " + v.status() + "\n\n" + statusTable(List.of(v));
    }

    static String statusList(List<Views.RolloutView> views) {
        return "### Rollouts\n\n" + statusTable(views);
    }

    private static String statusTable(List<Views.RolloutView> views) {
        StringBuilder sb = new StringBuilder("| rollout | status | stage | traffic | candidate | baseline | last decision |\n"
                + "|---|---|---|--:|---|---|---|\n");
        for (Views.RolloutView v : views) {
            sb.append("| ").append(cell(v.rollout())).append(" | ").append(v.status()).append(" | ")
                    .append(cell(v.stage().map(Views.StageView::name).orElse(""))).append(" | ").append(v.traffic()).append(" % | ")
                    .append(cell(v.model().candidate())).append(" | ").append(cell(v.model().baseline())).append(" | ")
                    .append(v.lastEvaluation().map(e -> e.decision().name()).orElse("")).append(" |\n");
        }
        return sb.toString();
    }

    static String plan(Views.PlanView p) {
        StringBuilder sb = new StringBuilder(status(p.rollout())).append('\n');
        int current = p.rollout().stage().map(Views.StageView::index).orElse(-1);
        sb.append("| # | stage | traffic | bake | minSamples | approval | segment |\n|--:|---|--:|---|--:|---|---|\n");
        for (Views.PlanStage s : p.stages()) {
            String name = cell(s.name());
            sb.append("| ").append(s.index() + 1).append(" | ").append(s.index() == current ? "**" + name + "** ◀" : name)
                    .append(" | ").append(s.traffic()).append(" % | ").append(s.bake()).append(" | ").append(s.minSamples())
                    .append(" | ").append(s.approval() ? "yes" : "").append(" | ")
                    .append(cell(s.segment().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).sorted()
                            .collect(Collectors.joining(", ")))).append(" |\n");
        }
        sb.append("\n| metric | value | weight | direction | onMissing | reads | from |\n|---|---|--:|---|---|---|---|\n");
        for (Views.PlanMetric m : p.metrics()) {
            sb.append("| ").append(cell(m.name())).append(" | ").append(cell(m.source())).append(" | ")
                    .append(Numbers.show(m.weight())).append(" | ").append(m.direction()).append(" | ").append(m.onMissing())
                    .append(" | ").append(cell(m.reads())).append(" | ").append(cell(m.from().file() + ":" + m.from().line())).append(" |\n");
        }
        sb.append("\n**Next:** ").append(cell(p.next())).append('\n');
        return sb.toString();
    }

    private static String icon(String decision) {
        return switch (decision) {
            case "PROMOTE" -> "✅";
            case "HOLD" -> "⏸️";
            default -> "⛔";
        };
    }

    /**
     * Text from a spec, an export, the state or an argument, as inert Markdown: control
     * characters escaped to one line ({@link ControlCharacters}), then every ASCII punctuation
     * character backslash-escaped, which CommonMark allows for all of them. That is wider than
     * the characters that are markup today ({@code [x](url)}, {@code **}, a backtick, {@code <},
     * {@code |}, {@code &} of an entity) and so also covers GitHub's extensions ({@code $math$},
     * {@code :emoji:}, {@code ~~}). Never used inside a code span, where a backslash is literal.
     */
    static String cell(String s) {
        String line = ControlCharacters.escaped(s).strip();
        StringBuilder sb = new StringBuilder(line.length() + 8);
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c < 128 && PUNCTUATION.indexOf(c) >= 0) {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }

    /**
     * Text output as Markdown, for a command that has no Markdown view (history, advance): a
     * fenced code block, in which nothing is markup, with a fence longer than any run of
     * backticks in the text, so no line of it can close the block.
     */
    static String preformatted(String text) {
        int longest = 0;
        int run = 0;
        for (int i = 0; i < text.length(); i++) {
            run = text.charAt(i) == '`' ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        String fence = "`".repeat(Math.max(3, longest + 1));
        return fence + "text\n" + text + (text.endsWith("\n") ? "" : "\n") + fence + "\n";
    }
}
