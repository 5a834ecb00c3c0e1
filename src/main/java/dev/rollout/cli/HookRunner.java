package dev.rollout.cli;

import dev.rollout.RolloutException;
import dev.rollout.lifecycle.Action;
import dev.rollout.lifecycle.HistoryEvent;
import dev.rollout.lifecycle.Outcome;
import dev.rollout.lifecycle.RolloutState;
import dev.rollout.spec.DurationText;
import dev.rollout.spec.HooksSpec;
import dev.rollout.spec.RolloutSpec;
import dev.rollout.spec.StageSpec;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 */
final class HookRunner {

    private final RolloutSpec spec;
    private final Path directory;
    private final Env env;

    HookRunner(RolloutSpec spec, Path specFile, Env env) {
        this.spec = spec;
        this.directory = specFile.toAbsolutePath().getParent();
        this.env = env;
    }

    /** Runs {@code apply} when the outcome moves the rollout; throws when the hook fails. */
    void beforeMove(Optional<RolloutState> before, Outcome outcome) {
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
        Result r = run(spec.hooks().apply().get(), vars, Optional.empty());
        if (!r.ok()) {
            throw RolloutException.input(RolloutException.Location.of(null, 0, 0, "hooks.apply"),
                    "'" + spec.hooks().apply().get().display() + "' " + r.failure() + "; the rollout did not move");
        }
    }

    /** Runs {@code notify} once per event; returns a warning for each failure. */
    List<String> notify(List<HistoryEvent> events) {
        List<String> warnings = new ArrayList<>();
        if (spec.hooks().notifyHook().isEmpty()) {
            return warnings;
        }
        for (HistoryEvent e : events) {
            Map<String, String> vars = Map.of("ROLLOUT_NAME", spec.name(), "ROLLOUT_EVENT", e.event().name());
            Result r = run(spec.hooks().notifyHook().get(), vars, Optional.of(oneLine(e) + "\n"));
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

    private Result run(HooksSpec.Command command, Map<String, String> vars, Optional<String> stdin) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("rollout-hook", ".out");
            err = Files.createTempFile("rollout-hook", ".err");
            ProcessBuilder pb = new ProcessBuilder(command.processArgs()).directory(directory.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().putAll(vars);
            Process p = pb.start();
            try (OutputStream in = p.getOutputStream()) {
                if (stdin.isPresent()) {
                    in.write(stdin.get().getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException closedEarly) {
                // A hook that does not read its stdin may close it first; that is its right.
            }
            boolean finished = p.waitFor(spec.hooks().timeout().toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
            String output = Files.readString(out, StandardCharsets.UTF_8);
            String errors = Files.readString(err, StandardCharsets.UTF_8);
            env.err().print(output);
            env.err().print(errors);
            env.err().flush();
            if (!finished) {
                return new Result(false, "timed out after " + DurationText.format(spec.hooks().timeout()));
            }
            if (p.exitValue() != 0) {
                return new Result(false, "exited with " + p.exitValue() + tail(errors));
            }
            return new Result(true, "");
        } catch (IOException e) {
            return new Result(false, "could not run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(false, "was interrupted");
        } finally {
            delete(out);
            delete(err);
        }
    }

    private static String tail(String errors) {
        String t = errors.strip();
        if (t.isEmpty()) {
            return "";
        }
        return ": " + (t.length() > 500 ? "…" + t.substring(t.length() - 500) : t).replace('\n', ' ');
    }

    private static void delete(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a temp file left behind is harmless
            }
        }
    }
}
