package dev.rollout.metrics;

import java.util.List;
import java.util.OptionalDouble;

/** Collects one metric's input for one variant, row by row, without keeping an object per row. */
interface Accumulator {

    /** A value could not be computed: its reason. */
    record Result(OptionalDouble value, long samples, long missing, List<String> notes) {
    }

    Result result(String variant);
}
