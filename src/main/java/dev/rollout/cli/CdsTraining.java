package dev.rollout.cli;

import dev.rollout.state.Backends;
import dev.rollout.state.StateBackend;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

/**
 * Not a user entry point: {@code mvn package} runs it once with
 * {@code -XX:DumpLoadedClassList} to list the classes of the static class-data-sharing
 * archive the launcher uses. It runs the short commands the way people and cron run them — text and JSON, a
 * missing and an existing state, a start, an evaluation, the audit trail — so their classes,
 * lambdas and method handles are in the archive instead of being loaded and linked at
 * every start.
 *
 * <p>Arguments: the project's {@code rollouts/} folder, a scratch folder for state, and the
 * file to write the real paths of the jar and of this JVM's java to (the launcher uses the
 * archive only beside that jar and with that java: a JVM refuses an archive whose jar moved or
 * that another JVM wrote, and then shares nothing at all).
 */
public final class CdsTraining {

    private CdsTraining() {
    }

    public static void main(String[] args) throws IOException, ClassNotFoundException, java.net.URISyntaxException {
        Path rollouts = Path.of(args[0]);
        Path scratch = Files.createDirectories(Path.of(args[1]));
        String svm = rollouts.resolve("svm-classifier/rollout.yaml").toString();
        String predictions = rollouts.resolve("svm-classifier/predictions.csv").toString();
        String fraud = rollouts.resolve("fraud-detector/rollout.yaml").toString();
        String state = scratch.resolve("training.state.json").toString();
        for (Path own : Backends.open(Path.of(state), new StateBackend.Options(Duration.ZERO, Clock.systemUTC(),
                "cds-training", Optional.empty())).files().values()) {
            Files.deleteIfExists(own);
        }
        String missing = scratch.resolve("missing/none.state.json").toString();
        List<List<String>> runs = List.of(
                List.of("--help"),
                List.of("status", "--help"),
                List.of("plan", fraud, "--state", missing),
                List.of("plan", fraud, "--state", missing, "-o", "json"),
                List.of("status", "--state", missing),
                List.of("status", "--state", missing, "-o", "json"),
                List.of("advance", svm, "--state", state),
                List.of("status", svm, "--state", state),
                List.of("status", svm, "--state", state, "-o", "json"),
                List.of("evaluate", svm, "--metrics", predictions, "--state", state),
                List.of("evaluate", svm, "--metrics", predictions, "--state", state, "-o", "json"),
                List.of("plan", svm, "--state", state),
                List.of("history", svm, "--state", state),
                List.of("history", svm, "--state", state, "-o", "json"),
                List.of("rollback", svm, "--state", state, "--dry-run", "--reason", "training"),
                List.of("status", "--dir", scratch.toString()));
        PrintWriter discard = new PrintWriter(Writer.nullWriter());
        Map<String, String> vars = Map.of("ROLLOUT_NOW", "2026-03-02T12:00:00Z", "ROLLOUT_ACTOR", "cds-training", "NO_COLOR", "1");
        Env env = new Env(vars, Env.clockFrom(vars), discard, discard, false, false);
        for (List<String> run : runs) {
            Cli.run(env, run.toArray(String[]::new));
        }
        // The parallel read of a large export, plain and gzipped: its pool, futures, queues and lambdas, which
        // the small example above (read in one pass) never loads. Small chunks make a 56 KB export "large".
        Path export = rollouts.resolve("fraud-detector/exports/offline.csv");
        Path gzipped = scratch.resolve("offline.csv.gz");
        try (var out = new GZIPOutputStream(Files.newOutputStream(gzipped))) {
            Files.copy(export, out);
        }
        Map<String, String> chunkedVars = new HashMap<>(vars);
        chunkedVars.put("ROLLOUT_CHUNK_BYTES", "16384");
        chunkedVars.put("ROLLOUT_THREADS", "2");
        Env chunked = new Env(chunkedVars, Env.clockFrom(chunkedVars), discard, discard, false, false);
        for (Path metrics : List.of(export, gzipped)) {
            for (List<String> output : List.of(List.<String>of(), List.of("-o", "json"))) {
                List<String> run = new ArrayList<>(List.of("evaluate", fraud, "--metrics", metrics.toString(),
                        "--state", missing));
                run.addAll(output);
                Cli.run(chunked, run.toArray(String[]::new));
            }
        }
        Class.forName(Main.class.getName()); // the entry point itself, which the runs above never load
        Path jar = Path.of(CdsTraining.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toRealPath();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java").toRealPath();
        Files.writeString(Path.of(args[2]), jar + "\n" + java + "\n");
    }
}
