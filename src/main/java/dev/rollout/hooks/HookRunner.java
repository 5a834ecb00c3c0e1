package dev.rollout.hooks;

import dev.rollout.RolloutException;
import dev.rollout.lifecycle.Action;
import dev.rollout.lifecycle.HistoryEvent;
import dev.rollout.lifecycle.Outcome;
import dev.rollout.lifecycle.RolloutState;
import dev.rollout.spec.DurationText;
import dev.rollout.spec.HooksSpec;
import dev.rollout.spec.RolloutSpec;
import dev.rollout.spec.StageSpec;
import dev.rollout.state.HookSlot;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs the spec's hooks, the only programs a spec can start. {@code apply} runs before a move
 * is written, under the state's lock, and a failure (non-zero exit or timeout) stops the move
 * with exit 1; {@code notify} runs after each recorded event with the event as JSON on stdin,
 * and a failure is a warning. Hooks run in the spec's directory; their output goes to stderr
 * (stdout stays one JSON document for scripts).
 *
 * <p>No hook process outlives the command that started it ({@link HookGroup}), and an apply
 * hook never runs without the lock: while it runs, {@link HookRecord} names it in the state
 * backend's {@link HookSlot}, so that if rollout is killed with SIGKILL the next command to take
 * the lock ends it first.
 */
public final class HookRunner {

    /** How long a hook's processes have after SIGTERM (rollout ends, the hook times out) before SIGKILL. */
    public static final Duration GRACE = Duration.ofSeconds(2);
    private static final Duration OUTPUT_WAIT = Duration.ofSeconds(2);

    private final RolloutSpec spec;
    private final Path directory;
    private final PrintWriter stderr;
    private final Clock clock;
    private final HookSlot slot;

    /**
     * @param stderr where the hooks' output and warnings go (stdout stays one JSON document)
     * @param clock when a hook starts, for its record
     * @param slot  where the state backend keeps the record of a running apply hook
     */
    public HookRunner(RolloutSpec spec, Path specFile, PrintWriter stderr, Clock clock, HookSlot slot) {
        this.spec = spec;
        this.directory = specFile.toAbsolutePath().getParent();
        this.stderr = stderr;
        this.clock = clock;
        this.slot = slot;
    }

    /** Runs {@code apply} when the outcome moves the rollout; throws when the hook fails. */
    public void beforeMove(Optional<RolloutState> before, Outcome outcome) {
        Optional<String> action = applyAction(outcome.action());
        if (spec.hooks().apply().isEmpty() || action.isEmpty() || outcome.newState().isEmpty()) {
            return;
        }
        RolloutState next = outcome.newState().get();
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("ROLLOUT_NAME", spec.name());
        vars.put("ROLLOUT_ACTION", action.get());
        vars.put("ROLLOUT_STATUS", next.status().name());
        vars.put("ROLLOUT_STAGE", next.stage().name());
        vars.put("ROLLOUT_TRAFFIC", Integer.toString(next.candidateTraffic()));
        vars.put("ROLLOUT_PREVIOUS_TRAFFIC", Integer.toString(before.map(RolloutState::candidateTraffic).orElse(0)));
        vars.put("ROLLOUT_BASELINE", next.model().baseline());
        vars.put("ROLLOUT_CANDIDATE", next.model().candidate());
        vars.put("ROLLOUT_LINEAGE", next.lineage());
        spec.stage(next.stage().name()).map(StageSpec::segment).orElse(Map.of()).forEach((k, v) ->
                vars.put(StageSpec.segmentVariable(k), v));
        Result r = run("hooks.apply", spec.hooks().apply().get(), vars, Optional.empty(), true);
        if (!r.ok()) {
            throw RolloutException.input(RolloutException.Location.of(null, 0, 0, "hooks.apply"),
                    "'" + spec.hooks().apply().get().display() + "' " + r.failure() + "; the rollout did not move");
        }
    }

    /** Runs {@code notify} once per event; returns a warning for each failure. */
    public List<String> notify(List<HistoryEvent> events) {
        List<String> warnings = new ArrayList<>();
        if (spec.hooks().notifyHook().isEmpty()) {
            return warnings;
        }
        for (HistoryEvent e : events) {
            Map<String, String> vars = Map.of("ROLLOUT_NAME", spec.name(), "ROLLOUT_EVENT", e.event().name());
            Result r = run("hooks.notify", spec.hooks().notifyHook().get(), vars, Optional.of(oneLine(e) + "\n"), false);
            if (!r.ok()) {
                warnings.add("hooks.notify '" + spec.hooks().notifyHook().get().display() + "' " + r.failure()
                        + " for event " + e.event());
            }
        }
        return warnings;
    }

