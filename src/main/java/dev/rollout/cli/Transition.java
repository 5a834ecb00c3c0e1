package dev.rollout.cli;

import dev.rollout.lifecycle.Lifecycle;
import dev.rollout.lifecycle.Outcome;
import dev.rollout.lifecycle.Request;
import dev.rollout.state.StateStore;

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
            return step.apply(new Lifecycle(ws.spec(), ws.store().read(), request));
        }
        return ws.store().update(current -> {
            Outcome outcome = step.apply(new Lifecycle(ws.spec(), current, request));
            return new StateStore.Update<>(outcome.newState(), outcome.events(), outcome);
        });
    }

    static Views.RolloutView view(Workspace ws, Outcome outcome) {
        return Views.RolloutView.of(ws.spec().name(),
                new Views.ModelView(ws.spec().model().baseline(), ws.spec().model().candidate()), outcome.current(),
                Optional.of(ws.spec().digest()), ws.paths().state().toString());
    }
}
