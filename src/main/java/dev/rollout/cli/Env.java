package dev.rollout.cli;

import dev.rollout.metrics.Reading;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * What the outside world gives a command: environment variables, the clock, the output
 * streams and whether stdout and stderr are terminals. Injected, so tests run the real CLI
 * in-process with a fixed clock and captured output.
 *
 * @param terminal    stdout is a terminal (colour)
 * @param errTerminal stderr is a terminal (progress of long reads); the launcher says so, since Java cannot tell
 */
public record Env(Map<String, String> vars, Clock clock, PrintWriter out, PrintWriter err, boolean terminal,
                  boolean errTerminal) {

    /** Set by the launcher when {@code [ -t 2 ]}. */
    static final String STDERR_TERMINAL = "rollout.stderr.terminal";

    public Env {
        vars = Map.copyOf(vars);
    }

    /** The process's own environment; {@code ROLLOUT_NOW} fixes the clock. */
    public static Env system(PrintWriter out, PrintWriter err) {
        Map<String, String> vars = System.getenv();
        return new Env(vars, clockFrom(vars), out, err, System.console() != null,
                Boolean.getBoolean(STDERR_TERMINAL));
    }

    /**
     * How exports are read: {@code ROLLOUT_THREADS} parsing threads (default: every core),
     * {@code ROLLOUT_CHUNK_BYTES} per chunk (default 8 MiB; 0 reads each export in one pass),
     * and a progress line on stderr when it is a terminal.
     */
    public Reading reading() {
        int threads = (int) count("ROLLOUT_THREADS", Runtime.getRuntime().availableProcessors(), 1, 1024);
        long chunk = count("ROLLOUT_CHUNK_BYTES", Reading.CHUNK_BYTES, 0, Long.MAX_VALUE);
        return new Reading(threads, chunk, errTerminal ? new ProgressLine(err, System::nanoTime) : Reading.Progress.NONE);
    }

    private long count(String name, long fallback, long min, long max) {
        Optional<String> text = var(name);
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

    /** {@code ROLLOUT_NOW=2026-01-01T00:00:00Z} fixes the clock (tests, replays); else the system clock. */
    public static Clock clockFrom(Map<String, String> vars) {
        String now = vars.get("ROLLOUT_NOW");
        if (now == null || now.isBlank()) {
            return Clock.systemUTC();
        }
        try {
            return Clock.fixed(Instant.parse(now.trim()), ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw dev.rollout.RolloutException.input("ROLLOUT_NOW='" + now + "' is not an ISO-8601 instant like 2026-01-01T00:00:00Z");
        }
    }

    public Optional<String> var(String name) {
        return Optional.ofNullable(vars.get(name)).filter(v -> !v.isEmpty());
    }

    public Instant now() {
        return clock.instant();
    }

    /** Who is acting, for the audit trail: {@code ROLLOUT_ACTOR}, else {@code user@host}. */
    public String actor() {
        return var("ROLLOUT_ACTOR").orElseGet(() -> var("USER").orElse(System.getProperty("user.name", "unknown"))
                + "@" + host());
    }

    String host() {
        Optional<String> h = var("HOSTNAME");
        if (h.isPresent()) {
            return h.get();
        }
        try {
            Path etc = Path.of("/etc/hostname");
            if (Files.isReadable(etc)) {
                String s = Files.readString(etc).trim();
                if (!s.isEmpty()) {
                    return s;
                }
            }
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }
}
