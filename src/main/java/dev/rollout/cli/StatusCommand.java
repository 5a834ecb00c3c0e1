package dev.rollout.cli;

import dev.rollout.RolloutException;
import dev.rollout.lifecycle.RolloutState;
import dev.rollout.state.OwnedFile;
import dev.rollout.state.StatePaths;
import dev.rollout.state.StateStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.stream.Stream;

@Command(name = "status", description = "Where the rollout stands; with --dir, every rollout whose state file is in DIR (or DIR/.rollout).",
        footer = {"", "Examples:", "  rollout status rollout.yaml", "  rollout status --dir rollouts/fraud-detector -o json"})
final class StatusCommand implements Callable<Integer>, WithCommonOptions {

    @Mixin
    CommonOptions common;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SPEC", description = "The rollout spec (YAML).")
    Path specFile;

    @Option(names = "--dir", paramLabel = "DIR", description = "Show every *.state.json in DIR and DIR/.rollout.")
    Path dir;

    private final Env env;

    StatusCommand(Env env) {
        this.env = env;
    }

    @Override
    public CommonOptions common() {
        return common;
    }

    @Override
    public Integer call() {
        Printer printer = new Printer(env, common);
        if (dir != null) {
            List<String> skipped = new ArrayList<>();
            List<Views.RolloutView> views = new ArrayList<>();
            for (Path p : stateFiles(dir, skipped::add)) {
                views.add(view(p));
            }
            printer.warnings(skipped);
            Views.StatusList list = new Views.StatusList(views);
            printer.print(list, () -> TextViews.statusList(views, printer.ansi()), () -> MarkdownViews.statusList(views));
            return 0;
        }
        Views.RolloutView view;
        if (specFile != null) {
            Workspace ws = Workspace.open(env, common, specFile, "rollout status");
            Optional<RolloutState> state = ws.store().read();
            view = Views.RolloutView.of(ws.spec().name(), new Views.ModelView(ws.spec().model().baseline(),
                    ws.spec().model().candidate()), state, Optional.of(ws.spec().digest()), ws.paths().state().toString());
        } else {
            Path state = common.state(env).orElseThrow(() ->
                    RolloutException.input("status needs a SPEC, --state PATH or --dir DIR"));
            view = view(state);
        }
        printer.print(view, () -> TextViews.status(view, printer.ansi()), () -> MarkdownViews.status(view));
        return 0;
    }

    /** A rollout known only by its state file: no spec to compare digests with. */
    private Views.RolloutView view(Path statePath) {
        StateStore store = new StateStore(StatePaths.of(statePath), common.lockTimeout(), env.clock(), "rollout status");
        Optional<RolloutState> state = store.read();
        String rollout = statePath.getFileName().toString().replaceFirst("\\.state\\.json$", "");
        return Views.RolloutView.of(rollout, new Views.ModelView("", ""), state, Optional.empty(), statePath.toString());
    }

    /**
     * The {@code *.state.json} regular files in DIR and DIR/.rollout. Anything else of that name
     * (a FIFO, whose open would block; a directory; a link, which the store never follows) is
     * skipped with a warning: one stray entry must not hide every other rollout from a dashboard.
     */
    private static List<Path> stateFiles(Path dir, Consumer<String> skipped) {
        if (!Files.isDirectory(dir)) {
            throw RolloutException.input(RolloutException.Location.file(dir.toString()), "not a directory");
        }
        List<Path> found = new ArrayList<>();
        for (Path d : List.of(dir, dir.resolve(".rollout"))) {
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (Stream<Path> files = Files.list(d)) {
                for (Path p : files.filter(p -> p.getFileName().toString().endsWith(".state.json")).sorted().toList()) {
                    Optional<String> kind = OwnedFile.irregular(p);
                    if (kind.isPresent()) {
                        skipped.accept("skipped " + p + ": " + kind.get() + ", not a state file");
                    } else {
                        found.add(p);
                    }
                }
            } catch (IOException e) {
                throw RolloutException.input(RolloutException.Location.file(d.toString()), "cannot list: " + e.getMessage());
            }
        }
        return found;
    }
}
