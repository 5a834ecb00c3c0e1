package dev.rollout.spec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.rollout.RolloutException;
import dev.rollout.RolloutException.Location;
import org.yaml.snakeyaml.LoaderOptions;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Reads YAML text into a {@link YamlNode} tree with Jackson's streaming YAML parser, and
 * refuses everything a spec has no use for and an attacker or a typo could exploit:
 * anchors and aliases (Jackson would hand back the alias name as a value), tags (they name
 * types), duplicate keys (YAML would keep the last silently), a second document, deep
 * nesting and huge scalars. Booleans are only {@code true}/{@code false}: YAML 1.1's
 * {@code on}, {@code yes}, {@code no} stay strings.
 */
final class YamlTreeReader {

    static final int MAX_BYTES = 1 << 20;
    static final int MAX_DEPTH = 32;

    private static final YAMLFactory FACTORY = buildFactory();

    private final String file;
    private final YAMLParser parser;

    private YamlTreeReader(String file, YAMLParser parser) {
        this.file = file;
        this.parser = parser;
    }

    private static YAMLFactory buildFactory() {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(MAX_BYTES);
        return YAMLFactory.builder()
                .loaderOptions(options)
                .enable(com.fasterxml.jackson.dataformat.yaml.YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS)
                .disable(com.fasterxml.jackson.dataformat.yaml.YAMLParser.Feature.EMPTY_STRING_AS_NULL)
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxDocumentLength(MAX_BYTES)
                        .maxNestingDepth(MAX_DEPTH + 1)
                        .maxStringLength(64 * 1024)
                        .maxNumberLength(64)
                        .build())
                .build();
    }

    /** Parses one YAML document; {@code file} only names it in errors. */
    static YamlNode read(String file, String text) {
        if (text.length() > MAX_BYTES) {
            throw RolloutException.input(Location.file(file), "the spec is larger than 1 MiB");
        }
        YAMLParser p;
        try {
            p = (YAMLParser) FACTORY.createParser(text);
        } catch (IOException e) {
            throw RolloutException.input(Location.file(file), "cannot read the spec: " + e.getMessage());
        }
        YamlTreeReader reader = new YamlTreeReader(file, p);
        try (p) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw RolloutException.input(Location.file(file), "the spec is empty");
            }
            YamlNode root = reader.node(first, 0, "");
            if (p.nextToken() != null) {
                throw reader.error("", "a second YAML document ('---') is not allowed in a spec");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw reader.syntax(e);
        } catch (IOException e) {
            throw RolloutException.input(Location.file(file), "cannot read the spec: " + e.getMessage());
        }
    }

    private YamlNode node(JsonToken token, int depth, String path) throws IOException {
        if (depth > MAX_DEPTH) {
            throw error(path, "nesting deeper than " + MAX_DEPTH + " levels");
        }
        if (parser.isCurrentAlias()) {
            throw error(path, "YAML aliases (*" + parser.getText() + ") are not allowed in a spec; write the value out");
        }
        if (parser.getObjectId() != null) {
            throw error(path, "YAML anchors (&" + parser.getObjectId() + ") are not allowed in a spec");
        }
        if (parser.getTypeId() != null) {
            throw error(path, "YAML tags (!" + parser.getTypeId() + ") are not allowed in a spec");
        }
        JsonLocation at = parser.currentTokenLocation();
        int line = at.getLineNr();
        int column = at.getColumnNr();
        return switch (token) {
            case START_OBJECT -> map(line, column, depth, path);
            case START_ARRAY -> list(line, column, depth, path);
            case VALUE_STRING -> new YamlNode.Scalar(line, column, YamlNode.ScalarType.STRING, parser.getText());
            case VALUE_NUMBER_INT -> new YamlNode.Scalar(line, column, YamlNode.ScalarType.INTEGER, parser.getText());
            case VALUE_NUMBER_FLOAT -> new YamlNode.Scalar(line, column, YamlNode.ScalarType.FLOAT, parser.getText());
            case VALUE_TRUE, VALUE_FALSE -> new YamlNode.Scalar(line, column, YamlNode.ScalarType.BOOLEAN, parser.getText());
            case VALUE_NULL -> new YamlNode.Scalar(line, column, YamlNode.ScalarType.NULL, "");
            default -> throw error(path, "unexpected YAML token " + token);
        };
    }

    private YamlNode map(int line, int column, int depth, String path) throws IOException {
        LinkedHashMap<String, YamlNode.Entry> entries = new LinkedHashMap<>();
        JsonToken t;
        while ((t = parser.nextToken()) != JsonToken.END_OBJECT) {
            if (t != JsonToken.FIELD_NAME) {
                throw error(path, "expected a key, found " + t);
            }
            String key = parser.currentName();
            JsonLocation at = parser.currentTokenLocation();
            if (entries.containsKey(key)) {
                YamlNode.Entry first = entries.get(key);
                throw RolloutException.input(Location.of(file, at.getLineNr(), at.getColumnNr(), child(path, key)),
                        "duplicate key '" + key + "' (first at line " + first.line() + ")");
            }
            YamlNode value = node(parser.nextToken(), depth + 1, child(path, key));
            entries.put(key, new YamlNode.Entry(key, at.getLineNr(), at.getColumnNr(), value));
        }
        return new YamlNode.MapNode(line, column, entries);
    }

    private YamlNode list(int line, int column, int depth, String path) throws IOException {
        List<YamlNode> items = new ArrayList<>();
        JsonToken t;
        while ((t = parser.nextToken()) != JsonToken.END_ARRAY) {
            items.add(node(t, depth + 1, path + "[" + items.size() + "]"));
        }
        return new YamlNode.ListNode(line, column, List.copyOf(items));
    }

    private RolloutException error(String path, String message) {
        JsonLocation at = parser.currentTokenLocation();
        return RolloutException.input(Location.of(file, at.getLineNr(), at.getColumnNr(), path.isEmpty() ? null : path), message);
    }

    private static String child(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private RolloutException syntax(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String message = e.getOriginalMessage();
        // SnakeYAML's messages span several lines with a caret drawing; the first line says it.
        int nl = message.indexOf('\n');
        if (nl > 0) {
            message = message.substring(0, nl);
        }
        if (message.contains("exceeds the maximum allowed") || message.contains("code point limit")) {
            message = "the spec is too large or too deeply nested: " + message;
        }
        if ((at == null || at.getLineNr() <= 0) && parser != null) {
            // Constraint violations carry no location; the parser knows where it stopped.
            at = parser.currentLocation();
        }
        int line = at == null ? 0 : at.getLineNr();
        int column = at == null ? 0 : at.getColumnNr();
        return RolloutException.input(Location.of(file, line, column, null), "not valid YAML: " + message);
    }
}
