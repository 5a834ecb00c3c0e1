package dev.rollout.cli;

import dev.rollout.RolloutException;
import dev.rollout.spec.DurationText;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.Optional;

/** Options every command takes: where the state is, how to print, how long to wait for the lock. */
public final class CommonOptions {

    /** Text, not a Path: a postgresql:// URL made a Path loses its {@code //}; Backends tells the two apart. */
    @Option(names = "--state", paramLabel = "PATH|URL",
            description = "State file, or postgresql://HOST[:PORT]/DATABASE[?schema=S] for a shared state"
                    + " (default: .rollout/<name>.state.json beside the spec; env ROLLOUT_STATE).")
    String state;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "text (default), json (exactly one JSON document on stdout, also on error) or markdown"
                    + " (tables for CI job summaries: evaluate, status, plan).")
    String output;

    @Option(names = "--no-color", description = "No ANSI colours (also: the NO_COLOR environment variable).")
    boolean noColor;

    @Option(names = "--lock-timeout", paramLabel = "DURATION", defaultValue = "30s",
            description = "How long to wait for another process's lock on the state (default: 30s), then exit 5.")
    String lockTimeout;

    @Option(names = "--verbose", description = "Show stack traces of internal errors.")
    boolean verbose;

    OutputFormat format() {
        return switch (output.toLowerCase(java.util.Locale.ROOT)) {
            case "json" -> OutputFormat.JSON;
            case "text" -> OutputFormat.TEXT;
            case "markdown", "md" -> OutputFormat.MARKDOWN;
            default -> throw RolloutException.input("-o/--output: '" + output + "' is not one of text, json, markdown");
        };
    }

    Duration lockTimeout() {
        return DurationText.parse(lockTimeout).orElseThrow(() ->
                RolloutException.input("--lock-timeout: '" + lockTimeout + "' is not a duration (30s, 2m, PT1M)"));
    }

    Optional<String> state(Env env) {
        return Optional.ofNullable(state).filter(s -> !s.isEmpty()).or(() -> env.var("ROLLOUT_STATE"));
    }
}
