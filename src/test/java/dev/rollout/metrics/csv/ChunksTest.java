package dev.rollout.metrics.csv;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where a chunked read cuts a file, and the byte scans beside it (moved from ChunkedReadTest with the class). */
class ChunksTest {

    @TempDir
    Path tmp;

    private Path write(String name, String text) throws IOException {
        return Files.write(tmp.resolve(name), text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void cutsFallRightAfterLineFeedsAndDependOnlyOnTheFile() throws Exception {
        Path p = write("cuts.csv", "h\n" + "x".repeat(10) + "\n" + "y".repeat(300) + "\nz\nw\n" + "v".repeat(50) + "\n");
        try (var channel = java.nio.channels.FileChannel.open(p)) {
            long start = Chunks.dataStart(channel).orElseThrow();
            assertEquals(2, start);
            long[] cuts = Chunks.cuts(channel, start, channel.size(), 8);
            byte[] bytes = Files.readAllBytes(p);
            assertEquals(start, cuts[0]);
            assertEquals(bytes.length, cuts[cuts.length - 1]);
            for (int i = 1; i < cuts.length - 1; i++) {
                assertEquals('\n', bytes[(int) cuts[i] - 1], "cut " + i);
                assertTrue(cuts[i] - cuts[i - 1] >= 8, "a chunk is at least the chunk size");
            }
            assertEquals(List.of(2L, 13L, 314L, 369L), java.util.Arrays.stream(cuts).boxed().toList());
        }
        Path cr = write("cr.csv", "a,b\r1,2\r");
        Path quotedHeader = write("qh.csv", "\"a\",b\n1,2\n");
        try (var c1 = java.nio.channels.FileChannel.open(cr); var c2 = java.nio.channels.FileChannel.open(quotedHeader)) {
            assertTrue(Chunks.dataStart(c1).isEmpty(), "carriage returns alone end no line for a cut");
            assertTrue(Chunks.dataStart(c2).isEmpty(), "a quoted header");
        }
    }

    @Test
    void theFirstChunksRampUpToTheChunkSize() throws Exception {
        long mib8 = 8L << 20;
        assertEquals(List.of(256L << 10, 512L << 10, 1L << 20, 2L << 20, 4L << 20, mib8, mib8),
                java.util.stream.IntStream.range(0, 7).mapToObj(n -> Chunks.length(mib8, n)).toList());
        assertEquals(List.of(65536L, 65536L, 65536L, 100000L), java.util.stream.IntStream.of(0, 1, 4, 5)
                .mapToObj(n -> Chunks.length(100000, n)).toList(), "never below 64 KiB");
        assertEquals(8, Chunks.length(8, 0), "nor above the chunk size");
        // In a file: each cut is the first line end at or past the ramp's length.
        StringBuilder text = new StringBuilder("h\n");
        while (text.length() < 600_000) {
            text.append("0123456789abcdefghi\n"); // 20 bytes a line
        }
        Path p = write("ramp.csv", text.toString());
        try (var channel = java.nio.channels.FileChannel.open(p)) {
            long[] cuts = Chunks.cuts(channel, 2, channel.size(), 1 << 18);
            List<Long> lengths = new java.util.ArrayList<>();
            for (int i = 1; i < cuts.length; i++) {
                lengths.add(cuts[i] - cuts[i - 1]);
            }
            assertEquals(List.of(65540L, 65540L, 65540L, 65540L, 131080L), lengths.subList(0, 5));
        }
    }

    @Test
    void theNulScanFindsANulAtEveryPositionOfARange() {
        for (int n = 0; n < 40; n++) {
            byte[] b = new byte[n];
            java.util.Arrays.fill(b, (byte) 0x80); // a high byte: the "has zero byte" test's classic false friend
            assertFalse(Chunks.hasNul(b, 0, n));
            for (int i = 0; i < n; i++) {
                b[i] = 0;
                assertTrue(Chunks.hasNul(b, 0, n), n + " " + i);
                assertFalse(Chunks.hasNul(b, 0, i), "only the range counts");
                assertFalse(Chunks.hasNul(b, i + 1, n), "only the range counts");
                b[i] = 1;
                assertFalse(Chunks.hasNul(b, 0, n));
                b[i] = (byte) 0x80;
            }
        }
    }
}
