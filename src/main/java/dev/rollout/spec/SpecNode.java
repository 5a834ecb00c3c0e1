package dev.rollout.spec;

import dev.rollout.RolloutException;
import dev.rollout.RolloutException.Location;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A mapping of the spec being read, with its key path, handing out typed values and
 * remembering which keys were read so that {@link #finish()} can reject every other one.
 * Every error it raises names the file, the key path and the line.
 */
final class SpecNode {

    private static final Pattern DECIMAL_INT = Pattern.compile("-?(0|[1-9][0-9]*)");
    private static final Pattern DECIMAL_NUMBER = Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");

    private final String file;
    private final String path;
    private final YamlNode.MapNode node;
    private final Set<String> read = new HashSet<>();

    SpecNode(String file, String path, YamlNode.MapNode node) {
        this.file = file;
        this.path = path;
        this.node = node;
    }

    /** The mapping at {@code value}, which must be one. */
    static SpecNode of(String file, String path, YamlNode value) {
        return value.mapping().map(m -> new SpecNode(file, path, m))
                .orElseThrow(() -> new SpecNode(file, path, null).error(value, path, "must be a mapping, found " + value.kind()));
    }

    String path() {
        return path;
    }

    int line() {
        return node.line();
    }

    String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    boolean has(String key) {
        return node.map().containsKey(key);
    }

    Optional<YamlNode> raw(String key) {
        read.add(key);
        YamlNode.Entry e = node.map().get(key);
        return e == null ? Optional.empty() : Optional.of(e.value());
    }

    YamlNode required(String key) {
        return raw(key).orElseThrow(() -> error(node, path, "missing required key '" + key + "'"));
    }

    Optional<String> string(String key) {
        return raw(key).map(v -> scalarText(v, child(key)));
    }

    String string(String key, String fallback) {
        return string(key).orElse(fallback);
    }

    String requiredString(String key) {
        return scalarText(required(key), child(key));
    }

    /** A name matching {@code pattern}, with a message that shows what is allowed. */
    String name(String key, Pattern pattern, String allowed) {
        YamlNode v = required(key);
        String s = scalarText(v, child(key));
        if (!pattern.matcher(s).matches()) {
            throw error(v, child(key), "'" + s + "' is not a valid name: " + allowed);
        }
        return s;
    }

    Optional<Long> integer(String key, long min, long max) {
        return raw(key).map(v -> {
            String at = child(key);
            YamlNode.Scalar s = v.scalar(YamlNode.ScalarType.INTEGER).filter(x -> DECIMAL_INT.matcher(x.text()).matches())
                    .orElseThrow(() -> error(v, at, "must be a whole number in decimal, found " + describe(v)));
            long n;
            try {
                n = Long.parseLong(s.text());
            } catch (NumberFormatException e) {
                throw error(v, at, "number too large: " + s.text());
            }
            if (n < min || n > max) {
                throw error(v, at, "must be " + range(min, max) + ", found " + n);
            }
            return n;
        });
    }

    OptionalDouble number(String key) {
        Optional<YamlNode> raw = raw(key);
        if (raw.isEmpty()) {
            return OptionalDouble.empty();
        }
        YamlNode v = raw.get();
        YamlNode.Scalar s = v.scalar(YamlNode.ScalarType.INTEGER, YamlNode.ScalarType.FLOAT)
                .filter(x -> DECIMAL_NUMBER.matcher(x.text()).matches())
                .orElseThrow(() -> error(v, child(key), "must be a number, found " + describe(v)));
        double d = Double.parseDouble(s.text());
        if (!Double.isFinite(d)) {
            throw error(v, child(key), "must be a finite number, found " + s.text());
        }
        return OptionalDouble.of(d);
    }

    OptionalDouble number(String key, double min, double max) {
        OptionalDouble d = number(key);
        if (d.isPresent() && (d.getAsDouble() < min || d.getAsDouble() > max)) {
            throw error(node.map().get(key).value(), child(key),
                    "must be " + range(min, max) + ", found " + SpecNode.plain(d.getAsDouble()));
        }
        return d;
    }

    boolean bool(String key, boolean fallback) {
        return raw(key).map(v -> {
            YamlNode.Scalar s = v.scalar(YamlNode.ScalarType.BOOLEAN)
                    .orElseThrow(() -> error(v, child(key), "must be true or false, found " + describe(v)));
            return Boolean.parseBoolean(s.text());
        }).orElse(fallback);
    }

    Optional<Duration> duration(String key) {
        return raw(key).map(v -> {
            String s = scalarText(v, child(key));
            return DurationText.parse(s).orElseThrow(() -> error(v, child(key),
                    "'" + s + "' is not a duration: write 30s, 15m, 2h, 1d or ISO-8601 like PT2H"));
        });
    }

    <E extends Enum<E>> Optional<E> choice(String key, Class<E> type) {
        return raw(key).map(v -> {
            String s = scalarText(v, child(key));
            for (E e : type.getEnumConstants()) {
                if (e.name().equalsIgnoreCase(s)) {
                    return e;
                }
            }
            List<String> names = new ArrayList<>();
            for (E e : type.getEnumConstants()) {
                names.add(e.name().toLowerCase(java.util.Locale.ROOT));
            }
            throw error(v, child(key), "'" + s + "' is not one of " + String.join(", ", names));
        });
    }

    Optional<SpecNode> map(String key) {
        return raw(key).map(v -> of(file, child(key), v));
    }

    /** The items of a list, each with its path {@code key[i]}. */
    List<Item> list(String key) {
        Optional<YamlNode> raw = raw(key);
        if (raw.isEmpty()) {
            return List.of();
        }
        YamlNode.ListNode l = raw.get().list()
                .orElseThrow(() -> error(raw.get(), child(key), "must be a list, found " + raw.get().kind()));
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < l.items().size(); i++) {
            items.add(new Item(child(key) + "[" + i + "]", l.items().get(i)));
        }
        return items;
    }

    /** A mapping of names to plain values (segment labels). */
    Map<String, String> labels(String key) {
        Optional<SpecNode> m = map(key);
        if (m.isEmpty()) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : m.get().node.map().keySet()) {
            out.put(k, m.get().requiredString(k));
        }
        return out;
    }

    /** The keys of this mapping, in the file's order. */
    List<String> keys() {
        return List.copyOf(node.map().keySet());
    }

    SpecNode item(Item item) {
        return of(file, item.path(), item.value());
    }

    /** Rejects any key that was not read: a typo must not silently mean "default". */
    void finish() {
        for (YamlNode.Entry e : node.map().values()) {
            if (!read.contains(e.key())) {
                List<String> known = new ArrayList<>(read);
                java.util.Collections.sort(known);
                throw RolloutException.input(Location.of(file, e.line(), e.column(), child(e.key())),
                        "unknown key '" + e.key() + "'" + (known.isEmpty() ? "" : " (known here: " + String.join(", ", known) + ")"));
            }
        }
    }

    RolloutException error(YamlNode at, String keyPath, String message) {
        return RolloutException.input(Location.of(file, at.line(), at.column(), keyPath.isEmpty() ? null : keyPath), message);
    }

    RolloutException errorAt(String key, String message) {
        YamlNode.Entry e = node.map().get(key);
        YamlNode at = e == null ? node : e.value();
        return error(at, child(key), message);
    }

    private String scalarText(YamlNode v, String at) {
        return v.value().map(YamlNode.Scalar::text).orElseThrow(() -> error(v, at, "must be a plain value, found " + v.kind()));
    }

    private static String describe(YamlNode v) {
        return v.value().map(s -> v.kind() + " '" + s.text() + "'").orElse(v.kind());
    }

    private static String range(double min, double max) {
        if (max == Long.MAX_VALUE || max == Double.MAX_VALUE) {
            return ">= " + plain(min);
        }
        return "between " + plain(min) + " and " + plain(max);
    }

    static String plain(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    /** A list item and its key path. */
    record Item(String path, YamlNode value) {
    }
}
