package dev.rollout.cli;

/** {@code -o text|json}. */
public enum OutputFormat { TEXT, JSON }
