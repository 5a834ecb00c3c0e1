package dev.rollout.metrics;

import dev.rollout.RolloutException;
import dev.rollout.spec.RolloutSpec;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertThrows;

/** Writes small exports into a temporary directory and reads them, for the metrics tests. */
final class Exports {

    private final Path dir;

    Exports(Path dir) {
        this.dir = dir;
    }

    Path write(String name, String text) throws IOException {
        return write(name, text.getBytes(StandardCharsets.UTF_8));
    }

    Path write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        if (name.endsWith(".gz")) {
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(p))) {
                out.write(bytes);
            }
        } else {
            Files.write(p, bytes);
        }
        return p;
    }

    static MetricsReport read(RolloutSpec spec, Path... files) {
        return MetricsReader.read(spec, List.of(files), Window.ALL);
    }

    /** The message a person would read, with the temporary directory left out of file names. */
    String error(RolloutSpec spec, Path... files) {
        RolloutException e = assertThrows(RolloutException.class, () -> MetricsReader.read(spec, Arrays.asList(files), Window.ALL));
        return e.describe().replace(dir + "/", "");
    }
}
