package dev.rollout.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The progress line: silent for a quick read, then bytes, share, rate and time left, redrawn in place and wiped. */
class ProgressLineTest {

    long now;
    final StringWriter out = new StringWriter();
    final ProgressLine line = new ProgressLine(new PrintWriter(out), () -> now);

    @Test
    void aQuickReadShowsNothing() {
        line.start("/data/logs/predictions.csv", 50_000_000);
        now = 900_000_000L;
        line.at(50_000_000);
        line.end();
        assertEquals("", out.toString());
    }

    @Test
    void aLongReadShowsBytesShareRateAndTimeLeftThenWipesTheLine() {
        line.start("/data/logs/predictions.csv", 323_000_000);
        now = 2_000_000_000L;
        line.at(100_000_000);
        String first = "reading predictions.csv  100 MB of 323 MB (30 %)  50 MB/s  about 5s left";
        assertEquals("\r" + first, out.toString());
        now += 100_000_000L;
        line.at(105_000_000); // within 200 ms of the last draw: not redrawn
        assertEquals("\r" + first, out.toString());
        now = 4_000_000_000L;
        line.at(323_000_000);
        String second = "reading predictions.csv  323 MB of 323 MB (100 %)  81 MB/s";
        // The shorter line is padded over the longer one, then the line is wiped with spaces.
        String expected = "\r" + first + "\r" + second + " ".repeat(first.length() - second.length());
        assertEquals(expected, out.toString());
        line.end();
        assertEquals(expected + "\r" + " ".repeat(second.length()) + "\r", out.toString());
    }

    @Test
    void unknownSizeShowsBytesAndRateOnly() {
        line.start("x.csv", -1);
        now = 1_500_000_000L;
        line.at(3_000_000);
        assertTrue(out.toString().endsWith("reading x.csv  3.0 MB  2.0 MB/s"), out.toString());
    }

    @Test
    void aLongNameLosesItsBeginningSoTheLineNeverWraps() {
        line.start("/data/predictions-of-the-fraud-model-for-2026-03-02-all-regions.csv", 323_000_000);
        now = 2_000_000_000L;
        line.at(100_000_000);
        String drawn = out.toString().substring(1);
        assertEquals(ProgressLine.WIDTH, drawn.length(), drawn);
        assertTrue(drawn.startsWith("reading …") && drawn.contains("all-regions.csv  100 MB of 323 MB (30 %)"), drawn);
    }

    @Test
    void readingAFileAgainWipesTheLineFirst() {
        line.start("x.csv", 10_000_000);
        now = 2_000_000_000L;
        line.at(5_000_000);
        String first = out.toString();
        line.start("x.csv", 10_000_000);
        assertEquals(first + "\r" + " ".repeat(first.length() - 1) + "\r", out.toString());
    }

    @Test
    void durationsAndSizesRead() {
        assertEquals("2s", ProgressLine.duration(1.2));
        assertEquals("2m5s", ProgressLine.duration(125));
        assertEquals("9.9 MB", ProgressLine.megabytes(9_900_000));
        assertEquals("1,234 MB", ProgressLine.megabytes(1_234_000_000L));
    }
}
