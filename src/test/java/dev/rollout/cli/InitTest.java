package dev.rollout.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InitTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"offline", "canary", "segments"})
    void everyTemplateWritesASpecThatPassesPlanAndTheSchema(String template) throws Exception {
        Path spec = tmp.resolve(template + "-model.yaml");
        CliRunner cli = new CliRunner();
        CliRunner.Result r = cli.run("init", spec.toString(), "--template", template);
        assertEquals(0, r.exit(), r.toString());
        CliRunner.Result plan = cli.run("plan", spec.toString(), "-o", "json");
        assertEquals(0, plan.exit(), plan.toString());
        assertEquals(template + "-model", plan.json().get("rollout").asText());
        assertTrue(SchemaTest.schema().validate(SchemaTest.YAML.readTree(spec.toFile())).isEmpty());
        assertTrue(Files.readString(spec).startsWith("# yaml-language-server: $schema=rollout.schema.json\n"));
        assertTrue(Files.exists(tmp.resolve("rollout.schema.json")));
    }

    @Test
    void refusesToOverwriteWithoutForce() throws Exception {
        Path spec = tmp.resolve("rollout.yaml");
        CliRunner cli = new CliRunner();
        assertEquals(0, cli.run("init", spec.toString(), "--name", "fraud").exit());
        byte[] before = Files.readAllBytes(spec);
        CliRunner.Result again = cli.run("init", spec.toString(), "--template", "canary");
        assertEquals(1, again.exit());
        assertTrue(again.err().contains("already exists; use --force"), again.err());
        assertEquals(new String(before), Files.readString(spec));
        assertEquals(0, cli.run("init", spec.toString(), "--template", "canary", "--force").exit());
        assertEquals(1, cli.run("init", tmp.resolve("x.yaml").toString(), "--name", "Not Valid").exit());
        assertEquals(2, cli.run("init", "--template", "blue-green").exit());
    }
}
