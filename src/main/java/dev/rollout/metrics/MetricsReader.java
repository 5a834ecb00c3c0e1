package dev.rollout.metrics;

import dev.rollout.RolloutException;
import dev.rollout.spec.DataSpec;
import dev.rollout.spec.MetricSource;
import dev.rollout.spec.MetricSpec;
import dev.rollout.spec.RolloutSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Reads metric exports — CSV, gzipped when named {@code .gz}, wide or long — and computes
 * every metric of a spec for the baseline and the candidate over the rows in a time window.
 *
 * <p>Each file is read once, streaming; memory does not grow with the rows except for the
 * primitive arrays that exact percentiles and AUC need. Values are computed the way numpy
 * 1.24 and scikit-learn 1.2 compute them (see src/test/resources/reference). Bad input — a
 * malformed file, a cell that is not a number, a column the spec names and no file has —
 * is a {@link dev.rollout.RolloutException} naming the file, the line and the column.
 */
public final class MetricsReader {

    private MetricsReader() {
    }

    /**
     * Reads {@code files} in order for {@code spec}, keeping the rows inside {@code window}
     * (ignored when the spec names no timestamp column).
     */
    public static MetricsReport read(RolloutSpec spec, List<Path> files, Window window) {
        return read(spec, files, window, Reading.defaults());
    }

    /** As {@link #read(RolloutSpec, List, Window)}, on the threads and with the progress {@code reading} gives. */
    public static MetricsReport read(RolloutSpec spec, List<Path> files, Window window, Reading reading) {
        DataSpec data = spec.data();
        MetricInputs inputs = MetricInputs.of(spec);
        if (files.isEmpty()) {
            throw RolloutException.input("no metric exports to read: name at least one CSV file");
        }
        long[] rows = new long[2];
        OtherVariants others = new OtherVariants();
        Set<String> headerColumns = new HashSet<>();
        List<InputFile> read = new ArrayList<>();
        long dataRows = 0;
        for (Path file : files) {
            InputFile f = new ExportReader(data, window, inputs, file, reading, rows, others, headerColumns).read();
            dataRows += f.rows();
            read.add(f);
        }
        boolean longFormat = data.format() == DataSpec.Format.LONG;
        inputs.requireEveryMetricFound(files, headerColumns, longFormat, data.metricColumn(), dataRows);
        if (longFormat) {
            // A long row is one value of one metric: a variant has as many rows as the spec's metric with the most,
            // as many as the wide export of the same data has. Rows of metrics the spec does not read never count.
            for (int v = 0; v < 2; v++) {
                int variant = v;
                rows[v] = inputs.all().stream().mapToLong(i -> i.variants[variant].rows()).max().orElse(0);
            }
        }
        boolean hasVariant = data.variant().isPresent();
        List<Measurement> measurements = new ArrayList<>();
        for (int i = 0; i < spec.metrics().size(); i++) {
            measurements.add(measure(spec.metrics().get(i), inputs.of(i), data, rows, hasVariant));
        }
        List<String> notes = data.variant().flatMap(v -> others.note(v.baseline(), v.candidate())).stream().toList();
        return new MetricsReport(read, hasVariant, rows[MetricInputs.BASELINE], rows[MetricInputs.CANDIDATE], measurements,
                others.rows(), notes);
    }

    private static Measurement measure(MetricSpec metric, MetricInputs.Input input, DataSpec data, long[] rows,
                                       boolean hasVariant) {
        Accumulator candidateAcc = input.variants[MetricInputs.CANDIDATE];
        Accumulator baselineAcc = input.variants[MetricInputs.BASELINE];
        // One set of classes for both variants: the positive label is the same for both, whatever each one's rows hold.
        List<String> labels = new ArrayList<>(candidateAcc.labels());
        labels.addAll(baselineAcc.labels());
        ClassLabels classes = ClassLabels.of(labels);
        List<String> notes = new ArrayList<>();
        MetricValue candidate = candidateAcc.value(metric, "candidate", classes);
        notes.addAll(rows[MetricInputs.CANDIDATE] == 0 ? List.of("no candidate rows in the window") : candidate.notes());
        MetricValue baseline = new MetricValue(OptionalDouble.empty(), 0, 0, List.of());
        if (hasVariant) {
            // Without a variant column there is no baseline at all; the judge says so once, not per metric.
            baseline = baselineAcc.value(metric, "baseline", classes);
            notes.addAll(rows[MetricInputs.BASELINE] == 0 ? List.of("no baseline rows in the window") : baseline.notes());
        }
        Optional<String> positive = Optional.empty();
        if (metric.source() instanceof MetricSource.Classification c && c.binary()) {
            ClassLabels.Positive chosen = classes.positive(c);
            positive = chosen.label();
            if (chosen.label().isPresent() && candidate.samples() + baseline.samples() > 0) {
                chosen.note().ifPresent(notes::add);
            }
        }
        leftOut(metric, data, "candidate", candidate).ifPresent(notes::add);
        leftOut(metric, data, "baseline", baseline).ifPresent(notes::add);
        Sample baselineRows = Sample.EMPTY;
        Sample candidateRows = Sample.EMPTY;
        if (metric.compare().isPresent() && candidateAcc instanceof ColumnStats c) {
            baselineRows = ((ColumnStats) baselineAcc).sample();
            candidateRows = c.sample();
        }
        return new Measurement(metric.name(), baseline.value(), candidate.value(),
                baseline.samples(), candidate.samples(), baseline.missing(), candidate.missing(), notes,
                baselineRows, candidateRows, positive);
    }

    /**
     * "8 of the candidate's 178 rows left out: y_pred is missing (empty, NaN or nan)": a metric
     * computed from fewer rows than the variant has must say so. Nothing when no row was left
     * out, or when nothing is left at all (the value's own note says that).
     */
    private static Optional<String> leftOut(MetricSpec metric, DataSpec data, String variant, MetricValue v) {
        if (v.missing() == 0 || v.samples() == 0) {
            return Optional.empty();
        }
        // In a long export these are the metric names of the rows whose value cell is missing.
        List<String> columns = metric.source().columns();
        long all = v.samples() + v.missing();
        return Optional.of(v.missing() + " of the " + variant + "'s " + all + " rows left out: "
                + String.join(" or ", columns.stream().map(Row::quoted).toList()) + " is missing ("
                + missingWords(data.missing()) + ")");
    }

    /** data.missing as a person reads it: "empty, NaN or nan". */
    private static String missingWords(List<String> words) {
        List<String> shown = words.stream().map(w -> w.isEmpty() ? "empty" : Row.shown(w)).toList();
        if (shown.size() <= 1) {
            // With no words listed only a number cell can be missing: empty, or NaN.
            return shown.isEmpty() ? "empty or NaN" : shown.get(0);
        }
        return String.join(", ", shown.subList(0, shown.size() - 1)) + " or " + shown.get(shown.size() - 1);
    }
}
