package dev.rollout.lifecycle;

import java.time.Instant;
import java.util.Optional;

/** An approval recorded by {@code rollout approve}, valid for the stage it names. */
public record Approval(String stage, String by, Instant at, Optional<String> reason) {
}
