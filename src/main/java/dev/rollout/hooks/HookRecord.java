package dev.rollout.hooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rollout.RolloutException;
import dev.rollout.RolloutException.Location;
import dev.rollout.state.HookSlot;
import dev.rollout.state.StateJson;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The apply hook running under the lock now, kept in the state backend's {@link HookSlot}
 * ({@code <name>.state.json.hook} beside the lock file, for the file backend).
 * Written (durably) by the lock holder before it starts the hook and again once the hook has a
 * pid, removed only once every process of the hook has ended. So when a command takes the lock
 * and finds the file, the holder before it was killed while its hook ran, and the hook may be
 * running still, moving traffic with nobody holding the lock. Only the lock holder reads or
 * writes it, so it needs no lock of its own.
 *
 * @param command       the hook as the spec shows it
 * @param id            the hook run's {@link HookGroup#ID_VARIABLE}
 * @param ownGroup      whether the hook leads a process group of its own
 * @param rolloutPid    the rollout process that ran it
 * @param action        the move the hook was making ({@code ROLLOUT_ACTION})
 * @param since         when it started the hook
 * @param pid           the hook process (its process group id when {@code ownGroup}); empty
 *                      when the rollout was killed before the start returned
 * @param start         when the hook process started, to tell it from a later process with its pid
 */
record HookRecord(String command, String id, boolean ownGroup, long rolloutPid, String action, Instant since,
                  Optional<Long> pid, Optional<Instant> start) {

    /** The hook has started: the same record with its process. */
    HookRecord started(ProcessHandle process) {
        return new HookRecord(command, id, ownGroup, rolloutPid, action, since, Optional.of(process.pid()),
                process.info().startInstant());
    }

    /** Replaces the record durably before returning: a rollout killed the moment after must leave it for the next command. */
    void write(HookSlot slot) {
        ObjectNode node = StateJson.mapper().createObjectNode();
        node.put("command", command).put("id", id).put("ownProcessGroup", ownGroup).put("rolloutPid", rolloutPid)
                .put("action", action).put("since", since.toString());
        pid.ifPresent(p -> node.put("pid", p));
        start.ifPresent(s -> node.put("start", s.toString()));
        try {
            slot.write((node + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw RolloutException.input(Location.file(slot.location()), "cannot record the running hook: " + e.getMessage()
                    + "; the rollout did not move");
        }
    }

    /** Removes the record; only once the hook has no process left. */
    static void clear(HookSlot slot) {
        slot.clear();
    }

    /** The record a killed rollout left, if there is one; an input error when what is there is not one. */
    static Optional<HookRecord> read(HookSlot slot) {
        Optional<byte[]> bytes;
        try {
            bytes = slot.read();
        } catch (IOException e) {
            throw unreadable(slot, e.getMessage());
        }
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        try {
            JsonNode n = StateJson.mapper().readTree(bytes.get());
            if (n == null || !n.path("id").isTextual() || !n.path("rolloutPid").canConvertToLong()
                    || !n.path("since").isTextual()) {
                throw unreadable(slot, "not a record of a running hook");
            }
            return Optional.of(new HookRecord(n.path("command").asText("?"), n.get("id").asText(),
                    n.path("ownProcessGroup").asBoolean(false), n.get("rolloutPid").asLong(),
                    n.path("action").asText("?"), Instant.parse(n.get("since").asText()),
                    n.hasNonNull("pid") ? Optional.of(n.get("pid").asLong()) : Optional.empty(),
                    n.hasNonNull("start") ? Optional.of(Instant.parse(n.get("start").asText())) : Optional.empty()));
        } catch (IOException | DateTimeParseException e) {
            throw unreadable(slot, "not a record of a running hook (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
    }

    private static RolloutException unreadable(HookSlot slot, String why) {
        return RolloutException.input(Location.file(slot.location()), why + ": it should name the apply hook a killed"
                + " rollout left running; end that hook if it still runs, then delete the file");
    }
}
