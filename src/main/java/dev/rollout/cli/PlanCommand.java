package dev.rollout.cli;

import dev.rollout.lifecycle.Lifecycle;
import dev.rollout.lifecycle.Request;
import dev.rollout.lifecycle.RolloutState;
import picocli.CommandLine.Command;

import java.util.Optional;

@Command(name = "plan", description = "Validate the spec; show its stages, metrics and gates, where the rollout is, and what 'advance' would do now.",
        footer = {"", "Examples:", "  rollout plan rollouts/fraud-detector/rollout.yaml", "  rollout plan spec.yaml -o json | jq .next"})
final class PlanCommand extends SpecCommand {

    PlanCommand(Env env) {
        super(env);
    }

    @Override
    public Integer call() {
        Printer printer = printer();
        Workspace ws = workspace("rollout plan");
        Optional<RolloutState> state = ws.store().read();
        String next = new Lifecycle(ws.spec(), state, new Request(env.now(), env.actor(), "", Optional.empty(), Optional.empty())).next();
        Views.PlanView view = Views.PlanView.of(ws.spec(), Views.RolloutView.of(ws.spec(), state, ws.store().location()), next);
        printer.print(view, () -> TextViews.plan(view, printer.ansi()), () -> MarkdownViews.plan(view));
        return 0;
    }
}
