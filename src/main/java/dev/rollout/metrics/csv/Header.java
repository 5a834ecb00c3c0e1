package dev.rollout.metrics.csv;

import dev.rollout.RolloutException;
import dev.rollout.RolloutException.Location;
import dev.rollout.metrics.Cells;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The header of one export, checked: it exists, no name is blank or repeated (a repeated
 * name would make one of the columns silently win), and it is not one long column that
 * really uses another separator. Names are trimmed, as cells are.
 */
final class Header {

    /** Separators a file might use instead of the configured one, in the order they are suggested. */
    private static final char[] SEPARATORS = {';', '\t', ',', '|'};

    private final String file;
    private final List<String> names;
    private final Map<String, Integer> index;

    private Header(String file, List<String> names, Map<String, Integer> index) {
        this.file = file;
        this.names = names;
        this.index = index;
    }

    static Header of(String file, List<String> raw, char delimiter) {
        if (raw.isEmpty()) {
            throw RolloutException.input(Location.file(file), "the file is empty: an export starts with a header line naming its columns");
        }
        List<String> names = new ArrayList<>(raw.size());
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < raw.size(); i++) {
            String name = raw.get(i) == null ? "" : raw.get(i).trim();
            if (i == 0 && name.startsWith("\uFEFF")) {
                // A second byte order mark, or one the decoder let through: never part of the name.
                name = name.substring(1).trim();
            }
            if (name.isEmpty()) {
                throw RolloutException.input(Location.of(file, 1, i + 1, null),
                        "column " + (i + 1) + " of the header has no name; every column needs one");
            }
            Integer before = index.putIfAbsent(name, i);
            if (before != null) {
                throw RolloutException.input(Location.of(file, 1, i + 1, "column " + Cells.shown(name)),
                        "the header names column '" + Cells.shown(name) + "' twice (columns " + (before + 1) + " and " + (i + 1)
                                + "); which one counts would be a guess, so rename or drop one");
            }
            names.add(name);
        }
        if (names.size() == 1) {
            String only = names.get(0);
            for (char c : SEPARATORS) {
                if (c != delimiter && only.indexOf(c) >= 0) {
                    throw RolloutException.input(Location.of(file, 1, 1, null), "the header is a single column '"
                            + Cells.shown(only) + "': the file looks separated by " + describe(c)
                            + ", not " + describe(delimiter) + "; set data.delimiter: \"" + (c == '\t' ? "\\t" : String.valueOf(c))
                            + "\" in the spec");
                }
            }
        }
        return new Header(file, List.copyOf(names), index);
    }

    private static String describe(char c) {
        return switch (c) {
            case ',' -> "commas";
            case ';' -> "semicolons";
            case '\t' -> "tabs";
            case '|' -> "'|'";
            default -> "'" + c + "'";
        };
    }

    List<String> names() {
        return names;
    }

    /** The column's index, or -1. */
    int find(String column) {
        Integer at = index.get(column);
        return at == null ? -1 : at;
    }

    /** The column's index; an error naming the file and listing the header when it is not there. */
    int require(String column, String specKey) {
        int at = find(column);
        if (at < 0) {
            String all = String.join(", ", names.stream().map(Cells::shown).toList());
            throw RolloutException.input(Location.of(file, 1, 0, "column " + Cells.shown(column)),
                    "column '" + Cells.shown(column) + "' (" + specKey + " in the spec) is not in the header of " + file
                            + "; the header has: " + (all.length() > 200 ? all.substring(0, 200) + "…" : all));
        }
        return at;
    }
}
