package dev.rollout.judge;

/**
 * What a sequential test remembers between looks within a stage: the smallest always-valid
 * p-value so far and the running intersection of the confidence sequence, so that looking
 * every five minutes never inflates false alarms.
 */
public record SequentialMemory(double pValue, double lower, double upper) {
}
