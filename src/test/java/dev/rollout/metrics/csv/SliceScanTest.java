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
}
