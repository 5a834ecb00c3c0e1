package dev.rollout.metrics.csv;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RowTest {

    /**
     * A chunk's variant cell is its value exactly when the bytes are equal: up to eight bytes as
     * one word (the bytes after the cell, which a chunk always has, never count), longer ones
     * byte by byte; empty cells and values, and values that are a prefix of the cell or the cell
     * of them, included.
     */
    @Test
    void aCellIsAValueWhenItsBytesAre() {
        Random r = new Random(3);
        String[] alphabet = {"4", "2", "a", "ü", "-"};
        Row row = Row.sliced("x.csv", List.of("v"), List.of());
        for (int trial = 0; trial < 20_000; trial++) {
            String cell = text(r, alphabet);
            String value = r.nextInt(3) == 0 ? cell : r.nextBoolean() && !cell.isEmpty() ? cell.substring(0, r.nextInt(cell.length())) : text(r, alphabet);
            byte[] cellBytes = cell.getBytes(StandardCharsets.UTF_8);
            byte[] valueBytes = value.getBytes(StandardCharsets.UTF_8);
            // The cell somewhere in a chunk, other bytes around it (a delimiter and the next cell's, or a buffer's rest).
            int at = r.nextInt(9);
            byte[] chunk = new byte[at + cellBytes.length + 8];
            Arrays.fill(chunk, (byte) (r.nextBoolean() ? ',' : '4'));
            System.arraycopy(cellBytes, 0, chunk, at, cellBytes.length);
            row.set(chunk, new int[] {at, at + cellBytes.length}, 1);
            assertEquals(Arrays.equals(cellBytes, valueBytes), row.is(0, Row.Expected.of(value)),
                    "cell '" + cell + "' value '" + value + "'");
        }
    }

    private static String text(Random r, String[] alphabet) {
        StringBuilder sb = new StringBuilder();
        for (int i = r.nextInt(11); i > 0; i--) {
            sb.append(alphabet[r.nextInt(alphabet.length)]);
        }
        return sb.toString();
    }
}
