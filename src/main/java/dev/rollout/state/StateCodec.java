package dev.rollout.state;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rollout.RolloutException;
import dev.rollout.RolloutException.Location;
import dev.rollout.lifecycle.HistoryEvent;
import dev.rollout.lifecycle.RolloutState;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The state and history as JSON, the same for every backend (a database keeps the very
 * document a file holds): the format version checked before binding, the required fields,
 * and the fast path ({@link StateQuickRead}) that reads a state as this tool writes it without
 * Jackson's data binding.
 */
public final class StateCodec {

    /** The field of a history line that names the write it belongs to (a file's exactly-once bookkeeping). */
    public static final String WRITE_FIELD = "write";

    /** Built on first use: Jackson's set-up is a third of a short command's start, and a state the quick path reads needs none. */
    private static final class Json {
        static final ObjectMapper READ = StateJson.mapper();
    }

    /** Built on first write, apart from {@link Json}: reading commands never need it. */
    private static final class JsonWrite {
        static final ObjectMapper WRITE = StateJson.files();
    }

    private StateCodec() {
    }

    /**
     * The state in {@code bytes}. An empty, truncated or garbage document, or one of a format
     * version this program does not know, is an input error naming {@code source}.
     *
     * @param backup what to add to a refusal about the previous good state, asked only on a refusal
     */
    public static RolloutState decodeState(byte[] bytes, String source, Supplier<String> backup) {
        // A file as this tool writes it reads without Jackson's data binding; anything else reads below.
        Optional<RolloutState> quick = StateQuickRead.read(bytes);
        if (quick.isPresent()) {
            return quick.get();
        }
        String hint = backup.get();
        if (isBlank(bytes)) {
            throw RolloutException.input(Location.file(source), "the state file is empty, not valid state JSON" + hint);
        }
        JsonNode tree;
        try {
            tree = Json.READ.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw invalidJson(source, e, hint);
        } catch (IOException e) {
            throw RolloutException.input(Location.file(source), "cannot read the state: " + IoReason.of(e));
        }
        if (tree == null || !tree.isObject()) {
            throw RolloutException.input(Location.file(source), "not valid state JSON: not a JSON object" + hint);
        }
        // The version is checked before binding: a newer format may mean something else by the same fields.
        JsonNode version = tree.get("formatVersion");
        if (version == null || !version.isIntegralNumber()) {
            throw RolloutException.input(Location.file(source), "not a rollout state file: no numeric formatVersion" + hint);
        }
        if (!version.canConvertToInt() || version.intValue() != RolloutState.FORMAT_VERSION) {
            throw RolloutException.input(Location.file(source), "unknown state format version " + version.asText()
                    + "; this rollout reads version " + RolloutState.FORMAT_VERSION
                    + " (was the file written by a newer rollout?)");
        }
        RolloutState state;
        try {
            // Bound from the bytes rather than the tree, so an error carries a line and column.
            state = Json.READ.readValue(bytes, RolloutState.class);
        } catch (JsonProcessingException e) {
            throw invalidJson(source, e, hint);
        } catch (IOException e) {
            throw RolloutException.input(Location.file(source), "cannot read the state: " + IoReason.of(e));
        }
        List<String> missing = new ArrayList<>();
        if (!tree.hasNonNull("serial")) missing.add("serial");
        if (state.rollout() == null) missing.add("rollout");
        if (state.lineage() == null) missing.add("lineage");
        if (state.model() == null) missing.add("model");
        if (state.status() == null) missing.add("status");
        if (state.stage() == null) missing.add("stage");
        if (state.specDigest() == null) missing.add("specDigest");
        if (state.updatedAt() == null) missing.add("updatedAt");
        if (state.lastEvaluation() == null) missing.add("lastEvaluation");
        if (state.approval() == null) missing.add("approval");
        if (!missing.isEmpty()) {
            throw RolloutException.input(Location.file(source), "not a valid state: missing " + String.join(", ", missing) + hint);
        }
        if (state.serial() < 0) {
            throw RolloutException.input(Location.file(source), "not a valid state: negative serial " + state.serial() + hint);
        }
        return state;
    }

    private static RolloutException invalidJson(String source, JsonProcessingException e, String hint) {
        JsonLocation at = e.getLocation();
        int line = at == null ? 0 : Math.max(0, at.getLineNr());
        int column = at == null ? 0 : Math.max(0, at.getColumnNr());
        return new RolloutException(RolloutException.Kind.INPUT, Location.of(source, line, column, null),
                "not valid state JSON (" + IoReason.firstLine(e.getOriginalMessage()) + ")" + hint, e);
    }

    private static boolean isBlank(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }

    /** The state as it is stored: pretty-printed, absent optionals left out, one newline at the end. */
    public static byte[] encodeState(RolloutState state) throws IOException {
        return (JsonWrite.WRITE.writerWithDefaultPrettyPrinter().writeValueAsString(state) + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** One history line (without its newline), naming the write it belongs to. */
    public static String encodeEvent(HistoryEvent event, String write) throws IOException {
        ObjectNode node = JsonWrite.WRITE.valueToTree(event);
        node.put(WRITE_FIELD, write);
        return JsonWrite.WRITE.writeValueAsString(node);
    }

    /** One event as a database row keeps it: the history line without a write id (the row's key does that job). */
    public static String encodeEvent(HistoryEvent event) throws IOException {
        return JsonWrite.WRITE.writeValueAsString(event);
    }

    /** A history line read back, and the write it names ({@code ""} for a line without one). */
    public record EventLine(HistoryEvent event, String write) {
    }

    /** The event on one history line; an {@link IOException} when the line is not one. */
    public static EventLine decodeEvent(String line) throws IOException {
        JsonNode node = Json.READ.readTree(line);
        if (node == null || !node.isObject() || !node.hasNonNull("serial") || !node.hasNonNull("event")
                || !node.hasNonNull("at")) {
            throw new IOException("not a JSON object with at, event and serial");
        }
        HistoryEvent event = Json.READ.treeToValue(node, HistoryEvent.class);
        return new EventLine(event, node.hasNonNull(WRITE_FIELD) ? node.get(WRITE_FIELD).asText() : "");
    }

    /** Whether {@code text} is a whole event (one that lacks only its newline, say). */
    public static boolean isEvent(String text) {
        try {
            JsonNode node = Json.READ.readTree(text);
            if (node != null && node.isObject() && node.hasNonNull("serial")) {
                Json.READ.treeToValue(node, HistoryEvent.class);
                return true;
            }
        } catch (IOException e) {
            // not one
        }
        return false;
    }
}
