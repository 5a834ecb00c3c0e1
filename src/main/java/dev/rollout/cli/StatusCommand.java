package dev.rollout.cli;

import dev.rollout.RolloutException;
import dev.rollout.lifecycle.RolloutState;
import dev.rollout.state.Backends;
import dev.rollout.state.StateBackend;
import dev.rollout.state.StateRepository;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "status", description = "Where the rollout stands; with --dir, every rollout whose state file is in DIR (or DIR/.rollout);"
                + " with --state postgresql://… and no SPEC, every rollout in the schema.",
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
        Optional<String> named = specFile == null ? common.state(env) : Optional.empty();
        if (dir != null || named.filter(Backends::holdsMany).isPresent()) {
            StateRepository repository = dir != null ? Backends.directory(dir, options())
                    : Backends.named(named.get(), options(), env.vars());
            List<String> skipped = new ArrayList<>();
            List<Views.RolloutView> views = new ArrayList<>();
            for (StateRepository.Held held : repository.rollouts(skipped::add)) {
                views.add(view(held));
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
            view = Views.RolloutView.of(ws.spec(), state, ws.store().location());
        } else {
            String state = named.orElseThrow(() ->
                    RolloutException.input("status needs a SPEC, --state PATH|URL or --dir DIR"));
            view = view(Backends.named(state, options(), env.vars()).rollouts(w -> { }).get(0));
        }
        printer.print(view, () -> TextViews.status(view, printer.ansi()), () -> MarkdownViews.status(view));
        return 0;
    }

    private StateBackend.Options options() {
        return new StateBackend.Options(common.lockTimeout(), env.clock(), "rollout status", Optional.empty());
    }

    /** A rollout known only by where its state is: no spec to compare digests with. */
    private static Views.RolloutView view(StateRepository.Held held) {
        Optional<RolloutState> state = held.backend().read();
        return Views.RolloutView.of(held.rollout(), new Views.ModelView("", ""), state, Optional.empty(),
                held.backend().location());
    }
}
