package dev.rollout.lifecycle;

/** The model versions a rollout attempt was started with. */
public record ModelVersions(String baseline, String candidate) {
}
