package dev.rollout.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/** Runs the real CLI in-process with a fixed clock and captured output. */
final class CliRunner {

    record Result(int exit, String out, String err) {
        JsonNode json() {
            try {
                return new ObjectMapper().readTree(out);
            } catch (IOException e) {
                throw new AssertionError("stdout is not one JSON document: " + out + "\nstderr: " + err, e);
            }
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** The metric named {@code name} in an evaluation's JSON. */
    static JsonNode metric(JsonNode evaluation, String name) {
        for (JsonNode m : evaluation.get("metrics")) {
            if (m.get("name").asText().equals(name)) {
                return m;
            }
        }
        throw new AssertionError("no metric " + name + " in " + evaluation);
    }

    private final Map<String, String> vars = new HashMap<>();

    CliRunner() {
        vars.put("ROLLOUT_ACTOR", "ci@test");
        vars.put("NO_COLOR", "1");
    }

    CliRunner at(String instant) {
        vars.put("ROLLOUT_NOW", instant);
        return this;
    }

    CliRunner actor(String actor) {
        vars.put("ROLLOUT_ACTOR", actor);
        return this;
    }

    CliRunner env(String name, String value) {
        vars.put(name, value);
        return this;
    }

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Cli.run(env(out, err), args);
        return new Result(exit, out.toString(), err.toString());
    }

    /** {@code evaluate SPEC --metrics EXPORT --dry-run} with {@code output} options after it. */
    Result evaluateDryRun(Path spec, Path export, String... output) {
        String[] args = new String[5 + output.length];
        args[0] = "evaluate";
        args[1] = spec.toString();
        args[2] = "--metrics";
        args[3] = export.toString();
        args[4] = "--dry-run";
        System.arraycopy(output, 0, args, 5, output.length);
        return run(args);
    }

    /** An environment that discards the output. */
    Env env() {
        return env(new StringWriter(), new StringWriter());
    }

    private Env env(StringWriter out, StringWriter err) {
        return new Env(vars, Env.clockFrom(vars), new PrintWriter(out), new PrintWriter(err), false, false);
    }

    /** Copies a folder of rollouts/ into {@code dir}, so tests write state beside a copy, never into the repo. */
    static Path copyExample(String name, Path dir) throws IOException {
        Path from = Path.of("rollouts", name);
        Path to = dir.resolve(name);
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.sorted(Comparator.naturalOrder()).toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!p.toString().contains("/.rollout/")) {
                    Files.copy(p, target);
                }
            }
        }
        return to;
    }
}
