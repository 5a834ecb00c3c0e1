package dev.rollout.metrics.csv;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The Strings of one chunk's repeated cells, looked up by their bytes: a label or a variant
 * is one of a few texts, so after its first row it costs a hash of its bytes and no object,
 * and the accumulators' maps find it by a hash the String already knows. A cell that does
 * not fit (the table is full around its slot) just becomes a new String.
 */
final class Labels {

    private static final int SLOTS = 1024;
    /** How far a lookup probes before it gives up on the table. */
    private static final int PROBES = 8;
    /** Longer cells are rarely repeated: a timestamp, an id. */
    private static final int LONGEST = 64;

    private final byte[][] keys = new byte[SLOTS][];
    private final String[] values = new String[SLOTS];

    /** The text of {@code b[from, to)}, decoded as UTF-8 (the chunk's scan has checked it is). */
    String text(byte[] b, int from, int to) {
        int length = to - from;
        if (length > LONGEST) {
            return new String(b, from, length, StandardCharsets.UTF_8);
        }
        int h = 0;
        for (int i = from; i < to; i++) {
            h = 31 * h + b[i];
        }
        h ^= h >>> 16;
        for (int p = 0; p < PROBES; p++) {
            int slot = (h + p) & (SLOTS - 1);
            byte[] key = keys[slot];
            if (key == null) {
                String s = new String(b, from, length, StandardCharsets.UTF_8);
                keys[slot] = Arrays.copyOfRange(b, from, to);
                values[slot] = s;
                return s;
            }
            if (key.length == length && Arrays.equals(key, 0, length, b, from, to)) {
                return values[slot];
            }
        }
        return new String(b, from, length, StandardCharsets.UTF_8);
    }
}
