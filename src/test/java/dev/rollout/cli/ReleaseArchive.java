package dev.rollout.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The release archive {@code mvn package} made (failsafe names it in {@code rollout.archive}),
 * unpacked into a prefix, and real processes run from it, as a user or a CI job runs them.
 */
final class ReleaseArchive {

    record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private ReleaseArchive() {
    }

    static Path file() {
        String archive = System.getProperty("rollout.archive");
        if (archive == null) {
            fail("rollout.archive is not set: the archive tests run in `mvn verify`, after `package` made the archive");
        }
        Path p = Path.of(archive);
        assertTrue(Files.isRegularFile(p), p + " is missing: run `mvn verify` (package builds it)");
        return p;
    }

    /** {@code tar -xzf ARCHIVE -C prefix}, as README says to install it. */
    static Path unpack(Path prefix) throws Exception {
        Files.createDirectories(prefix);
        Run r = run(prefix, Map.of(), List.of("tar", "-xzf", file().toString(), "-C", prefix.toString()));
        assertTrue(r.exit() == 0, "tar: " + r);
        return prefix;
    }

    /** The environment a user's shell would give: this JVM's java on PATH, the colours off. */
    static Map<String, String> userEnv(Path home) {
        Map<String, String> env = new HashMap<>();
        String javaBin = Path.of(System.getProperty("java.home"), "bin").toString();
        env.put("PATH", javaBin + ":/usr/local/bin:/usr/bin:/bin");
        env.put("HOME", home.toString());
        env.put("NO_COLOR", "1");
        env.put("LC_ALL", "C.UTF-8");
        env.put("ROLLOUT_ACTOR", "archive@test");
        return env;
    }

    /** {@code rollout ARGS} as a shell runs it: found on the PATH of {@code env}, not of this JVM. */
    static Run rollout(Path dir, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("sh", "-c", "exec rollout \"$@\"", "rollout"));
        command.addAll(List.of(args));
        return run(dir, env, command);
    }

    /** Runs {@code command} in {@code dir} with exactly {@code env}; stdin is empty. */
    static Run run(Path dir, Map<String, String> env, List<String> command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        if (!env.isEmpty()) {
            pb.environment().clear();
            pb.environment().putAll(env);
        }
        Process p = pb.start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        String out = read(p.getInputStream());
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(command + " did not end within 180 s");
        }
        return new Run(p.exitValue(), out, err.join());
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Copies a folder tree (an example rollout) to {@code to}. */
    static Path copy(Path from, Path to) throws IOException {
        try (var files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path t = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(f, t, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return to;
    }
}
