package dev.rollout.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Who holds a state's lock, as the holder described itself (Terraform's {@code LockInfo}), for
 * the message of a writer that waited in vain. Text throughout: a holder written by another
 * version, or read back from a database's session name, may lack a field, shown as {@code ?}.
 */
public record LockHolder(String pid, String host, String user, String command, String since) {

    /** This process, doing {@code command} (e.g. {@code rollout advance rollout.yaml}) since now. */
    public static LockHolder thisProcess(String command, Clock clock) {
        return new LockHolder(Long.toString(ProcessHandle.current().pid()), hostName(),
                System.getProperty("user.name", "?"), command, clock.instant().toString());
    }

    /** "pid 4711 (ana@ci-3, `rollout advance rollout.yaml`, since 2026-03-02T12:00:00Z)". */
    public String describe() {
        return "pid " + pid + " (" + user + "@" + host + ", `" + command + "`, since " + since + ")";
    }

    /** One JSON line: pid (a number), host, user, command, since. */
    public String toJson() {
        Map<String, Object> info = new LinkedHashMap<>();
        try {
            info.put("pid", Long.parseLong(pid));
        } catch (NumberFormatException e) {
            info.put("pid", pid);
        }
        info.put("host", host);
        info.put("user", user);
        info.put("command", command);
        info.put("since", since);
        try {
            return StateJson.mapper().writeValueAsString(info);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the lock holder as JSON", e);
        }
    }

    /** The holder a {@link #toJson()} line names; empty when the text names none (no pid). */
    public static Optional<LockHolder> fromJson(String text) throws IOException {
        JsonNode info = text.isBlank() ? null : StateJson.mapper().readTree(text);
        if (info == null || !info.hasNonNull("pid")) {
            return Optional.empty();
        }
        return Optional.of(new LockHolder(info.get("pid").asText(), info.path("host").asText("?"),
                info.path("user").asText("?"), info.path("command").asText("?"), info.path("since").asText("?")));
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        try {
            // No DNS on Linux: InetAddress.getLocalHost() may resolve the name and hang.
            String proc = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
            if (!proc.isEmpty()) {
                return proc;
            }
        } catch (IOException | UncheckedIOException | SecurityException e) {
            // not Linux
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
