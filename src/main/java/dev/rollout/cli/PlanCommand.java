package dev.rollout.cli;

import dev.rollout.lifecycle.Lifecycle;
import dev.rollout.lifecycle.Request;
import dev.rollout.lifecycle.RolloutState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "plan", description = "Validate the spec; show its stages, metrics and gates, where the rollout is, and what 'advance' would do now.",
        footer = {"", "Examples:", "  rollout plan rollouts/fraud-detector/rollout.yaml", "  rollout plan spec.yaml -o json | jq .next"})
final class PlanCommand implements Callable<Integer>, WithCommonOptions {

    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "SPEC", description = "The rollout spec (YAML).")
    Path specFile;

    private final Env env;

    PlanCommand(Env env) {
        this.env = env;
    }

    @Override
    public CommonOptions common() {
        return common;
    }

    @Override
    public Integer call() {
        Printer printer = new Printer(env, common);
        Workspace ws = Workspace.open(env, common, specFile, "rollout plan");
        Optional<RolloutState> state = ws.store().read();
        String next = new Lifecycle(ws.spec(), state, new Request(env.now(), env.actor(), "", Optional.empty(), Optional.empty())).next();
        Views.PlanView view = Views.PlanView.of(ws.spec(), Views.RolloutView.of(ws.spec().name(),
                new Views.ModelView(ws.spec().model().baseline(), ws.spec().model().candidate()), state,
                Optional.of(ws.spec().digest()), ws.paths().state().toString()), next);
        printer.print(view, () -> TextViews.plan(view, printer.ansi()), () -> MarkdownViews.plan(view));
        return 0;
    }
}
