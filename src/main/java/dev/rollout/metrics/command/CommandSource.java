package dev.rollout.metrics.command;

import dev.rollout.RolloutException;
import dev.rollout.RolloutException.Location;
import dev.rollout.hooks.HookGroup;
import dev.rollout.hooks.HookOutput;
import dev.rollout.hooks.HookRunner;
import dev.rollout.metrics.Labels;
import dev.rollout.metrics.MeasurePlan;
import dev.rollout.metrics.MetricsReport;
import dev.rollout.metrics.Provenance;
import dev.rollout.metrics.Reading;
import dev.rollout.metrics.Source;
import dev.rollout.metrics.SourceContext;
import dev.rollout.metrics.Window;
import dev.rollout.metrics.csv.CsvSource;
import dev.rollout.spec.DurationText;
import dev.rollout.spec.ModelSpec;
import dev.rollout.spec.RolloutSpec;
import dev.rollout.spec.SourceSpec;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A command that prints a CSV export on its standard output: run in the spec's directory with
 * the window and the versions in {@code ROLLOUT_SINCE}, {@code ROLLOUT_UNTIL} (ISO-8601, empty
 * when open), {@code ROLLOUT_BASELINE} and {@code ROLLOUT_CANDIDATE}, its output read with the
 * {@code data:} rules as it arrives, in one pass, never held whole. Its processes are a group of
 * their own, as a hook's are ({@link HookGroup}): on a timeout, a bad export, or rollout being
 * stopped, all of them are ended, and none outlives the read. A non-zero exit, a timeout or bad
 * CSV is bad input naming the source; a partial export is never judged.
 */
public final class CommandSource implements Source {

    /** The provenance kind of what a command printed. */
    public static final String KIND = "command";

    private static final Duration OUTPUT_WAIT = Duration.ofSeconds(2);
    private static final Pattern PLAIN_WORD = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    private final SourceSpec.Command spec;
    private final SourceContext context;

    public CommandSource(SourceSpec.Command spec, SourceContext context) {
        this.spec = spec;
        this.context = context;
    }

    @Override
    public MetricsReport measure(MeasurePlan plan, Window window, Reading reading) {
        return run(plan.spec().model(), window, out -> CsvSource.measure(where(), out, plan, window, reading, this::provenance));
    }

    /**
     * The late labels of {@code data.labels.source}: the command's output is a CSV with the key and
     * label columns, one row per key, run and read as a metrics export is (same environment, window,
     * timeout, stderr and exit status rules); its rows are named {@code source NAME line N} in errors.
     */
    public Provenance readLabels(Labels.Builder into, RolloutSpec rollout, Window window) {
        return run(rollout.model(), window, out -> {
            Labels.Csv read = Labels.csv(where(), out, false, into);
            return new Provenance(KIND, Optional.of(spec.name()), commandLine(spec.argv()), read.sha256(), read.rows(),
                    read.rows(), Optional.empty(), Optional.empty());
        });
    }

