package dev.rollout.cli;

import dev.rollout.RolloutException;
import dev.rollout.lifecycle.HistoryEvent;
import dev.rollout.lifecycle.RolloutState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

@Command(name = "report", description = "Write one self-contained HTML page: the stage timeline, the score at every evaluation against the thresholds, the last evaluation's metrics and the history.",
        footer = {"", "Examples:", "  rollout report rollout.yaml --out report.html"})
final class ReportCommand extends SpecCommand {

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "The HTML file to write.")
    Path out;

    ReportCommand(Env env) {
        super(env);
    }

    @Override
    public Integer call() {
        Printer printer = printer();
        Workspace ws = workspace("rollout report");
        Optional<RolloutState> state = ws.store().read();
        List<String> warnings = new ArrayList<>();
        List<HistoryEvent> events = ws.store().history(warnings::add);
        printer.warnings(warnings);
        String html = ReportPage.render(ws.spec(), state, events, env.now());
        try {
            Path dir = out.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".report", ".tmp");
            Files.writeString(tmp, html, StandardCharsets.UTF_8);
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw RolloutException.input(RolloutException.Location.file(out.toString()), "cannot write the report: " + e.getMessage());
        }
        printer.print(java.util.Map.of("report", out.toString(), "events", events.size()),
                () -> "wrote " + dev.rollout.ControlCharacters.escaped(out.toString()) + " (" + events.size() + " events)\n");
        return 0;
    }
}
