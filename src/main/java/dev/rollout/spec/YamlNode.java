package dev.rollout.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document as a tree that remembers where each node stands, so that every error
 * about the spec can name the line. Built by {@link YamlTreeReader}; the spec loader walks it.
 */
sealed interface YamlNode permits YamlNode.MapNode, YamlNode.ListNode, YamlNode.Scalar {

    int line();

    int column();

    /** What a person would call this node in an error: "a mapping", "a list", "a number". */
    String kind();

    /** A mapping; keys keep their order and each key its own line. */
    record MapNode(int line, int column, LinkedHashMap<String, Entry> entries) implements YamlNode {
        public String kind() {
            return "a mapping";
        }

        Map<String, Entry> map() {
            return entries;
        }
    }

    record Entry(String key, int line, int column, YamlNode value) {
    }

    record ListNode(int line, int column, List<YamlNode> items) implements YamlNode {
        public String kind() {
            return "a list";
        }
    }

    /**
     * A scalar with its resolved YAML type and its source text exactly as written, so no
     * value is ever coerced behind the user's back ({@code 010} stays "010", not 8).
     */
    record Scalar(int line, int column, ScalarType type, String text) implements YamlNode {
        public String kind() {
            return switch (type) {
                case STRING -> "a string";
                case INTEGER -> "an integer";
                case FLOAT -> "a number";
                case BOOLEAN -> "a boolean";
                case NULL -> "empty (null)";
            };
        }
    }

    enum ScalarType { STRING, INTEGER, FLOAT, BOOLEAN, NULL }
}
