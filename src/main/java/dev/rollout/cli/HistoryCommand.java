package dev.rollout.cli;

import dev.rollout.lifecycle.HistoryEvent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

@Command(name = "history", description = "The audit trail: every start, evaluation, approval, move, rollback and restart, with actor and reason.",
        footer = {"", "Examples:", "  rollout history rollout.yaml", "  rollout history rollout.yaml --since 1d --limit 20 -o json"})
final class HistoryCommand extends SpecCommand {

    @Option(names = "--limit", paramLabel = "N", description = "Only the newest N events.")
    Integer limit;

    @Option(names = "--since", paramLabel = "TIME", description = "Only events at or after TIME (ISO-8601, or a duration ago: 2h).")
    String since;

    HistoryCommand(Env env) {
        super(env);
    }

    @Override
    public Integer call() {
        Printer printer = printer();
        Workspace ws = workspace("rollout history");
        List<String> warnings = new ArrayList<>();
        List<HistoryEvent> events = new ArrayList<>(ws.store().history(warnings::add));
        printer.warnings(warnings);
        Optional<Instant> from = Optional.ofNullable(since).map(s -> TimeOption.parse("--since", s, env.now()));
        from.ifPresent(f -> events.removeIf(e -> e.at().isBefore(f)));
        if (limit != null && limit >= 0 && events.size() > limit) {
            events.subList(0, events.size() - limit).clear();
        }
        Views.HistoryView view = new Views.HistoryView(ws.spec().name(), events);
        printer.print(view, () -> TextViews.history(view));
        return 0;
    }
}
