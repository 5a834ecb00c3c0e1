package dev.rollout.cli;

import dev.rollout.judge.Evaluation;
import dev.rollout.judge.Numbers;
import dev.rollout.lifecycle.EventDetails;
import dev.rollout.lifecycle.EventType;
import dev.rollout.lifecycle.HistoryEvent;
import dev.rollout.lifecycle.RolloutState;
import dev.rollout.metrics.Provenance;
import dev.rollout.spec.RolloutSpec;
import dev.rollout.spec.StageSpec;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One self-contained HTML page for a rollout: no script, no network, no external asset. A
 * timeline of the stages, an SVG chart of the score at every evaluation against the
 * thresholds with a band per stage, and the last evaluation's metrics. Every text that comes
 * from a spec, an export or the history is escaped, so none of it can inject markup.
 */
final class ReportPage {

    private static final int W = 880;
    private static final int H = 300;
    private static final int PAD_L = 48;
    private static final int PAD_R = 16;
    private static final int PAD_T = 16;
    private static final int PAD_B = 36;
    private static final String[] BANDS = {"#eef4fb", "#f7f3ea"};

    private ReportPage() {
    }

    /** A stage span of the rollout, from the history. */
    private record Span(String stage, Instant from, Instant to) {
    }

    static String render(RolloutSpec spec, Optional<RolloutState> state, List<HistoryEvent> events, Instant now) {
        List<HistoryEvent> lineage = currentLineage(state, events);
        List<Span> spans = spans(lineage, state, now);
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>rollout ")
                .append(esc(spec.name())).append("</title>\n<style>\n")
                .append("body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px auto;max-width:920px;color:#1b1f24}\n")
                .append("h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px}.sub{color:#57606a}\n")
                .append("table{border-collapse:collapse;width:100%}th,td{padding:4px 8px;border-bottom:1px solid #d8dee4;text-align:left}\n")
                .append("td.n{text-align:right;font-variant-numeric:tabular-nums}.PROMOTE,.pass{color:#1a7f37}.HOLD{color:#9a6700}")
                .append(".ROLLBACK,.fail{color:#cf222e}.tl{display:flex;gap:4px;margin:8px 0}.st{flex:1;padding:6px 8px;border-radius:6px;")
                .append("background:#f0f2f4;font-size:13px}.st.done{background:#dafbe1}.st.cur{background:#ddf4ff;outline:2px solid #0969da}")
                .append(".st.back{background:#ffebe9}\n</style></head><body>\n");
        String status = state.map(s -> s.status().name()).orElse("NOT_STARTED");
        h.append("<h1>").append(esc(spec.name())).append(" <span class=\"sub\">").append(esc(status)).append("</span></h1>\n");
        h.append("<div class=\"sub\">candidate ").append(esc(spec.model().candidate())).append(" · baseline ")
                .append(esc(spec.model().baseline())).append(state.map(s -> " · lineage " + esc(s.lineage()) + " · serial " + s.serial()).orElse(""))
                .append(" · generated ").append(esc(now.toString())).append("</div>\n");
        timeline(h, spec, state);
        h.append("<h2>Score at each evaluation</h2>\n");
        chart(h, spec, lineage, spans, now);
        lastEvaluation(h, lineage);
        history(h, lineage);
        h.append("</body></html>\n");
        return h.toString();
    }

    private static List<HistoryEvent> currentLineage(Optional<RolloutState> state, List<HistoryEvent> events) {
        if (state.isEmpty()) {
            return List.of();
        }
        String lineage = state.get().lineage();
        return events.stream().filter(e -> e.lineage().equals(lineage)).toList();
    }

    private static List<Span> spans(List<HistoryEvent> events, Optional<RolloutState> state, Instant now) {
        List<Span> spans = new ArrayList<>();
        String stage = null;
        Instant from = null;
        for (HistoryEvent e : events) {
            boolean move = e.event() == EventType.STARTED || e.event() == EventType.RESTARTED
                    || ((e.event() == EventType.ADVANCED || e.event() == EventType.FORCED || e.event() == EventType.ROLLED_BACK)
                    && e.toStage().isPresent());
            if (!move) {
                continue;
            }
            if (stage != null) {
                spans.add(new Span(stage, from, e.at()));
            }
            stage = e.event() == EventType.STARTED || e.event() == EventType.RESTARTED ? e.stage().orElse("?") : e.toStage().get();
            from = e.at();
        }
        if (stage != null) {
            Instant end = state.filter(s -> s.status().name().equals("PROGRESSING")).map(s -> now)
                    .orElse(events.isEmpty() ? now : events.get(events.size() - 1).at());
            spans.add(new Span(stage, from, end.isBefore(from) ? from : end));
        }
        return spans;
    }

