package dev.rollout.spec;

/** The model being released: the version serving today and the one being rolled out. */
public record ModelSpec(String name, String baseline, String candidate) {
}
