package dev.rollout.lifecycle;

import java.time.Instant;

/** The stage a rollout is in, and when it entered it (the start of the stage's window). */
public record StagePosition(int index, String name, int traffic, Instant enteredAt) {
}
