package dev.rollout.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.rollout.judge.Decision;
import dev.rollout.judge.SequentialMemory;
import dev.rollout.lifecycle.Approval;
import dev.rollout.lifecycle.EvaluationRecord;
import dev.rollout.lifecycle.ModelVersions;
import dev.rollout.lifecycle.RolloutState;
import dev.rollout.lifecycle.StagePosition;
import dev.rollout.lifecycle.Status;
import dev.rollout.lifecycle.Streaks;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The quick state reader returns exactly what Jackson's data binding returns for every file
 * the writer writes, and on a mutated file either gives up or still agrees with it: it never
 * returns a state the full reader would read differently.
 */
class StateQuickReadTest {

    private static final ObjectMapper WRITE = StateJson.files();
    private static final ObjectMapper READ = StateJson.mapper();

    @Test
    void everyWrittenStateReadsAsDataBindingReadsIt() throws Exception {
        Random r = new Random(2026);
        for (int i = 0; i < 500; i++) {
            RolloutState state = random(r);
            byte[] bytes = (i % 2 == 0 ? WRITE.writerWithDefaultPrettyPrinter() : WRITE.writer()).writeValueAsBytes(state);
            assertEquals(Optional.of(state), StateQuickRead.read(bytes), new String(bytes, StandardCharsets.UTF_8));
            assertEquals(state, READ.readValue(bytes, RolloutState.class));
        }
        assertEquals(Optional.of(Fixtures.full(7)), StateQuickRead.read(WRITE.writeValueAsBytes(Fixtures.full(7))));
        assertEquals(Optional.of(Fixtures.minimal(0)), StateQuickRead.read(WRITE.writeValueAsBytes(Fixtures.minimal(0))));
    }

    @Test
    void aMutatedFileGivesUpOrAgreesWithDataBinding() throws Exception {
        Random r = new Random(7);
        int gaveUp = 0;
        int agreed = 0;
        for (int i = 0; i < 1500; i++) {
            ObjectNode tree = WRITE.valueToTree(random(r));
            String text = mutate(tree, r);
            Optional<RolloutState> quick = StateQuickRead.read(text.getBytes(StandardCharsets.UTF_8));
            if (quick.isEmpty()) {
                gaveUp++;
                continue;
            }
            agreed++;
            RolloutState full = READ.readValue(text, RolloutState.class);
            assertEquals(full, quick.get(), text);
        }
        // Both outcomes happen, so the check is not vacuous.
        assertTrue(gaveUp > 300 && agreed > 100, "gave up " + gaveUp + ", agreed " + agreed);
    }

    @Test
    void whatTheWriterNeverWritesGivesUp() {
        for (String text : List.of("", "{}", "[]", "null", "{\"formatVersion\":1}", "{\"formatVersion\":2}",
                "{\"formatVersion\":\"1\"}", "{} {}", "{\"formatVersion\":1,\"formatVersion\":1}")) {
            assertEquals(Optional.empty(), StateQuickRead.read(text.getBytes(StandardCharsets.UTF_8)), text);
        }
    }

    /** One mutation a hand, an old writer or a bug might make. */
    private static String mutate(ObjectNode tree, Random r) throws Exception {
        List<ObjectNode> objects = new ArrayList<>();
        collect(tree, objects);
        ObjectNode target = objects.get(r.nextInt(objects.size()));
        List<String> names = new ArrayList<>();
        target.fieldNames().forEachRemaining(names::add);
        String name = names.isEmpty() ? "x" : names.get(r.nextInt(names.size()));
        switch (r.nextInt(9)) {
            case 0 -> target.remove(name);
            case 1 -> target.putNull(name);
            case 2 -> target.put(name, "7");
            case 3 -> target.put(name, 7);
            case 4 -> target.put(name, 1.5);
            case 5 -> target.put("unknownField", "ignored");
            case 6 -> target.set(name, new TextNode("NaN"));
            case 7 -> target.put(name, 5_000_000_000L);
            default -> {
                String text = WRITE.writeValueAsString(tree);
                return text.replaceFirst("\\{", "{\"" + name + "\":null,"); // a duplicate key (or a new null one)
            }
        }
        return WRITE.writeValueAsString(tree);
    }

    private static void collect(JsonNode node, List<ObjectNode> objects) {
        if (node instanceof ObjectNode o) {
            objects.add(o);
        }
        for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
            collect(it.next(), objects);
        }
    }

    static RolloutState random(Random r) {
        Instant t = Instant.ofEpochSecond(1_700_000_000L + r.nextInt(100_000_000), r.nextBoolean() ? 0 : r.nextInt(1_000_000_000));
        Optional<EvaluationRecord> evaluation = Optional.empty();
        if (r.nextBoolean()) {
            Map<String, SequentialMemory> sequential = new HashMap<>();
            for (int i = r.nextInt(3); i > 0; i--) {
                double[] special = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 1e-300, 0.1};
                sequential.put(text(r), new SequentialMemory(r.nextDouble(), r.nextInt(4) == 0 ? special[r.nextInt(special.length)]
                        : -r.nextDouble() * 10, r.nextDouble() * 1e6));
            }
            List<String> reasons = new ArrayList<>();
            for (int i = r.nextInt(4); i > 0; i--) {
                reasons.add(text(r));
            }
            evaluation = Optional.of(new EvaluationRecord(text(r), t.plusMillis(r.nextInt(10_000)),
                    Decision.values()[r.nextInt(3)], r.nextBoolean() ? OptionalDouble.of(r.nextDouble()) : OptionalDouble.empty(),
                    reasons, sequential));
        }
        Optional<Approval> approval = r.nextBoolean() ? Optional.of(new Approval(text(r), text(r), t.plusSeconds(3),
                r.nextBoolean() ? Optional.of(text(r)) : Optional.empty())) : Optional.empty();
        return new RolloutState(RolloutState.FORMAT_VERSION, text(r), java.util.UUID.randomUUID().toString(),
                r.nextInt(3) == 0 ? r.nextLong() & Long.MAX_VALUE : r.nextInt(1000), text(r),
                new ModelVersions(text(r), text(r)), Status.values()[r.nextInt(Status.values().length)],
                new StagePosition(r.nextInt(10), text(r), r.nextInt(101), t,
                        r.nextBoolean() ? Streaks.NONE : new Streaks(r.nextInt(1000), r.nextInt(3))), evaluation, approval, t.plusSeconds(r.nextInt(99)));
    }

    private static String text(Random r) {
        String[] pieces = {"canary", "v2", "ünïcödé", "quote \" and \\ backslash", "tab\tnew\nline", "😀", "", " ", "{\"x\":1}"};
        return pieces[r.nextInt(pieces.length)] + (r.nextBoolean() ? "" : Integer.toString(r.nextInt(100)));
    }
}