    private static void timeline(StringBuilder h, RolloutSpec spec, Optional<RolloutState> state) {
        h.append("<h2>Stages</h2>\n<div class=\"tl\">");
        int current = state.map(s -> s.stage().index()).orElse(-1);
        String status = state.map(s -> s.status().name()).orElse("NOT_STARTED");
        for (int i = 0; i < spec.stages().size(); i++) {
            StageSpec s = spec.stages().get(i);
            String cls = status.equals("PROMOTED") || i < current ? "st done"
                    : i == current ? (status.equals("ROLLED_BACK") ? "st back" : "st cur") : "st";
            h.append("<div class=\"").append(cls).append("\"><b>").append(esc(s.name())).append("</b><br>")
                    .append(s.traffic()).append(" %").append(s.bake().isZero() ? "" : " · bake " + esc(Numbers.duration(s.bake())))
                    .append(s.approval() ? " · approval" : "")
                    .append(s.segment().isEmpty() ? "" : "<br>" + esc(s.segment().toString())).append("</div>");
        }
        h.append("</div>\n");
    }

    private static void chart(StringBuilder h, RolloutSpec spec, List<HistoryEvent> events, List<Span> spans, Instant now) {
        List<HistoryEvent> scored = events.stream().filter(e -> e.event() == EventType.EVALUATED && e.score().isPresent()).toList();
        Instant t0 = spans.isEmpty() ? (scored.isEmpty() ? now : scored.get(0).at()) : spans.get(0).from();
        Instant t1 = spans.isEmpty() ? now : spans.get(spans.size() - 1).to();
        for (HistoryEvent e : scored) {
            t1 = e.at().isAfter(t1) ? e.at() : t1;
        }
        double span = Math.max(1, Duration.between(t0, t1).toSeconds());
        double plotW = W - PAD_L - PAD_R;
        double plotH = H - PAD_T - PAD_B;
        h.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(W).append("\" height=\"").append(H)
                .append("\" viewBox=\"0 0 ").append(W).append(' ').append(H).append("\" role=\"img\" aria-label=\"score over time\">\n");
        for (int i = 0; i < spans.size(); i++) {
            Span s = spans.get(i);
            double x0 = PAD_L + plotW * Duration.between(t0, s.from()).toSeconds() / span;
            double x1 = PAD_L + plotW * Duration.between(t0, s.to()).toSeconds() / span;
            h.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>",
                    x0, PAD_T, Math.max(1, x1 - x0), plotH, BANDS[i % 2]));
            h.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" fill=\"#57606a\">%s</text>\n",
                    x0 + 4, PAD_T + 12, esc(s.stage())));
        }
        for (double y = 0; y <= 1.0001; y += 0.25) {
            double py = PAD_T + plotH * (1 - y);
            h.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#d8dee4\"/>"
                            + "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\" fill=\"#57606a\">%.2f</text>\n",
                    PAD_L, W - PAD_R, py, py, PAD_L - 6, py + 4, y));
        }
        threshold(h, spec.scoring().promote(), "promote", "#1a7f37", plotW, plotH);
        threshold(h, spec.scoring().rollback(), "rollback", "#cf222e", plotW, plotH);
        StringBuilder path = new StringBuilder();
        for (HistoryEvent e : scored) {
            double x = PAD_L + plotW * Duration.between(t0, e.at()).toSeconds() / span;
            double y = PAD_T + plotH * (1 - Math.max(0, Math.min(1, e.score().getAsDouble())));
            path.append(path.length() == 0 ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", x, y));
        }
        if (path.length() > 0) {
            h.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"#0969da\" stroke-width=\"2\"/>\n");
        }
        for (HistoryEvent e : scored) {
            double x = PAD_L + plotW * Duration.between(t0, e.at()).toSeconds() / span;
            double y = PAD_T + plotH * (1 - Math.max(0, Math.min(1, e.score().getAsDouble())));
            String color = e.decision().map(d -> switch (d) {
                case PROMOTE -> "#1a7f37";
                case HOLD -> "#9a6700";
                case ROLLBACK -> "#cf222e";
            }).orElse("#0969da");
            h.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"><title>%s</title></circle>\n",
                    x, y, color, esc(e.at() + " " + e.stage().orElse("") + ": " + e.decision().map(Enum::name).orElse("")
                            + " score " + Numbers.show(e.score().getAsDouble()))));
        }
        h.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#57606a\">%s</text>"
                        + "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\" fill=\"#57606a\">%s</text>\n",
                PAD_L, H - 10, esc(t0.toString()), W - PAD_R, H - 10, esc(t1.toString())));
        if (scored.isEmpty()) {
            h.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#57606a\">no evaluation recorded yet</text>\n",
                    W / 2, H / 2));
        }
        h.append("</svg>\n");
    }

    private static void threshold(StringBuilder h, double value, String label, String color, double plotW, double plotH) {
        double y = PAD_T + plotH * (1 - value);
        h.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-dasharray=\"6 4\"/>"
                        + "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\" fill=\"%s\">%s %s</text>\n",
                PAD_L, PAD_L + plotW, y, y, color, PAD_L + plotW - 4, y - 4, color, label, esc(Numbers.show(value))));
    }

    private static void lastEvaluation(StringBuilder h, List<HistoryEvent> events) {
        Optional<HistoryEvent> last = events.stream().filter(e -> e.event() == EventType.EVALUATED).reduce((a, b) -> b);
        h.append("<h2>Last evaluation</h2>\n");
        if (last.isEmpty()) {
            h.append("<p class=\"sub\">none recorded</p>\n");
            return;
        }
        HistoryEvent e = last.get();
        String decision = e.decision().map(Enum::name).orElse("");
        h.append("<p><b class=\"").append(esc(decision)).append("\">").append(esc(decision)).append("</b> in stage ")
                .append(esc(e.stage().orElse(""))).append(" at ").append(esc(e.at().toString()))
                .append(e.score().isPresent() ? ", score " + esc(Numbers.show(e.score().getAsDouble())) : "").append("</p>\n");
        List<Evaluation.MetricResult> metrics = e.details().evaluated().map(EventDetails.Evaluated::metrics).orElse(List.of());
        if (!metrics.isEmpty()) {
            h.append("<table><tr><th>metric</th><th>baseline</th><th>candidate</th><th>delta</th><th>p</th><th>weight</th><th>gate</th></tr>\n");
            for (Evaluation.MetricResult m : metrics) {
                // A gate that could not be checked holds the rollout as a failed one does: both in red.
                String color = switch (GateWord.outcome(m.gate())) {
                    case PASS -> "pass";
                    case FAIL, NO_VALUE -> "fail";
                };
                h.append("<tr><td>").append(esc(m.name())).append("</td>")
                        .append(numCell(m.baseline())).append(numCell(m.candidate())).append(numCell(m.delta()))
                        .append(numCell(m.p())).append(numCell(OptionalDouble.of(m.weight())))
                        .append("<td class=\"").append(color).append("\">").append(esc(GateWord.of(m, word -> word)))
                        .append("</td></tr>\n");
            }
            h.append("</table>\n");
            metrics.forEach(m -> slices(h, m));
            List<String> outputs = metrics.stream().flatMap(m -> dev.rollout.judge.OutputSentence.of(m).stream()).toList();
            if (!outputs.isEmpty()) {
                h.append("<ul class=\"outputs\">");
                outputs.forEach(line -> h.append("<li>").append(esc(line)).append("</li>"));
                h.append("</ul>\n");
            }
        }
        if (!e.reasons().isEmpty()) {
            h.append("<ul>");
            e.reasons().forEach(r -> h.append("<li>").append(esc(r)).append("</li>"));
            h.append("</ul>\n");
        }
        List<Provenance> inputs = e.details().evaluated().map(EventDetails.Evaluated::inputs).orElse(List.of());
        if (!inputs.isEmpty()) {
            h.append("<p class=\"sub\">read</p><ul>");
            inputs.forEach(f -> h.append("<li>").append(esc(TextViews.inputName(f))).append(" (").append(TextViews.counts(f))
                    .append(", sha256 ").append(esc(f.digest())).append(")</li>"));
            h.append("</ul>\n");
        }
    }

    /** A sliced metric's table, worst slice first. */
    private static void slices(StringBuilder h, Evaluation.MetricResult m) {
        if (m.slices().isEmpty()) {
            return;
        }
        h.append("<h3>").append(esc(m.name())).append(" per slice</h3>\n<table><tr><th>slice</th><th>baseline</th>"
                + "<th>candidate</th><th>delta</th><th>rows</th><th>gate</th></tr>\n");
        for (Evaluation.SliceResult s : m.slices()) {
            String color = s.gate().map(g -> switch (GateWord.outcome(g)) {
                case PASS -> "pass";
                case FAIL, NO_VALUE -> "fail";
            }).orElse("n");
            h.append("<tr><td>").append(esc(s.key())).append("</td>").append(numCell(s.baseline())).append(numCell(s.candidate()))
                    .append(numCell(s.delta())).append("<td class=\"n\">").append(s.rows().baseline()).append(" / ")
                    .append(s.rows().candidate()).append("</td><td class=\"").append(color).append("\">")
                    .append(esc(GateWord.of(s, m, word -> word))).append("</td></tr>\n");
        }
        h.append("</table>\n");
        m.maxGap().ifPresent(g -> h.append("<p>").append(esc(GateWord.of(g, word -> word))).append("</p>\n"));
    }

    private static void history(StringBuilder h, List<HistoryEvent> events) {
        h.append("<h2>History</h2>\n<table><tr><th>at</th><th>event</th><th>stage</th><th>to</th><th>actor</th><th>reason</th></tr>\n");
        for (HistoryEvent e : events) {
            h.append("<tr><td>").append(esc(e.at().toString())).append("</td><td>").append(esc(e.event().name()))
                    .append("</td><td>").append(esc(e.stage().orElse(""))).append("</td><td>").append(esc(e.toStage().orElse("")))
                    .append("</td><td>").append(esc(e.actor())).append("</td><td>").append(esc(e.reason().orElse(""))).append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private static String numCell(OptionalDouble v) {
        return "<td class=\"n\">" + esc(TextViews.num(v)) + "</td>";
    }

    /** HTML-escapes text for element content and quoted attributes. */
    static String esc(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
