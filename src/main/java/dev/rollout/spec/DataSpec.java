package dev.rollout.spec;

import java.util.Optional;

/**
 * How to read the CSV exports.
 *
 * @param timestamp   column holding the row's time (ISO-8601, epoch seconds or milliseconds)
 * @param variant     column telling baseline rows from candidate rows; empty: all rows are the candidate's
 * @param format      wide (one column per metric) or long (a metric column and a value column)
 * @param metricColumn  in the long format, the column naming the metric
 * @param valueColumn   in the long format, the column holding the value
 * @param delimiter   the field separator, a comma by default
 */
public record DataSpec(Optional<String> timestamp, Optional<VariantSpec> variant, Format format,
                       String metricColumn, String valueColumn, char delimiter) {

    public enum Format { WIDE, LONG }

    /** The variant column and the values in it that name the baseline and the candidate. */
    public record VariantSpec(String column, String baseline, String candidate) {
    }
}
