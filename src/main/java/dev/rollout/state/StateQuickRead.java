package dev.rollout.state;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.rollout.judge.Decision;
import dev.rollout.judge.SequentialMemory;
import dev.rollout.lifecycle.Approval;
import dev.rollout.lifecycle.EvaluationRecord;
import dev.rollout.lifecycle.ModelVersions;
import dev.rollout.lifecycle.RolloutState;
import dev.rollout.lifecycle.StagePosition;
import dev.rollout.lifecycle.Status;
import dev.rollout.lifecycle.Streaks;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Reads a state file as this tool writes it, with jackson-core's streaming parser alone:
 * building Jackson's {@code ObjectMapper} and binding the records through it costs a short
 * command (status, plan) some 55 ms of its start. Anything the writer would not have written —
 * a missing or null field, another type, a duplicate key, a number out of range, trailing
 * tokens — gives up, and the full reader in {@link StateCodec} reads the file and words any
 * error. So this reader only ever returns what the full reader returns (StateQuickReadTest
 * compares them on random states and mutations of them).
 */
final class StateQuickRead {

    private static final JsonFactory JSON = new JsonFactory();

    /** Thrown to give up; no stack trace, it is expected. */
    private static final class Unusual extends RuntimeException {
        Unusual() {
            super(null, null, false, false);
        }
    }

    private StateQuickRead() {
    }

