package dev.rollout.cli;

import dev.rollout.ControlCharacters;
import dev.rollout.RolloutException;
import dev.rollout.spec.SpecLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Callable;

@Command(name = "init", description = "Write a commented starter spec (and rollout.schema.json beside it, for editors).",
        footer = {"", "Examples:", "  rollout init                                  # rollout.yaml, offline template",
                "  rollout init fraud.yaml --template canary --name fraud-detector",
                "  rollout init ranker.yaml --template segments"})
final class InitCommand implements Callable<Integer> {

    enum Template { offline, canary, segments }

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", defaultValue = "rollout.yaml", description = "Where to write (default: rollout.yaml).")
    Path file;

    @Option(names = "--template", paramLabel = "NAME", defaultValue = "offline",
            description = "offline (default): a test-set evaluation; canary: shadow, 5 %%, 25 %%, 100 %%; segments: one region, then all.")
    Template template;

    @Option(names = "--name", paramLabel = "NAME", description = "The rollout's name (default: from the file name).")
    String name;

    @Option(names = "--force", description = "Overwrite an existing file.")
    boolean force;

    private final Env env;

    InitCommand(Env env) {
        this.env = env;
    }

    @Override
    public Integer call() throws IOException {
        String rollout = name != null ? name : defaultName(file);
        String text = template(template).replace("__NAME__", rollout).replace("__FILE__", file.toString());
        // The spec written must pass the loader; a bad --name is the user's input error, caught here.
        SpecLoader.parse(file.toString(), text.getBytes(StandardCharsets.UTF_8));
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        try {
            if (force) {
                Files.writeString(file, text);
            } else {
                Files.writeString(file, text, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            }
        } catch (FileAlreadyExistsException e) {
            throw RolloutException.input(RolloutException.Location.file(file.toString()), "already exists; use --force to overwrite it");
        }
        Path schema = dir.resolve("rollout.schema.json");
        if (!Files.exists(schema) || force) {
            Files.writeString(schema, SchemaCommand.text());
        }
        String shown = ControlCharacters.escaped(file.toString());
        env.out().println("wrote " + shown + " (" + template + " template, rollout " + ControlCharacters.escaped(rollout) + ") and "
                + schema.getFileName());
        env.out().println("next: rollout plan " + shown);
        env.out().flush();
        return 0;
    }

    private static String defaultName(Path file) {
        String base = file.getFileName().toString().replaceFirst("\\.ya?ml$", "").toLowerCase(java.util.Locale.ROOT)
                .replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+|-+$", "");
        return base.isEmpty() || base.equals("rollout") ? "my-model" : base;
    }

    private static String template(Template t) throws IOException {
        try (InputStream in = InitCommand.class.getResourceAsStream("/dev/rollout/templates/" + t + ".yaml")) {
            if (in == null) {
                throw new IOException("template " + t + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
