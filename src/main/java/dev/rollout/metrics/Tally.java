package dev.rollout.metrics;

import dev.rollout.spec.DataSpec;
import dev.rollout.spec.MetricSource;
import dev.rollout.spec.MetricSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The accumulators of one read: per {@link Cohort}, one per input of the plan, with the
 * cohort's row count, and the rows of other variants. A row source routes each row in the
 * window to its cohort's {@link Lane}; a source that reads in parts fills a {@link #fresh()}
 * tally per part and {@link #merge}s them in order. {@link #report} computes the values the
 * way numpy and scikit-learn do, the same for every source.
 */
public final class Tally {

    private final MeasurePlan plan;
    private final Map<Cohort, Lane> lanes = new LinkedHashMap<>();
    /** Rows of other variants in the current input, and in the inputs before it. */
    private OtherVariants others = new OtherVariants();
    private final OtherVariants othersBefore = new OtherVariants();

    Tally(MeasurePlan plan) {
        this.plan = plan;
        for (Cohort c : plan.cohorts()) {
            Accumulator[] byInput = plan.inputs().stream().map(MeasurePlan.Input::accumulator).toArray(Accumulator[]::new);
            lanes.put(c, new Lane(byInput));
        }
    }

    /**
     * One cohort's accumulators. Resolve it once per read, not per row: a row then costs the
     * accumulators' work and nothing else.
     */
    public static final class Lane {
        private final Accumulator[] byInput;
        private long rows;

        private Lane(Accumulator[] byInput) {
            this.byInput = byInput;
        }

        /** Counts a row of this cohort in the window, whatever its inputs. */
        public void count() {
            rows++;
        }

        /** Counts {@code n} rows of this cohort in the window, as an engine counted them. */
        public void count(long n) {
            rows += n;
        }

        /** Feeds a row that stands for {@code n} equal rows (an engine's group and its count) to input {@code input}. */
        public void acceptCounted(int input, Cells row, int[] columns, long n) {
            byInput[input].acceptCounted(row, columns, n);
        }

        /**
         * Feeds a number column's totals as an engine computed them to input {@code input}, a
         * {@link MeasurePlan.Kind#NUMBER} input whose values are not kept ({@link MeasurePlan#byTotals}).
         */
        public void acceptTotals(int input, long count, long missing, double sum, double min, double max,
                                 double sampleVariance) {
            ((ColumnStats) byInput[input]).acceptTotals(count, missing, sum, min, max, sampleVariance);
        }

        /** Feeds the cells at {@code columns} of {@code row} to input {@code input} (an index in the plan's inputs). */
        public void accept(int input, Cells row, int[] columns) {
            byInput[input].accept(row, columns);
        }
    }

    /** The accumulators of {@code cohort}, one of the plan's cohorts. */
    public Lane lane(Cohort cohort) {
        Lane lane = lanes.get(cohort);
        if (lane == null) {
            throw new IllegalArgumentException("not a cohort of this plan: " + cohort);
        }
        return lane;
    }

    /** Counts a row in the window whose variant is {@code variant}, neither the baseline's nor the candidate's. */
    public void other(String variant) {
        others.add(variant);
    }

    /** Counts {@code n} rows in the window of another variant, as an engine counted them. */
    public void other(String variant, long n) {
        others.add(variant, n);
    }

    /**
     * Ends one input (a file): its rows of other variants join those of the inputs before in a
     * fixed order, so which values are counted by name past the limit depends only on each
     * input, not on whether it was read in one pass or in parts. {@link #report} ends the last.
     */
    public void endOfInput() {
        othersBefore.addAll(others);
        others = new OtherVariants();
    }

    /** An empty tally of the same plan, for a later part of the rows. */
    public Tally fresh() {
        return new Tally(plan);
    }

    /**
     * Takes in everything {@code later} (made by {@link #fresh()}) counted, as if its rows came
     * after this tally's; {@code later} is not used again.
     */
    public void merge(Tally later) {
        lanes.forEach((cohort, lane) -> {
            Lane other = later.lane(cohort);
            for (int i = 0; i < lane.byInput.length; i++) {
                lane.byInput[i].merge(other.byInput[i]);
            }
            lane.rows += other.rows;
        });
        others.addAll(later.others);
    }

    /** The values of every metric over everything counted, and the row counts; {@code inputs} say what was read. */
    public MetricsReport report(List<Provenance> inputs) {
        endOfInput();
        DataSpec data = plan.spec().data();
        boolean hasVariant = data.variant().isPresent();
        List<MetricSpec> metrics = plan.spec().metrics();
        List<Measurement> measurements = new ArrayList<>();
        for (int i = 0; i < metrics.size(); i++) {
            measurements.add(measure(metrics.get(i), plan.inputOf(i), data, hasVariant));
        }
        List<String> notes = data.variant().flatMap(v -> othersBefore.note(v.baseline(), v.candidate())).stream().toList();
        return new MetricsReport(inputs, hasVariant, rows(Cohort.BASELINE), rows(Cohort.CANDIDATE), measurements,
                othersBefore.rows(), notes);
    }

    /** Rows of {@code cohort} in the window. */
    private long rows(Cohort cohort) {
        Lane lane = lane(cohort);
        if (plan.spec().data().format() == DataSpec.Format.WIDE) {
            return lane.rows;
        }
        // A long row is one value of one metric: a variant has as many rows as the spec's metric with the most,
        // as many as the wide export of the same data has. Rows of metrics the spec does not read never count.
        long most = 0;
        for (Accumulator a : lane.byInput) {
            most = Math.max(most, a.rows());
        }
        return most;
    }

    private Measurement measure(MetricSpec metric, int input, DataSpec data, boolean hasVariant) {
        Accumulator candidateAcc = lane(Cohort.CANDIDATE).byInput[input];
        Accumulator baselineAcc = lane(Cohort.BASELINE).byInput[input];
        // One set of classes for both variants: the positive label is the same for both, whatever each one's rows hold.
        List<String> labels = new ArrayList<>(candidateAcc.labels());
        labels.addAll(baselineAcc.labels());
        ClassLabels classes = ClassLabels.of(labels);
        List<String> notes = new ArrayList<>();
        MetricValue candidate = value(metric, candidateAcc, Cohort.Variant.CANDIDATE.word(), classes);
        notes.addAll(rows(Cohort.CANDIDATE) == 0 ? List.of("no candidate rows in the window") : candidate.notes());
        MetricValue baseline = new MetricValue(OptionalDouble.empty(), 0, 0, List.of());
        if (hasVariant) {
            // Without a variant column there is no baseline at all; the judge says so once, not per metric.
            baseline = value(metric, baselineAcc, Cohort.Variant.BASELINE.word(), classes);
            notes.addAll(rows(Cohort.BASELINE) == 0 ? List.of("no baseline rows in the window") : baseline.notes());
        }
        Optional<String> positive = Optional.empty();
        Optional<MetricSource.Classification> binary = binary(metric.source());
        if (binary.isPresent()) {
            ClassLabels.Positive chosen = classes.positive(binary.get());
            positive = chosen.label();
            if (chosen.label().isPresent() && candidate.samples() + baseline.samples() > 0) {
                chosen.note().ifPresent(notes::add);
            }
        }
        leftOut(metric, data, "candidate", candidate).ifPresent(notes::add);
        leftOut(metric, data, "baseline", baseline).ifPresent(notes::add);
        Sample baselineRows = Sample.EMPTY;
        Sample candidateRows = Sample.EMPTY;
        if (metric.compare().isPresent()) {
            baselineRows = sample(metric.source(), baselineAcc);
            candidateRows = sample(metric.source(), candidateAcc);
        }
        return new Measurement(metric.name(), baseline.value(), candidate.value(),
                baseline.samples(), candidate.samples(), baseline.missing(), candidate.missing(), notes,
                baselineRows, candidateRows, positive);
    }

    /**
     * The one dispatch from a kind of metric to its accumulator's value. The plan made each
     * input's accumulator from the same kind, so the accumulator casts below follow from the match.
     */
    private static MetricValue value(MetricSpec metric, Accumulator acc, String variant, ClassLabels classes) {
        return metric.source().match(
                a -> ((ColumnStats) acc).value(a.aggregate(), variant),
                c -> c.metric() == MetricSource.ClassificationMetric.AUC ? ((RocAuc) acc).value(c, variant, classes)
                        : ((ConfusionMatrix) acc).value(metric, c, variant, classes),
                r -> ((RegressionErrors) acc).value(r.metric(), variant));
    }

    /** A classification metric for which a positive label matters; empty for every other metric. */
    private static Optional<MetricSource.Classification> binary(MetricSource s) {
        return s.match(a -> Optional.empty(), c -> Optional.of(c).filter(MetricSource.Classification::binary),
                r -> Optional.empty());
    }

    /** The per-row values a comparison needs; only a column has them (the spec refuses compare: elsewhere). */
    private static Sample sample(MetricSource s, Accumulator acc) {
        return switch (s.kind()) {
            case COLUMN_AGGREGATE -> ((ColumnStats) acc).sample();
            case CLASSIFICATION, REGRESSION -> Sample.EMPTY;
        };
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
                + String.join(" or ", columns.stream().map(Cells::quoted).toList()) + " is missing ("
                + missingWords(data.missing()) + ")");
    }

    /** data.missing as a person reads it: "empty, NaN or nan". */
    private static String missingWords(List<String> words) {
        List<String> shown = words.stream().map(w -> w.isEmpty() ? "empty" : Cells.shown(w)).toList();
        if (shown.size() <= 1) {
            // With no words listed only a number cell can be missing: empty, or NaN.
            return shown.isEmpty() ? "empty or NaN" : shown.get(0);
        }
        return String.join(", ", shown.subList(0, shown.size() - 1)) + " or " + shown.get(shown.size() - 1);
    }
}
