package dev.rollout.state;

import dev.rollout.state.file.FileBackend;
import dev.rollout.state.file.FileRepository;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The file backend keeps the promises of every backend; its own behaviour (bytes, links, crashes) is in StateStoreTest. */
class FileBackendTest extends StateBackendContract {

    @TempDir
    Path dir;

    @Override
    protected StateBackend backend(String key, StateBackend.Options options) {
        return FileBackend.at(dir.resolve(key + ".state.json"), options);
    }

    @Override
    protected StateRepository repository(StateBackend.Options options) {
        return FileRepository.directory(dir, options);
    }

    @Override
    protected StateBackend secondWriter(String key, StateBackend.Options options) {
        try {
            Path link = Files.createSymbolicLink(dir.resolve("link"), dir);
            return FileBackend.at(link.resolve(key + ".state.json"), options);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A separate process: threads of one process wait for each other without reading the lock file. */
    @Override
    protected Holder holdLock(String key, String command) throws Exception {
        Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                StoreWorker.class.getName(), "hold", dir.resolve(key + ".state.json").toString(), "15000", command))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        if (!"locked".equals(line)) {
            p.destroyForcibly();
            throw new AssertionError("the holder said " + line);
        }
        return new Holder() {
            @Override
            public long pid() {
                return p.pid();
            }

            @Override
            public void close() throws InterruptedException {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        };
    }

    @Override
    protected Optional<String> secret() {
        return Optional.empty();
    }
}
