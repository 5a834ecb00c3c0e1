package dev.rollout.metrics.csv;

import dev.rollout.metrics.CellText;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SliceScanTest {

    /** The chunk's own decimal parse gives the bits the text rules give, or leaves the cell to them. */
    @Test
    void exactDecimalsAreTheBitsOfTheTextRulesOrNothing() {
        Random r = new Random(5);
        List<String> cells = new java.util.ArrayList<>(List.of("0", "-0", "-0.0", "+5", ".5", "5.", "0.1", "0.3", "123.456",
                "999999999999999", "9999999999999999", "0.000000000000001", "1e3", "1.5E-2", "12,5", "1..2", "-", ".", "",
                "NaN", "0x10", "00000000000000000001", "4.35", "2.675", "1.0000000000000002"));
        for (int i = 0; i < 20000; i++) {
            int places = r.nextInt(8);
            cells.add(String.format(Locale.ROOT, "%." + places + "f", (r.nextDouble() - 0.3) * Math.pow(10, r.nextInt(9))));
            cells.add(Long.toString(r.nextLong() % 1_000_000_000_000_000L));
        }
        int fast = 0;
        for (String cell : cells) {
            byte[] b = ("x" + cell + "y").getBytes(StandardCharsets.UTF_8);
            double d = SliceScan.exactDecimal(b, 1, b.length - 1);
            if (d != d) {
                continue;
            }
            fast++;
            assertTrue(CellText.plainNumber(cell), cell);
            assertEquals(Double.doubleToRawLongBits(CellText.number(cell)), Double.doubleToRawLongBits(d), cell);
        }
        assertTrue(fast > 30000, "most cells take the fast parse: " + fast);
    }

    /**
     * Cells of up to eight bytes are read as one word: the same bits as the character loop, or
     * NaN exactly where it gives NaN, for every string of up to eight bytes over the characters
     * that matter (digits, points, signs, a letter, a blank, a byte above 127), wherever the cell
     * sits in the buffer, its last byte included.
     */
    @Test
    void theWordParseIsTheCharacterLoop() {
        byte[] alphabet = {'0', '1', '5', '9', '.', '-', '+', 'e', ' ', '/', ':', (byte) 0xC3};
        Random r = new Random(8);
        int checked = 0;
        int numbers = 0;
        for (int trial = 0; trial < 400_000; trial++) {
            int length = 1 + r.nextInt(8);
            byte[] cell = new byte[length];
            for (int i = 0; i < length; i++) {
                // Mostly digits with a point: the shapes a number column has, and every near miss of them.
                cell[i] = r.nextInt(4) == 0 ? alphabet[r.nextInt(alphabet.length)] : (byte) ('0' + r.nextInt(10));
            }
            if (r.nextInt(3) == 0) {
                cell[r.nextInt(length)] = '.';
            }
            int before = r.nextInt(12);
            int after = r.nextInt(3) == 0 ? 0 : r.nextInt(12);
            byte[] b = new byte[Math.max(8, before + length + after)];
            java.util.Arrays.fill(b, (byte) (r.nextBoolean() ? '7' : ','));
            System.arraycopy(cell, 0, b, before, length);
            double word = SliceScan.exactDecimal(b, before, before + length);
            double loop = SliceScan.anyDecimal(b, before, before + length);
            assertEquals(Double.doubleToRawLongBits(loop), Double.doubleToRawLongBits(word),
                    new String(cell, StandardCharsets.ISO_8859_1) + " at " + before + " of " + b.length);
            // The word alone: every unsigned number the loop reads, it reads too (it is no fallback that never works).
            double alone = SliceScan.shortDecimal(b, before, length);
            boolean signed = cell[0] == '-' || cell[0] == '+';
            assertEquals(Double.doubleToRawLongBits(signed ? Double.NaN : loop), Double.doubleToRawLongBits(alone),
                    "word alone: " + new String(cell, StandardCharsets.ISO_8859_1));
            checked++;
            numbers += loop == loop ? 1 : 0;
        }
        assertTrue(numbers > 100_000 && checked - numbers > 50_000, numbers + " of " + checked);
        for (String cell : List.of("0", "00000000", "99999999", "9999999.", ".9999999", "1234.567", "0.000001", "1.", ".5")) {
            byte[] b = cell.getBytes(StandardCharsets.US_ASCII);
            byte[] padded = java.util.Arrays.copyOf(b, 8);
            assertEquals(Double.doubleToRawLongBits(CellText.number(cell)),
                    Double.doubleToRawLongBits(SliceScan.exactDecimal(padded, 0, b.length)), cell);
        }
    }
}
