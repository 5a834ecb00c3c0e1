package dev.rollout.cli;

import dev.rollout.RolloutException;
import dev.rollout.judge.Evaluation;
import dev.rollout.judge.Judge;
import dev.rollout.judge.SequentialMemory;
import dev.rollout.lifecycle.EvaluationRecord;
import dev.rollout.lifecycle.Lifecycle;
import dev.rollout.lifecycle.RolloutState;
import dev.rollout.lifecycle.Status;
import dev.rollout.metrics.MeasurePlan;
import dev.rollout.metrics.MetricsReport;
import dev.rollout.metrics.Reading;
import dev.rollout.metrics.Sources;
import dev.rollout.metrics.Window;
import dev.rollout.spec.StageSpec;

import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the exports for the stage being judged and runs the judge: the window is the
 * current stage (from the time the rollout entered it up to now) unless --since/--until say
 * otherwise; with no started rollout, every row.
 */
final class EvaluationRun {

    private EvaluationRun() {
    }

    static Evaluation run(Workspace ws, Optional<RolloutState> state, List<Path> files, Optional<String> since,
                          Optional<String> until, Env env) {
        Instant now = env.now();
        Optional<RolloutState> inStage = state.filter(s -> s.status() == Status.PROGRESSING);
        Lifecycle.checkClock(inStage, now);
        StageSpec stage = Lifecycle.stageToJudge(ws.spec(), state);
        Optional<Instant> from = since.map(s -> instant("--since", s, now)).or(() -> inStage.map(s -> s.stage().enteredAt()));
        Optional<Instant> to = until.map(s -> instant("--until", s, now))
                .or(() -> state.isPresent() ? Optional.of(now) : Optional.empty());
        if (from.isPresent() && to.isPresent() && from.get().isAfter(to.get())) {
            // A window that ends before it starts holds no row: said, rather than judged as "too few samples".
            throw RolloutException.input(since.isPresent() && until.isPresent()
                    ? "--since " + from.get() + " is later than --until " + to.get()
                    : since.isPresent() ? "--since " + from.get() + " is later than now (" + to.get() + "), where the window ends"
                    : "--until " + to.get() + " is before stage " + stage.name() + " was entered (" + from.get()
                    + "), where the window starts; give --since too");
        }
        Window window = new Window(from, to);
        MetricsReport report = Sources.of(files).measure(MeasurePlan.of(ws.spec()), window, reading(env));
        boolean timed = ws.spec().data().timestamp().isPresent();
        Evaluation.WindowBounds bounds = timed ? new Evaluation.WindowBounds(from, to)
                : new Evaluation.WindowBounds(Optional.empty(), Optional.empty());
        // Sequential comparisons continue from the earlier looks of this stage, unless the window was overridden.
        Map<String, SequentialMemory> memory = since.isPresent() || until.isPresent() ? Map.of()
                : state.flatMap(RolloutState::evaluationInStage).map(EvaluationRecord::sequential).orElse(Map.of());
        return Judge.evaluate(ws.spec(), stage, report, Lifecycle.timeInStage(state, now), now, bounds, memory);
    }

    /** An ISO-8601 instant, or a duration back from now ({@code 2h} means two hours ago). */
    static Instant instant(String option, String text, Instant now) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return dev.rollout.spec.DurationText.parse(text).map(now::minus).orElseThrow(() -> RolloutException.input(
                    option + ": '" + text + "' is neither an ISO-8601 instant (2026-01-01T00:00:00Z) nor a duration (2h)"));
        }
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
