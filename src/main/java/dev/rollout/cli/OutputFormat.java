package dev.rollout.cli;

/** {@code -o text|json|markdown}. */
public enum OutputFormat { TEXT, JSON, MARKDOWN }
