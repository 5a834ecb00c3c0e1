package dev.rollout.state;

import java.util.List;
import java.util.function.Consumer;

/** A store of many rollouts' states (Terraform's {@code Workspaces()}): what {@code status --dir} lists. */
public interface StateRepository {

    /** One rollout a repository holds, by the name the store knows it by. */
    record Held(String rollout, StateBackend backend) {
    }

    /** The rollouts held, in the order to show them; {@code skipped} hears of entries that are not states. */
    List<Held> rollouts(Consumer<String> skipped);
}
