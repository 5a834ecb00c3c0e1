package dev.rollout.cli;

import dev.rollout.lifecycle.Lifecycle;
import dev.rollout.lifecycle.Outcome;
import dev.rollout.lifecycle.Request;
import dev.rollout.hooks.HookRunner;
import dev.rollout.state.Update;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * Runs one lifecycle transition against the store: under the lock, on the state as it is
 * then (another process may have written since we looked), writing what the core returns.
 * With {@code --dry-run} it computes the same outcome on the state as read and writes nothing.
 */
final class Transition {

    private Transition() {
    }

    static Outcome apply(Workspace ws, Env env, boolean dryRun, Optional<String> ifStage, Optional<String> reason,
                         Function<Lifecycle, Outcome> step) {
        Request request = new Request(env.now(), env.actor(), UUID.randomUUID().toString(), ifStage, reason);
        if (dryRun) {
            // A dry run computes the same outcome and runs no hook.
            return step.apply(new Lifecycle(ws.spec(), ws.store().read(), request));
        }
        HookRunner hooks = new HookRunner(ws.spec(), ws.specFile(), env.err(), env.clock(), ws.store().hookSlot());
        List<String> warnings = new ArrayList<>();
        Outcome outcome;
        try {
            outcome = ws.store().update(current -> {
                // First of all under the lock: an apply hook a killed holder left running must not outlast this move.
                warnings.addAll(hooks.endLeftBehind());
                Outcome o = step.apply(new Lifecycle(ws.spec(), current, request));
                hooks.beforeMove(current, o);
                return new Update<>(o.newState(), o.events(), o);
            });
        } catch (RuntimeException e) {
            // What was done to a left-behind hook is said even when this command then fails.
            warnings.forEach(w -> env.err().println("warning: " + w));
            env.err().flush();
            throw e;
        }
        warnings.addAll(outcome.warnings());
        if (outcome.newState().isEmpty()) {
            return withWarnings(outcome, warnings);
        }
        warnings.addAll(hooks.notify(outcome.events()));
        return withWarnings(outcome, warnings);
    }

    private static Outcome withWarnings(Outcome outcome, List<String> warnings) {
        return outcome.withWarnings(warnings);
    }

    /** Prints what an action did (advance, rollback, approve) and returns its exit code. */
    static int print(Printer printer, Workspace ws, Outcome outcome, List<String> warnings, boolean dryRun,
                     Optional<dev.rollout.judge.Evaluation> evaluation) {
        printer.warnings(warnings);
        Views.ActionView view = new Views.ActionView(view(ws, outcome), outcome.action(), outcome.reasons(), warnings,
                dryRun, evaluation);
        printer.print(view, () -> TextViews.action(view, printer.ansi()));
        return outcome.exitCode();
    }

    static Views.RolloutView view(Workspace ws, Outcome outcome) {
        return Views.RolloutView.of(ws.spec(), outcome.current(), ws.store().location());
    }
}
