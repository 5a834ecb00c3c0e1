package dev.rollout.state;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one JSON configuration for the state file, the history and {@code -o json}.
 *
 * <ul>
 *   <li>Instants are ISO-8601 text ({@code 2026-01-01T00:00:00Z}), never epoch numbers, so a
 *       person can read the files and {@code jq} can compare them.</li>
 *   <li>Unknown fields are ignored on read: a newer rollout may add fields and an older one
 *       still reads the file. What a field <em>means</em> is guarded by {@code formatVersion},
 *       which {@link StateCodec} checks before binding.</li>
 *   <li>Trailing content after the document is an error: a state file is exactly one object.</li>
 * </ul>
 *
 * <p>{@link #mapper()} writes absent optionals as {@code null} (the documented {@code -o json}
 * contract: "a value that could not be computed is null"); the state and history files are
 * written by {@link #files()}, the same configuration but omitting absent optionals and nulls,
 * which read back as empty.
 */
public final class StateJson {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .addModule(new Jdk8Module())
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .serializationInclusion(JsonInclude.Include.ALWAYS)
            .build();

    /** Built on first write: reading commands (status, history) never need it. */
    private static final class Writing {
        static final ObjectMapper FILES = MAPPER.copy().setSerializationInclusion(JsonInclude.Include.NON_ABSENT);
    }

    private StateJson() {
    }

    /** The shared mapper: reads state and history, writes {@code -o json}. Do not reconfigure it; {@code copy()} it. */
    public static JsonMapper mapper() {
        return MAPPER;
    }

    /** The mapper the state and history files are written with: absent optionals are omitted. */
    static ObjectMapper files() {
        return Writing.FILES;
    }
}