    /** The event as one line of JSON, as in the history file. */
    private static String oneLine(HistoryEvent e) {
        try {
            return dev.rollout.state.StateJson.mapper().writeValueAsString(e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
            throw new IllegalStateException("cannot write an event as JSON", ex);
        }
    }

    /** Which moves run {@code apply}: every change of stage or status; evaluations and approvals do not. */
    private static Optional<String> applyAction(Action action) {
        return switch (action) {
            case STARTED -> Optional.of("start");
            case ADVANCED, FORCED -> Optional.of("advance");
            case PROMOTED -> Optional.of("promote");
            case ROLLED_BACK -> Optional.of("rollback");
            case RESTARTED -> Optional.of("restart");
            default -> Optional.empty();
        };
    }

    private record Result(boolean ok, String failure) {
    }

    /**
     * Runs one hook to its end and ends whatever it left running before returning, so no
     * process of it outlives this call: not on success (a background child), not on a timeout,
     * not when rollout is stopped by SIGTERM or Ctrl-C (a shutdown hook ends the group). An
     * apply hook is {@code recorded} in the slot while it runs, for the next command in
     * case this one is killed with SIGKILL.
     */
    private Result run(String which, HooksSpec.Command command, Map<String, String> vars, Optional<String> stdin,
                       boolean recorded) {
        HookGroup group = HookGroup.forNewHook();
        ProcessBuilder pb = new ProcessBuilder(group.command(command.processArgs())).directory(directory.toFile());
        pb.environment().putAll(vars);
        pb.environment().putAll(group.environment());
        HookRecord record = new HookRecord(command.display(), group.id(), group.ownGroup(), ProcessHandle.current().pid(),
                vars.getOrDefault("ROLLOUT_ACTION", ""), clock.instant(), Optional.empty(), Optional.empty());
        Thread onShutdown = new Thread(() -> endGroup(group, recorded), "end " + which);
        try {
            Runtime.getRuntime().addShutdownHook(onShutdown);
        } catch (IllegalStateException shuttingDown) {
            return new Result(false, "was not started: rollout is shutting down");
        }
        try {
            if (recorded) {
                record.write(slot);
            }
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                if (recorded) {
                    HookRecord.clear(slot);
                }
                return new Result(false, "could not run: " + e.getMessage());
            }
            group.started(p);
            if (recorded) {
                try {
                    record.started(p.toHandle()).write(slot);
                } catch (RolloutException e) {
                    // Unrecorded, a hook must not run on: a kill now would leave it for nobody to end.
                    endGroup(group, true);
                    return new Result(false, "was stopped: " + e.describe());
                }
            }
            HookOutput out = HookOutput.read("stdout", p.getInputStream());
            HookOutput err = HookOutput.read("stderr", p.getErrorStream());
            try (OutputStream in = p.getOutputStream()) {
                if (stdin.isPresent()) {
                    in.write(stdin.get().getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException closedEarly) {
                // A hook that does not read its stdin may close it first; that is its right.
            }
            boolean finished = p.waitFor(spec.hooks().timeout().toMillis(), TimeUnit.MILLISECONDS);
            HookGroup.End end = endGroup(group, recorded);
            String errors = show(which, command, out, err, finished, end);
            if (!end.ended()) {
                return new Result(false, (finished ? "exited" : "timed out") + " and left processes that did not end on"
                        + " SIGKILL (" + group.describe() + ")");
            }
            if (!finished) {
                return new Result(false, "timed out after " + DurationText.format(spec.hooks().timeout()));
            }
            if (p.exitValue() != 0) {
                return new Result(false, "exited with " + p.exitValue() + HookOutput.tail(errors));
            }
            return new Result(true, "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            endGroup(group, recorded);
            return new Result(false, "was interrupted");
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(onShutdown);
            } catch (IllegalStateException shuttingDown) {
                // the shutdown hook is running or has run: it ends the group itself
            }
        }
    }

    /** Prints what the hook printed, and what it left running; returns its stderr. */
    private String show(String which, HooksSpec.Command command, HookOutput out, HookOutput err, boolean finished,
                        HookGroup.End end) throws InterruptedException {
        // With the group ended nobody holds the pipes, so the output ends, unless a process escaped the group.
        boolean outputEnded = out.awaitEnd(OUTPUT_WAIT) & err.awaitEnd(OUTPUT_WAIT);
        String errors = err.text(which);
        stderr.print(out.text(which));
        stderr.print(errors);
        String hook = which + " '" + command.display() + "'";
        if (!outputEnded) {
            stderr.println("warning: " + hook + ": a process outside its process group still holds its output"
                    + " open; not waiting for it");
        }
        if (finished && end.signalled() > 0) {
            stderr.println("warning: " + hook + " exited and left " + end.signalled() + " process(es) running; ended them");
        }
        stderr.flush();
        return errors;
    }

    /** Ends the hook's processes; its record goes only once none is left, else the next command sees it. */
    private HookGroup.End endGroup(HookGroup group, boolean recorded) {
        HookGroup.End end = group.end(GRACE);
        if (recorded && end.ended()) {
            HookRecord.clear(slot);
        }
        return end;
    }

    /**
     * Ends an apply hook that a killed rollout left running, before this command (which holds
     * the lock now) runs its own hook or moves the state: two hooks setting the traffic at once,
     * the older one last, would leave the traffic where the state does not say. Returns what it
     * did, as warnings; throws a conflict when the hook's processes do not end.
     */
    public List<String> endLeftBehind() {
        Optional<HookRecord> left = HookRecord.read(slot);
        if (left.isEmpty()) {
            return List.of();
        }
        HookRecord r = left.get();
        HookGroup group = HookGroup.leftBehind(r.id(), r.ownGroup(), r.pid(), r.start());
        String hook = "the apply hook '" + r.command() + "' ("
                + r.pid().map(p -> HookGroup.describe(r.ownGroup(), p)).orElse("pid not recorded")
                + ") left running by rollout pid " + r.rolloutPid() + " (action " + r.action() + ", since " + r.since() + ")";
        HookGroup.End end = group.end(GRACE);
        if (!end.ended()) {
            throw RolloutException.conflict(hook + " is still running: its processes did not end on SIGTERM or SIGKILL;"
                    + " end them, then delete " + slot.location() + "; the rollout did not move");
        }
        HookRecord.clear(slot);
        String seen = HookGroup.seesProcesses() ? "" : " (no /proc: only the hook process and its children could be seen)";
        return List.of(end.signalled() > 0
                ? "ended " + hook + ", before this command went on" + seen
                : hook + " had ended; the traffic may be as that hook set it, not as the state says" + seen);
    }
}
