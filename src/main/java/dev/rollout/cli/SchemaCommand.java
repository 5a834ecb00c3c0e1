package dev.rollout.cli;

import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

@Command(name = "schema", description = "Print the JSON Schema (draft 2020-12) of the spec, for editors and CI linters.",
        footer = {"", "Examples:", "  rollout schema > rollout.schema.json",
                "  # then start a spec with:  # yaml-language-server: $schema=rollout.schema.json"})
final class SchemaCommand implements Callable<Integer> {

    private final Env env;

    SchemaCommand(Env env) {
        this.env = env;
    }

    @Override
    public Integer call() throws IOException {
        env.out().print(text());
        env.out().flush();
        return 0;
    }

    static String text() throws IOException {
        try (InputStream in = SchemaCommand.class.getResourceAsStream("/dev/rollout/spec/rollout.schema.json")) {
            if (in == null) {
                throw new IOException("the schema is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
