package dev.rollout.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A YAML document as a tree that remembers where each node stands, so that every error
 * about the spec can name the line. Built by {@link YamlTreeReader}; the spec loader walks it.
 */
sealed interface YamlNode permits YamlNode.MapNode, YamlNode.ListNode, YamlNode.Scalar {

    int line();

    int column();

    /** What a person would call this node in an error: "a mapping", "a list", "a number". */
    String kind();

    /**
     * One function per kind of node, so that every reader handles each: a new kind is a new
     * parameter here, and the compiler then names every place that must learn it.
     */
    <R> R match(Function<MapNode, R> map, Function<ListNode, R> list, Function<Scalar, R> scalar);

    /** This node when it is a mapping. */
    default Optional<MapNode> mapping() {
        return match(Optional::of, list -> Optional.empty(), scalar -> Optional.empty());
    }

    /** This node when it is a list. */
    default Optional<ListNode> list() {
        return match(map -> Optional.empty(), Optional::of, scalar -> Optional.empty());
    }

    /** This node when it is a scalar. */
    default Optional<Scalar> scalar() {
        return match(map -> Optional.empty(), list -> Optional.empty(), Optional::of);
    }

    /** This node when it is a scalar of one of {@code types}. */
    default Optional<Scalar> scalar(ScalarType... types) {
        return scalar().filter(s -> List.of(types).contains(s.type()));
    }

    /** This node when it is a scalar other than null: a value written out. */
    default Optional<Scalar> value() {
        return scalar().filter(s -> s.type() != ScalarType.NULL);
    }

    /** A mapping; keys keep their order and each key its own line. */
    record MapNode(int line, int column, LinkedHashMap<String, Entry> entries) implements YamlNode {
        public String kind() {
            return "a mapping";
        }

        @Override
        public <R> R match(Function<MapNode, R> map, Function<ListNode, R> list, Function<Scalar, R> scalar) {
            return map.apply(this);
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

        @Override
        public <R> R match(Function<MapNode, R> map, Function<ListNode, R> list, Function<Scalar, R> scalar) {
            return list.apply(this);
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

        @Override
        public <R> R match(Function<MapNode, R> map, Function<ListNode, R> list, Function<Scalar, R> scalar) {
            return scalar.apply(this);
        }
    }

    enum ScalarType { STRING, INTEGER, FLOAT, BOOLEAN, NULL }
}
