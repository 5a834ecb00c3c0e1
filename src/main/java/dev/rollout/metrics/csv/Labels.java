package dev.rollout.metrics.csv;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The Strings of one chunk's repeated cells, looked up by their bytes: a label or a variant
 * is one of a few texts, so after its first row it costs a hash of its bytes and no object,
 * and each text has a code, a small int numbered in order of first sight, by which the
 * accumulators find their own id for it without a String at all. A text of up to seven bytes
 * is its key itself, one long; a longer one up to {@link #LONGEST} bytes is kept as bytes. A
 * cell that does not fit (the table is full around its slot) has no code and just becomes a
 * new String.
 */
final class Labels {

    private static final int SLOTS = 1024;
    /** How far a lookup probes before it gives up on the table. */
    private static final int PROBES = 8;
    /** Longer cells are rarely repeated: a timestamp, an id. */
    private static final int LONGEST = 64;
    /** A short key no text has: keys are non-negative. */
    private static final long FREE = -1;

    /** Texts of up to seven bytes, as their length above their bytes; {@link #FREE} where none is. */
    private final long[] shortKeys = new long[SLOTS];
    private final int[] shortCodes = new int[SLOTS];
    private final byte[][] longKeys = new byte[SLOTS][];
    /** The hashes of {@link #longKeys}: a timestamp column fills the table, and then every probe of a new text fails. */
    private final int[] longHashes = new int[SLOTS];
    private final int[] longCodes = new int[SLOTS];
    /** The codes of the one-byte texts the table holds, by their byte; -1 for none. */
    private final int[] oneByte = new int[256];
    /** By code. */
    private String[] texts = new String[16];
    private int codes;

    Labels() {
        Arrays.fill(shortKeys, FREE);
        Arrays.fill(oneByte, -1);
    }

    /** The text of {@code b[from, to)}, decoded as UTF-8 (the chunk's scan has checked it is). */
    String text(byte[] b, int from, int to) {
        int code = code(b, from, to);
        return code >= 0 ? texts[code] : new String(b, from, to - from, StandardCharsets.UTF_8);
    }

    /** The code of the text {@code b[from, to)}: the same for the same text; -1 when the table has no room for it. */
    int code(byte[] b, int from, int to) {
        int length = to - from;
        if (length == 1) {
            // A one-byte label (0, 1, 2, y, n): its code by the byte alone, no hash, once the table has it.
            int known = oneByte[b[from] & 0xff];
            if (known >= 0) {
                return known;
            }
        }
        if (length <= 7) {
            long key = length;
            for (int i = from; i < to; i++) {
                key = key << 8 | (b[i] & 0xff);
            }
            int h = (int) ((key * 0x9E3779B97F4A7C15L) >>> 40);
            for (int p = 0; p < PROBES; p++) {
                int slot = (h + p) & (SLOTS - 1);
                long k = shortKeys[slot];
                if (k == key) {
                    return shortCodes[slot];
                }
                if (k == FREE) {
                    shortKeys[slot] = key;
                    int code = shortCodes[slot] = add(b, from, to);
                    if (length == 1) {
                        oneByte[b[from] & 0xff] = code;
                    }
                    return code;
                }
            }
            return -1;
        }
        if (length > LONGEST) {
            return -1;
        }
        int h = 0;
        for (int i = from; i < to; i++) {
            h = 31 * h + b[i];
        }
        h ^= h >>> 16;
        for (int p = 0; p < PROBES; p++) {
            int slot = (h + p) & (SLOTS - 1);
            byte[] key = longKeys[slot];
            if (key == null) {
                longKeys[slot] = Arrays.copyOfRange(b, from, to);
                longHashes[slot] = h;
                return longCodes[slot] = add(b, from, to);
            }
            if (longHashes[slot] == h && key.length == length && Arrays.equals(key, 0, length, b, from, to)) {
                return longCodes[slot];
            }
        }
        return -1;
    }

    private int add(byte[] b, int from, int to) {
        if (codes == texts.length) {
            texts = Arrays.copyOf(texts, codes * 2);
        }
        texts[codes] = new String(b, from, to - from, StandardCharsets.UTF_8);
        return codes++;
    }
}
