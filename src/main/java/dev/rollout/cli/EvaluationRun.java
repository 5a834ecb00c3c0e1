package dev.rollout.cli;

import dev.rollout.judge.Evaluation;
import dev.rollout.judge.Judge;
import dev.rollout.lifecycle.RolloutState;
import dev.rollout.lifecycle.StageWindow;
import dev.rollout.metrics.LabelJoin;
import dev.rollout.metrics.Labels;
import dev.rollout.metrics.MeasurePlan;
import dev.rollout.metrics.MetricsReport;
import dev.rollout.metrics.Reading;
import dev.rollout.metrics.SourceContext;
import dev.rollout.metrics.Sources;
import dev.rollout.metrics.Window;
import dev.rollout.spec.LabelsSpec;
import dev.rollout.spec.RolloutSpec;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Reads the exports for the {@link StageWindow} being judged and runs the judge. */
final class EvaluationRun {

    private EvaluationRun() {
    }

    static Evaluation run(Workspace ws, Optional<RolloutState> state, List<Path> files, List<Path> labelFiles,
                          Optional<String> since, Optional<String> until, Env env) {
        Instant now = env.now();
        StageWindow judged = StageWindow.of(ws.spec(), state, now)
                .moved(since.map(s -> TimeOption.parse("--since", s, now)), until.map(s -> TimeOption.parse("--until", s, now)));
        Optional<Instant> from = judged.since();
        Optional<Instant> to = judged.until();
        Window window = new Window(from, to);
        SourceContext context = new SourceContext(ws.specFile().toAbsolutePath().getParent(), env.vars(), now);
        Optional<LabelJoin> join = join(ws.spec(), labelFiles, to.orElse(now), context, window);
        MetricsReport report = Sources.of(ws.spec(), files, context).measure(MeasurePlan.of(ws.spec(), join), window, reading(env))
                .withInputs(join.map(j -> j.labels().inputs()).orElse(List.of()));
        // A Prometheus query is always asked about the window, timestamp column or not.
        boolean timed = ws.spec().data().timestamp().isPresent()
                || ws.spec().metrics().stream().anyMatch(m -> m.source().kind() == dev.rollout.spec.MetricSource.Kind.PROMETHEUS);
        Evaluation.WindowBounds bounds = timed ? new Evaluation.WindowBounds(from, to)
                : new Evaluation.WindowBounds(Optional.empty(), Optional.empty());
        return Judge.evaluate(ws.spec(), judged.stage(), report, judged.timeInStage(), now, bounds, judged.memory());
    }

    /** The late labels of data.labels.source and {@code --labels}, mature up to {@code end} minus data.labels.maturity. */
    private static Optional<LabelJoin> join(RolloutSpec spec, List<Path> files, Instant end, SourceContext context,
                                            Window window) {
        Optional<LabelsSpec> labels = spec.data().labels();
        if (labels.isEmpty()) {
            if (!files.isEmpty()) {
                throw dev.rollout.RolloutException.input("--labels needs data.labels in the spec: {key, actual} name the"
                        + " column the labels are joined on and the label column");
            }
            return Optional.empty();
        }
        LabelsSpec l = labels.get();
        if (files.isEmpty() && l.source().isEmpty()) {
            throw dev.rollout.RolloutException.input("the spec's data.labels reads late labels: name the label files"
                    + " with --labels FILE, or their source with data.labels.source");
        }
        return Optional.of(new LabelJoin(l, Labels.read(spec, files, context, window), end.minus(l.maturity())));
    }

    /**
     * How exports are read: {@code ROLLOUT_THREADS} parsing threads (default: every core),
     * {@code ROLLOUT_CHUNK_BYTES} per chunk (default 8 MiB; 0 reads each export in one pass),
     * and a progress line on stderr when it is a terminal.
     */
    static final long MIN_CHUNK_BYTES = 1024;

    static Reading reading(Env env) {
        int threads = (int) count(env, "ROLLOUT_THREADS", Runtime.getRuntime().availableProcessors(), 1, 1024);
        long chunk = count(env, "ROLLOUT_CHUNK_BYTES", Reading.CHUNK_BYTES, 0, Long.MAX_VALUE);
        if (chunk > 0 && chunk < MIN_CHUNK_BYTES) {
            // A chunk per line or two costs a parser and a set of accumulators each, for nothing.
            throw dev.rollout.RolloutException.input("ROLLOUT_CHUNK_BYTES='" + chunk + "' must be 0 (one pass) or at least "
                    + MIN_CHUNK_BYTES);
        }
        return new Reading(threads, chunk, env.errTerminal() ? new ProgressLine(env.err(), System::nanoTime) : Reading.Progress.NONE);
    }

    private static long count(Env env, String name, long fallback, long min, long max) {
        Optional<String> text = env.var(name);
        if (text.isEmpty()) {
            return fallback;
        }
        try {
            long n = Long.parseLong(text.get().trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw dev.rollout.RolloutException.input(name + "='" + text.get() + "' must be a whole number from " + min
                + (max == Long.MAX_VALUE ? " up" : " to " + max));
    }
}