    /** The state in {@code bytes}, or empty when the full reader must decide. */
    static Optional<RolloutState> read(byte[] bytes) {
        try (JsonParser p = JSON.createParser(bytes)) {
            RolloutState state = state(p);
            return p.nextToken() == null ? Optional.of(state) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static RolloutState state(JsonParser p) throws IOException {
        start(p);
        Integer formatVersion = null;
        String rollout = null;
        String lineage = null;
        Long serial = null;
        String specDigest = null;
        ModelVersions model = null;
        Status status = null;
        StagePosition stage = null;
        Optional<EvaluationRecord> lastEvaluation = Optional.empty();
        Optional<Approval> approval = Optional.empty();
        Instant updatedAt = null;
        Set<String> seen = new HashSet<>();
        while (field(p, seen)) {
            switch (p.currentName()) {
                case "formatVersion" -> formatVersion = integer(p);
                case "rollout" -> rollout = string(p);
                case "lineage" -> lineage = string(p);
                case "serial" -> serial = longValue(p);
                case "specDigest" -> specDigest = string(p);
                case "model" -> model = model(p);
                case "status" -> status = Status.valueOf(string(p));
                case "stage" -> stage = stage(p);
                case "lastEvaluation" -> lastEvaluation = Optional.of(evaluation(p));
                case "approval" -> approval = Optional.of(approval(p));
                case "updatedAt" -> updatedAt = instant(p);
                default -> p.skipChildren(); // unknown fields are ignored, as by the full reader
            }
        }
        if (formatVersion == null || formatVersion != RolloutState.FORMAT_VERSION || serial == null || serial < 0) {
            throw new Unusual();
        }
        return new RolloutState(formatVersion, present(rollout), present(lineage), serial, present(specDigest),
                present(model), present(status), present(stage), lastEvaluation, approval, present(updatedAt));
    }

    private static ModelVersions model(JsonParser p) throws IOException {
        start(p);
        String baseline = null;
        String candidate = null;
        Set<String> seen = new HashSet<>();
        while (field(p, seen)) {
            switch (p.currentName()) {
                case "baseline" -> baseline = string(p);
                case "candidate" -> candidate = string(p);
                default -> p.skipChildren();
            }
        }
        return new ModelVersions(present(baseline), present(candidate));
    }

    private static StagePosition stage(JsonParser p) throws IOException {
        start(p);
        Integer index = null;
        String name = null;
        Integer traffic = null;
        Instant enteredAt = null;
        Streaks streaks = Streaks.NONE;
        Set<String> seen = new HashSet<>();
        while (field(p, seen)) {
            switch (p.currentName()) {
                case "index" -> index = integer(p);
                case "name" -> name = string(p);
                case "traffic" -> traffic = integer(p);
                case "enteredAt" -> enteredAt = instant(p);
                case "streaks" -> streaks = streaks(p);
                default -> p.skipChildren();
            }
        }
        return new StagePosition(present(index), present(name), present(traffic), present(enteredAt), streaks);
    }

    private static Streaks streaks(JsonParser p) throws IOException {
        start(p);
        Integer promote = null;
        Integer rollback = null;
        Set<String> seen = new HashSet<>();
        while (field(p, seen)) {
            switch (p.currentName()) {
                case "promote" -> promote = integer(p);
                case "rollback" -> rollback = integer(p);
                default -> p.skipChildren();
            }
        }
        return new Streaks(present(promote), present(rollback));
    }

    private static EvaluationRecord evaluation(JsonParser p) throws IOException {
        start(p);
        String stage = null;
        Instant at = null;
        Decision decision = null;
        OptionalDouble score = OptionalDouble.empty();
        List<String> reasons = null;
        Map<String, SequentialMemory> sequential = null;
        Set<String> seen = new HashSet<>();
        while (field(p, seen)) {
            switch (p.currentName()) {
                case "stage" -> stage = string(p);
                case "at" -> at = instant(p);
                case "decision" -> decision = Decision.valueOf(string(p));
                case "score" -> score = OptionalDouble.of(number(p));
                case "reasons" -> reasons = strings(p);
                case "sequential" -> sequential = sequential(p);
                default -> p.skipChildren();
            }
        }
        return new EvaluationRecord(present(stage), present(at), present(decision), score, present(reasons),
                present(sequential));
    }

    private static Map<String, SequentialMemory> sequential(JsonParser p) throws IOException {
        start(p);
        Map<String, SequentialMemory> map = new HashMap<>();
        Set<String> seen = new HashSet<>();
        while (field(p, seen)) {
            String metric = p.currentName();
            start(p);
            Double pValue = null;
            Double lower = null;
            Double upper = null;
            Set<String> inner = new HashSet<>();
            while (field(p, inner)) {
                switch (p.currentName()) {
                    case "pValue" -> pValue = number(p);
                    case "lower" -> lower = number(p);
                    case "upper" -> upper = number(p);
                    default -> p.skipChildren();
                }
            }
            map.put(metric, new SequentialMemory(present(pValue), present(lower), present(upper)));
        }
        return map;
    }

    private static Approval approval(JsonParser p) throws IOException {
        start(p);
        String stage = null;
        String by = null;
        Instant at = null;
        Optional<String> reason = Optional.empty();
        Set<String> seen = new HashSet<>();
        while (field(p, seen)) {
            switch (p.currentName()) {
                case "stage" -> stage = string(p);
                case "by" -> by = string(p);
                case "at" -> at = instant(p);
                case "reason" -> reason = Optional.of(string(p));
                default -> p.skipChildren();
            }
        }
        return new Approval(present(stage), present(by), present(at), reason);
    }

    // --- tokens: exactly what the writer writes, anything else gives up ---

    private static void start(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT && p.nextToken() != JsonToken.START_OBJECT) {
            throw new Unusual();
        }
    }

    /** Moves to the next field's value; false at the object's end. A repeated name gives up. */
    private static boolean field(JsonParser p, Set<String> seen) throws IOException {
        JsonToken t = p.nextToken();
        if (t == JsonToken.END_OBJECT) {
            return false;
        }
        if (t != JsonToken.FIELD_NAME || !seen.add(p.currentName())) {
            throw new Unusual();
        }
        p.nextToken();
        return true;
    }

    private static String string(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            throw new Unusual();
        }
        return p.getText();
    }

    private static int integer(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
            throw new Unusual();
        }
        return p.getIntValue();
    }

    private static long longValue(JsonParser p) throws IOException {
        JsonParser.NumberType type = p.currentToken() == JsonToken.VALUE_NUMBER_INT ? p.getNumberType() : null;
        if (type != JsonParser.NumberType.INT && type != JsonParser.NumberType.LONG) {
            throw new Unusual();
        }
        return p.getLongValue();
    }

    /** A double as the writer writes it: a number, or NaN and the infinities as strings. */
    private static double number(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
            return p.getDoubleValue();
        }
        if (t == JsonToken.VALUE_STRING) {
            switch (p.getText()) {
                case "NaN":
                    return Double.NaN;
                case "Infinity":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity":
                    return Double.NEGATIVE_INFINITY;
                default:
                    break;
            }
        }
        throw new Unusual();
    }

    private static Instant instant(JsonParser p) throws IOException {
        return Instant.parse(string(p));
    }

    private static List<String> strings(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new Unusual();
        }
        List<String> list = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            list.add(string(p));
        }
        return list;
    }

    private static <T> T present(T value) {
        if (value == null) {
            throw new Unusual();
        }
        return value;
    }
}
