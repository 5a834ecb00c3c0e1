package dev.rollout.metrics;

import dev.rollout.RolloutException;
import dev.rollout.RolloutException.Location;
import dev.rollout.spec.DataSpec;
import dev.rollout.spec.MetricSource;
import dev.rollout.spec.MetricSpec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * The accumulators of one read: per {@link Cohort}, one per input of the plan, with the
 * cohort's row count, and the rows of other variants. A row source routes each row in the
 * window to its cohort's {@link Lane}; a source that reads in parts fills a {@link #fresh()}
 * tally per part and {@link #merge}s them in order. {@link #report} computes the values the
 * way numpy and scikit-learn do, the same for every source.
 */
public final class Tally {

    /** From this many rows in each variant, their values are computed on two threads (see {@link #measure}). */
    static final long ON_TWO_THREADS = 1 << 20;

    private final MeasurePlan plan;
    private final Map<Cohort, Lane> lanes = new LinkedHashMap<>();
    /** Rows of other variants in the current input, and in the inputs before it. */
    private OtherVariants others = new OtherVariants();
    private final OtherVariants othersBefore = new OtherVariants();

    Tally(MeasurePlan plan) {
        this.plan = plan;
        for (Cohort c : plan.cohorts()) {
            lanes.put(c, new Lane(plan, c, null, List.of()));
        }
    }

    /**
     * One cohort's accumulators. Resolve it once per read, not per row: a row then costs the
     * accumulators' work and nothing else. A variant's lane also holds its slices' lanes: a row
     * routed to a slice ({@link #slice}) is counted in the slice and in the variant's whole window.
     */
    public static final class Lane {
        private final MeasurePlan plan;
        private final Cohort cohort;
        /** Per input; in a slice's lane null for the inputs no sliced metric reads. */
        private final Accumulator[] byInput;
        /** A slice's lane: its variant's lane, which every row of the slice also feeds; null for a variant's lane. */
        private final Lane whole;
        /** A slice's values, one per column of {@code slices.by}; empty for a variant's lane. */
        private final List<String> values;
        /** A variant's lane: its slices' lanes by key. */
        private final Map<String, Lane> slices = new HashMap<>();
        private long rows;
        /** Late labels: this lane's mature predictions, and those of them with a label. */
        private long mature;
        private long labeled;
        private final JoinedRow joined = new JoinedRow();

        private Lane(MeasurePlan plan, Cohort cohort, Lane whole, List<String> values) {
            this.plan = plan;
            this.cohort = cohort;
            this.whole = whole;
            this.values = List.copyOf(values);
            List<MeasurePlan.Input> inputs = plan.inputs();
            byInput = new Accumulator[inputs.size()];
            for (int i = 0; i < byInput.length; i++) {
                byInput[i] = whole == null || plan.slicedInput(i) ? inputs.get(i).accumulator() : null;
            }
        }

        /** Counts a row of this cohort in the window, whatever its inputs. */
        public void count() {
            rows++;
            if (whole != null) {
                whole.rows++;
            }
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
            Cells cells = row;
            if (plan.joined(input)) {
                // A late label: only mature predictions count, and only those whose label has arrived.
                LabelJoin join = plan.join().orElseThrow();
                boolean mature = join.mature(row);
                String label = mature ? join.labels().label(row.text(columns[0])) : null;
                if (input == plan.coverageInput()) {
                    covered(mature, label != null);
                }
                if (label == null) {
                    return;
                }
                cells = joined.set(row, columns[0], label);
            }
            if (whole != null) {
                whole.byInput[input].accept(cells, columns);
            }
            Accumulator own = byInput[input];
            if (own != null) {
                own.accept(cells, columns);
            }
        }

        private void covered(boolean isMature, boolean isLabeled) {
            for (Lane l = this; l != null; l = l.whole) {
                l.mature += isMature ? 1 : 0;
                l.labeled += isLabeled ? 1 : 0;
            }
        }

        /**
         * The lane of the slice {@code row} belongs to: the values of its cells at {@code columns}
         * (the plan's {@link MeasurePlan#sliceBy()} resolved by the source), made on first sight.
         * Every row source routes a row here before counting it, so slices work alike for all.
         */
        public Lane slice(Cells row, int[] columns) {
            if (whole != null) {
                throw new IllegalStateException("a slice has no slices");
            }
            String key = columns.length == 1 ? row.text(columns[0]) : key(row, columns);
            Lane slice = slices.get(key);
            if (slice == null) {
                if (slices.size() >= MeasurePlan.MAX_SLICES) {
                    throw row.error(columns[0], tooManySlices());
                }
                List<String> values = new ArrayList<>();
                for (int c : columns) {
                    values.add(row.text(c));
                }
                slice = new Lane(plan, new Cohort(cohort.variant(), Optional.of(key)), this, values);
                slices.put(key, slice);
            }
            return slice;
        }

        private static String key(Cells row, int[] columns) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < columns.length; i++) {
                // A unit separator cannot be confused with text in a cell, as a comma could.
                sb.append(i == 0 ? "" : "\u001f").append(row.text(columns[i]));
            }
            return sb.toString();
        }

        private String tooManySlices() {
            return "more than " + MeasurePlan.MAX_SLICES + " slices of " + String.join(", ", plan.sliceBy()) + " in the "
                    + cohort.variant().word() + "'s rows; slices.by must name columns with few values (region, device), not ids";
        }

        /** Takes in a later lane of the same cohort: its accumulators, rows and slices. */
        private void merge(Lane later) {
            mergeOwn(later);
            later.slices.forEach((key, slice) -> {
                Lane mine = slices.get(key);
                if (mine == null) {
                    if (slices.size() >= MeasurePlan.MAX_SLICES) {
                        throw RolloutException.input(Location.of(null, 0, 0, "slices.by"), tooManySlices());
                    }
                    mine = new Lane(plan, slice.cohort, this, slice.values);
                    slices.put(key, mine);
                }
                mine.mergeOwn(slice);
            });
        }

        private void mergeOwn(Lane later) {
            for (int i = 0; i < byInput.length; i++) {
                if (byInput[i] != null) {
                    byInput[i].merge(later.byInput[i]);
                }
            }
            rows += later.rows;
            mature += later.mature;
            labeled += later.labeled;
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
        lanes.forEach((cohort, lane) -> lane.merge(later.lane(cohort)));
        others.addAll(later.others);
    }

    /** The values of every metric over everything counted, and the row counts; {@code inputs} say what was read. */
    public MetricsReport report(List<Provenance> inputs) {
        endOfInput();
        DataSpec data = plan.spec().data();
        boolean hasVariant = data.variant().isPresent();
        List<MetricSpec> metrics = plan.spec().metrics();
        List<Measurement> measurements = new ArrayList<>();
        Lane baseline = lane(Cohort.BASELINE);
        Lane candidate = lane(Cohort.CANDIDATE);
        for (int i = 0; i < metrics.size(); i++) {
            Measurement whole = measure(metrics.get(i), plan.inputOf(i), data, hasVariant, baseline, candidate);
            measurements.add(plan.sliced(i) ? whole.withSlices(slices(metrics.get(i), plan.inputOf(i), data, hasVariant))
                    : whole);
        }
        List<String> notes = data.variant().flatMap(v -> othersBefore.note(v.baseline(), v.candidate())).stream().toList();
        Optional<LabelCoverage> coverage = plan.join().map(j -> new LabelCoverage(baseline.mature, baseline.labeled,
                candidate.mature, candidate.labeled, j.labels().size(), j.labels().files(), j.spec().maturity(),
                j.matureUntil(), j.spec().minCoverage()));
        return new MetricsReport(inputs, hasVariant, rows(baseline), rows(candidate), measurements,
                othersBefore.rows(), notes, true, coverage);
    }

    /**
     * One metric per slice, over every slice either variant has, in the order of their values;
     * a slice one variant lacks measures that variant over no rows.
     */
    private List<Slice> slices(MetricSpec metric, int input, DataSpec data, boolean hasVariant) {
        Lane baseline = lane(Cohort.BASELINE);
        Lane candidate = lane(Cohort.CANDIDATE);
        Map<String, List<String>> keys = new HashMap<>();
        for (Lane whole : List.of(baseline, candidate)) {
            whole.slices.forEach((key, slice) -> keys.put(key, slice.values));
        }
        List<String> by = plan.sliceBy();
        List<Slice> out = new ArrayList<>();
        keys.entrySet().stream().sorted(Map.Entry.comparingByValue(Tally::compareValues)).forEach(e -> {
            Lane b = baseline.slices.computeIfAbsent(e.getKey(), k -> new Lane(plan, new Cohort(Cohort.Variant.BASELINE, Optional.of(k)), baseline, e.getValue()));
            Lane c = candidate.slices.computeIfAbsent(e.getKey(), k -> new Lane(plan, new Cohort(Cohort.Variant.CANDIDATE, Optional.of(k)), candidate, e.getValue()));
            out.add(new Slice(by, e.getValue(), rows(b), rows(c), measure(metric, input, data, hasVariant, b, c)));
        });
        return out;
    }

    private static int compareValues(List<String> a, List<String> b) {
        for (int i = 0; i < a.size(); i++) {
            int c = a.get(i).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    /** Rows of {@code lane} in the window. */
    private long rows(Lane lane) {
        if (plan.spec().data().format() == DataSpec.Format.WIDE) {
            return lane.rows;
        }
        // A long row is one value of one metric: a variant has as many rows as the spec's metric with the most,
        // as many as the wide export of the same data has. Rows of metrics the spec does not read never count.
        long most = 0;
        for (Accumulator a : lane.byInput) {
            most = a == null ? most : Math.max(most, a.rows());
        }
        return most;
    }

    private Measurement measure(MetricSpec metric, int input, DataSpec data, boolean hasVariant, Lane baselineLane,
                                Lane candidateLane) {
        Accumulator candidateAcc = candidateLane.byInput[input];
        Accumulator baselineAcc = baselineLane.byInput[input];
        Optional<Between.Value> between = metric.source().match(a -> Optional.empty(), c -> Optional.empty(),
                r -> Optional.empty(), p -> Optional.empty(), d -> Optional.of(Between.drift(d, baselineAcc, candidateAcc)),
                g -> Optional.of(Between.agreement(g, baselineAcc, candidateAcc)));
        if (between.isPresent()) {
            return measureBetween(metric, between.get(), data, baselineLane, candidateLane);
        }
        // One set of classes for both variants: the positive label is the same for both, whatever each one's rows hold.
        List<String> labels = new ArrayList<>(candidateAcc.labels());
        labels.addAll(baselineAcc.labels());
        ClassLabels classes = ClassLabels.of(labels);
        List<String> notes = new ArrayList<>();
        // Without a variant column there is no baseline at all; the judge says so once, not per metric.
        FutureTask<MetricValue> baselineValue = new FutureTask<>(() -> hasVariant
                ? value(metric, baselineAcc, Cohort.Variant.BASELINE.word(), classes)
                : new MetricValue(OptionalDouble.empty(), 0, 0, List.of()));
        boolean apart = hasVariant && Math.min(baselineAcc.rows(), candidateAcc.rows()) >= ON_TWO_THREADS;
        if (apart) {
            // Millions of kept values each (a percentile's selection, AUC's sort): the baseline's on a thread of
            // its own while this one does the candidate's. Each accumulator is touched by one thread; classes is immutable.
            Thread t = new Thread(baselineValue, "rollout-report");
            t.setDaemon(true);
            t.start();
        }
        MetricValue candidate = value(metric, candidateAcc, Cohort.Variant.CANDIDATE.word(), classes);
        if (!apart) {
            baselineValue.run();
        }
        MetricValue baseline = joined(baselineValue);
        notes.addAll(rows(candidateLane) == 0 ? List.of("no candidate rows in the window") : candidate.notes());
        if (hasVariant) {
            notes.addAll(rows(baselineLane) == 0 ? List.of("no baseline rows in the window") : baseline.notes());
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

    /** The value {@code task} computed on its thread (the baseline's value, a file's hash); what it threw, thrown here. */
    public static <T> T joined(FutureTask<T> task) {
        try {
            return task.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while a value was computed on another thread", e);
        }
    }

    /**
     * A drift or an agreement: one value, the candidate's against the baseline, so the baseline's
     * own value stays empty; the rows left out are told per variant as for any metric.
     */
    private Measurement measureBetween(MetricSpec metric, Between.Value v, DataSpec data, Lane baselineLane, Lane candidateLane) {
        List<String> notes = new ArrayList<>();
        if (rows(candidateLane) == 0) {
            notes.add("no candidate rows in the window");
        }
        if (rows(baselineLane) == 0) {
            notes.add("no baseline rows in the window");
        }
        if (notes.isEmpty()) {
            notes.addAll(v.value().notes());
        }
        MetricValue candidate = new MetricValue(OptionalDouble.empty(), v.candidateSamples(), v.candidateMissing(), List.of());
        MetricValue baseline = new MetricValue(OptionalDouble.empty(), v.baselineSamples(), v.baselineMissing(), List.of());
        leftOut(metric, data, "candidate", candidate).ifPresent(notes::add);
        leftOut(metric, data, "baseline", baseline).ifPresent(notes::add);
        return new Measurement(metric.name(), OptionalDouble.empty(), v.value().value(), v.baselineSamples(),
                v.candidateSamples(), v.baselineMissing(), v.candidateMissing(), notes, Sample.EMPTY, Sample.EMPTY,
                Optional.empty(), v.drift(), v.agreement());
    }

    /**
     * The one dispatch from a kind of metric to its accumulator's value. The plan made each
     * input's accumulator from the same kind, so the accumulator casts below follow from the match.
     */
    private static MetricValue value(MetricSpec metric, Accumulator acc, String variant, ClassLabels classes) {
        return metric.source().match(
                a -> ((ColumnStats) acc).value(a.aggregate(), variant),
                c -> c.metric() == MetricSource.ClassificationMetric.AUC ? RocAuc.value((ScoresByLabel) acc, c, variant, classes)
                        : c.metric().calibration() ? Calibration.value((ScoresByLabel) acc, c, variant, classes)
                        : ((ConfusionMatrix) acc).value(metric, c, variant, classes),
                r -> ((RegressionErrors) acc).value(r.metric(), variant),
                p -> {
                    throw new IllegalStateException("metric " + metric.name() + " is a Prometheus query: it has no rows to tally");
                },
                d -> {
                    throw new IllegalStateException("drift has no value per variant");
                },
                g -> {
                    throw new IllegalStateException("agreement has no value per variant");
                });
    }

    /** A classification metric for which a positive label matters; empty for every other metric. */
    private static Optional<MetricSource.Classification> binary(MetricSource s) {
        return s.match(a -> Optional.empty(), c -> Optional.of(c).filter(MetricSource.Classification::binary),
                r -> Optional.empty(), p -> Optional.empty(), d -> Optional.empty(), g -> Optional.empty());
    }

    /** The per-row values a comparison needs; only a column has them (the spec refuses compare: elsewhere). */
    private static Sample sample(MetricSource s, Accumulator acc) {
        return switch (s.kind()) {
            case COLUMN_AGGREGATE -> ((ColumnStats) acc).sample();
            case CLASSIFICATION, REGRESSION, PROMETHEUS, DRIFT, AGREEMENT -> Sample.EMPTY;
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
