package dev.rollout.metrics;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What a source needs from the edge that runs it: where the spec lives (a command runs there,
 * a relative Parquet path is read from there) and the environment, for credentials
 * ({@code ROLLOUT_SOURCE_<NAME>_USER}, {@code _PASSWORD}, {@code _TOKEN}) and extra drivers
 * ({@code ROLLOUT_DRIVERS}). Sources never read {@code System.getenv} themselves, so tests give
 * each run its own.
 *
 * @param specDirectory the directory of the spec file, absolute
 * @param environment   the variables of the process, as the CLI's {@code Env} holds them
 * @param now           the evaluation's clock ({@code ROLLOUT_NOW}): where a window without an end ends,
 *                      for a source that asks a server about an instant (Prometheus)
 */
public record SourceContext(Path specDirectory, Map<String, String> environment, Instant now) {
    public SourceContext {
        environment = Map.copyOf(environment);
    }

    public Optional<String> var(String name) {
        return Optional.ofNullable(environment.get(name)).filter(v -> !v.isEmpty());
    }

    /** {@code ROLLOUT_SOURCE_<NAME>_<what>}, the source's name upper-cased: a secret kept out of the spec. */
    public Optional<String> secret(String sourceName, String what) {
        return var("ROLLOUT_SOURCE_" + sourceName.toUpperCase(java.util.Locale.ROOT) + "_" + what);
    }
}