    /** Runs the command and reads its output with {@code read}: the process rules are the same whatever is read. */
    private <T> T run(ModelSpec model, Window window, Function<InputStream, T> read) {
        HookGroup group = HookGroup.forNewHook();
        ProcessBuilder pb = new ProcessBuilder(group.command(spec.argv())).directory(context.specDirectory().toFile());
        Map<String, String> env = pb.environment();
        env.clear();
        env.putAll(environment(model, window));
        env.putAll(group.environment());
        Thread onShutdown = new Thread(() -> group.end(HookRunner.GRACE), "end " + where());
        try {
            Runtime.getRuntime().addShutdownHook(onShutdown);
        } catch (IllegalStateException shuttingDown) {
            throw failure("was not started: rollout is shutting down");
        }
        try {
            return run(pb, group, read);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(onShutdown);
            } catch (IllegalStateException shuttingDown) {
                // the shutdown hook is running or has run: it ends the group itself
            }
        }
    }

    /**
     * The command's environment: rollout's own, without the secrets of the other sources
     * ({@code ROLLOUT_SOURCE_<OTHER>_…}: a command sees its own, not the warehouse's password),
     * and the window and versions being judged.
     */
    Map<String, String> environment(ModelSpec model, Window window) {
        String own = "ROLLOUT_SOURCE_" + spec.name().toUpperCase(Locale.ROOT) + "_";
        Map<String, String> env = new java.util.HashMap<>();
        context.environment().forEach((k, v) -> {
            if (!k.startsWith("ROLLOUT_SOURCE_") || k.startsWith(own)) {
                env.put(k, v);
            }
        });
        env.put("ROLLOUT_SINCE", window.since().map(Instant::toString).orElse(""));
        env.put("ROLLOUT_UNTIL", window.until().map(Instant::toString).orElse(""));
        env.put("ROLLOUT_BASELINE", model.baseline());
        env.put("ROLLOUT_CANDIDATE", model.candidate());
        return env;
    }

    private <T> T run(ProcessBuilder pb, HookGroup group, Function<InputStream, T> reader) {
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw failure("could not run: " + e.getMessage());
        }
        group.started(p);
        try (OutputStream stdin = p.getOutputStream()) {
            // Nothing to say on stdin: closed, so a command that reads it sees its end at once.
        } catch (IOException closedEarly) {
            // gone already; its exit says why
        }
        HookOutput err = HookOutput.read("stderr", p.getErrorStream());
        CountDownLatch read = new CountDownLatch(1);
        AtomicBoolean timedOut = new AtomicBoolean();
        Thread watchdog = new Thread(() -> {
            try {
                if (!read.await(spec.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                    timedOut.set(true);
                    group.end(HookRunner.GRACE); // its output ends with it, and the read below with that
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "timeout " + where());
        watchdog.setDaemon(true);
        watchdog.start();
        Output out = new Output(p.getInputStream());
        T result = null;
        RolloutException bad = null;
        boolean exited;
        try {
            try {
                result = reader.apply(out);
            } catch (RolloutException e) {
                bad = e;
            }
            // At the end of its output the command is exiting: its exit status says more than a cut-off last
            // row. Refused in the middle, it may print on for hours: it is ended below, and the CSV error stands.
            if (bad == null || out.ended) {
                p.waitFor(); // bounded by the watchdog
            }
            exited = !p.isAlive();
            read.countDown();
            watchdog.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            group.end(HookRunner.GRACE);
            throw failure("was interrupted");
        } finally {
            out.closeNow();
        }
        HookGroup.End end = group.end(HookRunner.GRACE);
        String errors = stderr(err);
        if (timedOut.get()) {
            throw failure("timed out after " + DurationText.format(spec.timeout()) + "; its processes were ended"
                    + HookOutput.tail(errors));
        }
        if (exited && p.exitValue() != 0) {
            throw failure("exited with " + p.exitValue() + HookOutput.tail(errors));
        }
        if (bad != null) {
            throw bad;
        }
        if (!end.ended()) {
            throw failure("left processes that did not end on SIGKILL (" + group.describe() + ")");
        }
        return result;
    }

    /** What the command printed on stderr, once its processes are gone (a process that escaped may hold it open). */
    private static String stderr(HookOutput err) {
        try {
            err.awaitEnd(OUTPUT_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return err.text("the command");
    }

    /** The export as read, in the audit trail's words: the command line, the SHA-256 of what it printed. */
    private Provenance provenance(Provenance read) {
        return new Provenance(KIND, Optional.of(spec.name()), commandLine(spec.argv()), read.digest(), read.rows(),
                read.rowsInWindow(), Optional.empty(), Optional.empty());
    }

    /** The argv as a POSIX shell would take it back: a word with anything but plain characters in single quotes. */
    public static String commandLine(List<String> argv) {
        return argv.stream().map(w -> PLAIN_WORD.matcher(w).matches() ? w : "'" + w.replace("'", "'\\''") + "'")
                .collect(Collectors.joining(" "));
    }

    private String where() {
        return "source " + spec.name();
    }

    private RolloutException failure(String what) {
        return RolloutException.input(Location.file(where()), "command " + commandLine(spec.argv()) + " " + what
                + "; nothing was judged");
    }

    /**
     * The command's stdout as the CSV reader sees it: the reader's close leaves the pipe open, so
     * a command refused mid-export is ended by its group, not by SIGPIPE (which would look like a
     * failed exit); and whether the output reached its end.
     */
    private static final class Output extends FilterInputStream {
        volatile boolean ended;

        Output(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            ended |= b < 0;
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            ended |= n < 0;
            return n;
        }

        @Override
        public void close() {
            // see closeNow
        }

        void closeNow() {
            try {
                in.close();
            } catch (IOException e) {
                // the command is gone; nothing more to read
            }
        }
    }
}
