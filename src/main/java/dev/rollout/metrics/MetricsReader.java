package dev.rollout.metrics;

import dev.rollout.RolloutException;
import dev.rollout.spec.DataSpec;
import dev.rollout.spec.MetricSpec;
import dev.rollout.spec.RolloutSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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
        Set<String> headerColumns = new HashSet<>();
        List<InputFile> read = new ArrayList<>();
        long dataRows = 0;
        for (Path file : files) {
            InputFile f = new ExportReader(data, window, inputs, file, reading, rows, headerColumns).read();
            dataRows += f.rows();
            read.add(f);
        }
        boolean longFormat = data.format() == DataSpec.Format.LONG;
        inputs.requireEveryMetricFound(files, headerColumns, longFormat, data.metricColumn(), dataRows);
        boolean hasVariant = data.variant().isPresent();
        List<Measurement> measurements = new ArrayList<>();
        for (int i = 0; i < spec.metrics().size(); i++) {
            MetricSpec metric = spec.metrics().get(i);
            MetricInputs.Input input = inputs.of(i);
            List<String> notes = new ArrayList<>();
            MetricValue candidate = input.variants[MetricInputs.CANDIDATE].value(metric, "candidate");
            notes.addAll(rows[MetricInputs.CANDIDATE] == 0 ? List.of("no candidate rows in the window") : candidate.notes());
            MetricValue baseline = new MetricValue(OptionalDouble.empty(), 0, 0, List.of());
            if (hasVariant) {
                // Without a variant column there is no baseline at all; the judge says so once, not per metric.
                baseline = input.variants[MetricInputs.BASELINE].value(metric, "baseline");
                notes.addAll(rows[MetricInputs.BASELINE] == 0 ? List.of("no baseline rows in the window") : baseline.notes());
            }
            Sample baselineRows = Sample.EMPTY;
            Sample candidateRows = Sample.EMPTY;
            if (metric.compare().isPresent() && input.variants[MetricInputs.CANDIDATE] instanceof ColumnStats c) {
                baselineRows = ((ColumnStats) input.variants[MetricInputs.BASELINE]).sample();
                candidateRows = c.sample();
            }
            measurements.add(new Measurement(metric.name(), baseline.value(), candidate.value(),
                    baseline.samples(), candidate.samples(), baseline.missing(), candidate.missing(), notes,
                    baselineRows, candidateRows));
        }
        return new MetricsReport(read, hasVariant, rows[MetricInputs.BASELINE], rows[MetricInputs.CANDIDATE], measurements);
    }
}
