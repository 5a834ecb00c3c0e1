package dev.rollout.cli;

import dev.rollout.ControlCharacters;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A plain aligned text table: columns padded to their widest cell, numbers right-aligned. */
final class Table {

    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();
    private final boolean[] right;

    Table(String... header) {
        this.header = List.of(header);
        this.right = new boolean[header.length];
    }

    /** Right-aligns the given columns (numbers). */
    Table right(int... columns) {
        for (int c : columns) {
            right[c] = true;
        }
        return this;
    }

    /** Adds a row; its cells are text from outside (names, reasons, actors), so control characters are escaped. */
    Table row(String... cells) {
        rows.add(Arrays.stream(cells).map(ControlCharacters::escaped).toList());
        return this;
    }

    String render(String indent) {
        int[] width = new int[header.size()];
        for (int c = 0; c < width.length; c++) {
            width[c] = header.get(c).length();
            for (List<String> r : rows) {
                width[c] = Math.max(width[c], r.get(c).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, indent, header, width);
        for (List<String> r : rows) {
            line(sb, indent, r, width);
        }
        return sb.toString();
    }

    private void line(StringBuilder sb, String indent, List<String> cells, int[] width) {
        StringBuilder l = new StringBuilder(indent);
        for (int c = 0; c < cells.size(); c++) {
            String cell = cells.get(c);
            String pad = " ".repeat(width[c] - cell.length());
            l.append(right[c] ? pad + cell : cell + (c == cells.size() - 1 ? "" : pad));
            if (c < cells.size() - 1) {
                l.append("  ");
            }
        }
        sb.append(l.toString().stripTrailing()).append('\n');
    }
}
