package dev.rollout.lifecycle;

import java.time.Instant;
import java.util.Optional;

/**
 * Who acts and when, and the options every mutating command shares.
 *
 * @param newLineage the lineage to use if this transition starts a new attempt (injected, so the core stays pure)
 * @param ifStage    act only when the rollout is in this stage (compare-and-set)
 */
public record Request(Instant now, String actor, String newLineage, Optional<String> ifStage,
                      Optional<String> reason) {
}
