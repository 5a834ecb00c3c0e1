package dev.rollout.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `rollout schema` agrees with the loader: the examples pass it, the bad-spec corpus fails both. */
class SchemaTest {

    /** YAML 1.2 as editors read it: {@code on} and {@code yes} are strings, as in the loader. */
    static final YAMLMapper YAML = YAMLMapper.builder(com.fasterxml.jackson.dataformat.yaml.YAMLFactory.builder()
            .enable(com.fasterxml.jackson.dataformat.yaml.YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS).build()).build();

    static Schema schema() throws Exception {
        JsonNode node = new ObjectMapper().readTree(SchemaCommand.text());
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(node);
    }

    static List<Path> files(String dir) throws Exception {
        try (Stream<Path> s = Files.walk(Path.of(dir))) {
            return s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    @Test
    void theCommittedSchemaIsWhatTheCommandPrints() throws Exception {
        CliRunner.Result r = new CliRunner().run("schema");
        assertEquals(0, r.exit());
        assertEquals(Files.readString(Path.of("rollouts/rollout.schema.json")), r.out(),
                "rollouts/rollout.schema.json is stale: target/rollout schema > rollouts/rollout.schema.json");
        assertEquals("https://json-schema.org/draft/2020-12/schema", new ObjectMapper().readTree(r.out()).get("$schema").asText());
    }

    @Test
    void everyExampleSpecPassesTheSchemaAndStartsWithTheEditorLine() throws Exception {
        Schema schema = schema();
        List<Path> examples = files("rollouts");
        assertTrue(examples.size() >= 4);
        for (Path p : examples) {
            List<Error> errors = schema.validate(YAML.readTree(p.toFile()));
            assertTrue(errors.isEmpty(), p + ": " + errors);
            assertTrue(Files.readString(p).startsWith("# yaml-language-server: $schema=../rollout.schema.json\n"), p.toString());
        }
    }

    @Test
    void anIncludedLibraryPassesTheSchemaWithItsOwnKeysOnly() throws Exception {
        Schema schema = schema();
        assertTrue(schema.validate(YAML.readTree(Path.of("rollouts/metrics/classifier.yaml").toFile())).isEmpty());
        assertFalse(schema.validate(YAML.readTree("metrics: [{name: acc}]\nstages: []\n")).isEmpty(), "a library with stages");
        assertFalse(schema.validate(YAML.readTree("metrics: [{name: acc, onMissing: skip}]\n")).isEmpty(), "onMissing: skip");
        assertFalse(schema.validate(YAML.readTree("version: 1\nname: x\nmodel: {baseline: a, candidate: b}\n"
                + "stages: [{name: s, traffic: 0}]\n")).isEmpty(), "a spec with neither metrics nor include");
        assertTrue(schema.validate(YAML.readTree("version: 1\nname: x\nmodel: {baseline: a, candidate: b}\n"
                + "include: [lib.yaml]\nstages: [{name: s, traffic: 0, promoteAfter: 2, rollbackAfter: 3, deadline: 2d}]\n")).isEmpty());
    }

    @Test
    void everyBadSpecOfTheCorpusFailsTheSchemaAndTheLoader() throws Exception {
        Schema schema = schema();
        List<Path> bad = files("src/test/resources/specs/bad");
        assertTrue(bad.size() >= 10);
        for (Path p : bad) {
            assertFalse(schema.validate(YAML.readTree(p.toFile())).isEmpty(), p + " passes the schema");
            CliRunner.Result r = new CliRunner().run("plan", p.toString());
            assertEquals(1, r.exit(), p + ": " + r);
            assertTrue(r.err().startsWith("rollout: " + p + ": ") && r.err().contains("(line "), r.err());
        }
    }
}
