package dev.rollout.spec;

import java.util.List;
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
 * @param missing     cell texts (after trimming) that mean "no value" in any column, {@link #DEFAULT_MISSING} unless
 *                    the spec lists its own; a number column also takes an empty cell and NaN in any case as missing
 * @param labels      labels that arrive later, in files of their own; empty: the exports hold the labels
 */
public record DataSpec(Optional<String> timestamp, Optional<VariantSpec> variant, Format format,
                       String metricColumn, String valueColumn, char delimiter, List<String> missing,
                       Optional<LabelsSpec> labels) {

    /** What pandas' {@code to_csv} and numpy write for a missing value; "NA" is left alone, it may be a real label. */
    public static final List<String> DEFAULT_MISSING = List.of("", "NaN", "nan");

    public DataSpec {
        missing = missing == null ? DEFAULT_MISSING : List.copyOf(missing);
    }

    /** A data block whose exports hold their labels. */
    public DataSpec(Optional<String> timestamp, Optional<VariantSpec> variant, Format format, String metricColumn,
                    String valueColumn, char delimiter, List<String> missing) {
        this(timestamp, variant, format, metricColumn, valueColumn, delimiter, missing, Optional.empty());
    }

    public enum Format { WIDE, LONG }

    /** The variant column and the values in it that name the baseline and the candidate. */
    public record VariantSpec(String column, String baseline, String candidate) {
    }
}
