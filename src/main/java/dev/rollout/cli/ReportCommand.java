package dev.rollout.cli;

import dev.rollout.ControlCharacters;
import dev.rollout.RolloutException;
import dev.rollout.lifecycle.HistoryEvent;
import dev.rollout.lifecycle.RolloutState;
import dev.rollout.state.file.OwnedFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

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
        requireReplaceable(ws);
        Optional<RolloutState> state = ws.store().read();
        List<String> warnings = new ArrayList<>();
        List<HistoryEvent> events = ws.store().history(warnings::add);
        printer.warnings(warnings);
        String html = ReportPage.render(ws.spec(), state, events, env.now());
        write(html);
        printer.print(Map.of("report", out.toString(), "events", events.size()),
                () -> "wrote " + ControlCharacters.escaped(out.toString()) + " (" + events.size() + " events)\n");
        return 0;
    }

    /** Into a temp file beside {@code --out}, renamed over it: a reader never sees half a page. */
    private void write(String html) {
        Path tmp = null;
        try {
            Path dir = out.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            // Not createTempFile, whose 0600 would make a report nobody else can read: a new
            // file gets the umask's mode, 0644 under the usual umask 022, as any other output.
            tmp = dir.resolve("." + out.getFileName() + "." + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
            Files.writeString(tmp, html, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
        } catch (IOException e) {
            throw RolloutException.input(RolloutException.Location.file(out.toString()), "cannot write the report: " + e.getMessage());
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    // a hidden leftover beside the report; nothing reads it
                }
            }
        }
    }

    /**
     * The report is renamed over {@code --out}, which replaces whatever is there without a
     * backup: so it must be absent or a regular file, and none of the rollout's own files,
     * compared by where they really are (through {@code ..} and symlinked directories).
     */
    private void requireReplaceable(Workspace ws) {
        RolloutException.Location where = RolloutException.Location.file(out.toString());
        try {
            Optional<String> kind = OwnedFile.irregular(out);
            if (kind.isPresent()) {
                throw RolloutException.input(where, "--out is " + kind.get() + ", not a regular file; the report"
                        + " replaces only a regular file or writes a new one");
            }
        } catch (IOException e) {
            throw RolloutException.input(where, "cannot write the report: " + e.getMessage());
        }
        Map<String, Path> own = new LinkedHashMap<>(ws.store().files());
        own.put("spec", ws.specFile());
        Path target = realPath(out);
        own.forEach((what, file) -> {
            if (realPath(file).equals(target)) {
                throw RolloutException.input(where, "--out is the rollout's " + what + " (" + file
                        + "); the report must not replace it: choose another file");
            }
        });
    }

    /** Where {@code path} really is: links and {@code ..} resolved as far as it exists, the rest as written. */
    private static Path realPath(Path path) {
        Path abs = path.toAbsolutePath();
        try {
            return abs.toRealPath();
        } catch (IOException e) {
            Path parent = abs.getParent();
            return parent == null ? abs.normalize() : realPath(parent).resolve(abs.getFileName()).normalize();
        }
    }
}
