package dev.rollout.cli;

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
