package dev.rollout.metrics.csv;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TimestampsTest {

    static Instant parse(String s) {
        long[] out = new long[2];
        assertTrue(Timestamps.parse(s, out), s);
        return Instant.ofEpochSecond(out[0], out[1]);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(textBlock = """
            2026-03-01T12:00:00Z,             2026-03-01T12:00:00Z
            2026-03-01t12:00:00z,             2026-03-01T12:00:00Z
            2026-03-01 12:00:00Z,             2026-03-01T12:00:00Z
            2026-03-01T14:00:00+02:00,        2026-03-01T12:00:00Z
            2026-03-01T07:30:00.250-04:30,    2026-03-01T12:00:00.250Z
            2026-03-01T12:00:00.123456789Z,   2026-03-01T12:00:00.123456789Z
            2026-03-01T12:00Z,                2026-03-01T12:00:00Z
            2024-02-29T00:00:00Z,             2024-02-29T00:00:00Z
            1772366400,                       2026-03-01T12:00:00Z
            1772366400.25,                    2026-03-01T12:00:00.250Z
            1772366400001,                    2026-03-01T12:00:00.001Z
            1772366400000.5,                  2026-03-01T12:00:00.000500Z
            99999999999,                      5138-11-16T09:46:39Z
            100000000000,                     1973-03-03T09:46:40Z
            0,                                1970-01-01T00:00:00Z
            -1.5,                             1969-12-31T23:59:58.500Z
            1.7723664E9,                      2026-03-01T12:00:00Z
            """)
    void isoWithAnOffsetOrEpochSecondsOrMillisecondsToldApartPerValue(String cell, String expected) {
        assertEquals(Instant.parse(expected), parse(cell.trim()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "yesterday", "2026-03-01T12:00:00", "2026-03-01", "2026-02-29T00:00:00Z",
            "2026-03-01T24:00:00Z", "2026-03-01T12:60:00Z", "2026-03-01T12:00:00+19:00",
            "2026-03-01T12:00:00.1234567890Z", "0x10", "1e30", "NaN", "Infinity"})
    void anythingElseIsNotATimestamp(String cell) {
        assertFalse(Timestamps.parse(cell, new long[2]), cell);
    }

    /** The hand-written fast path agrees with the JDK's ISO parser wherever both accept a value. */
    @Test
    void theFastIsoPathAgreesWithTheJdk() {
        Random random = new Random(42);
        DateTimeFormatter[] shapes = {
                DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssXXX"),
                DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX"),
                DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSSXXX"),
                DateTimeFormatter.ofPattern("uuuu-MM-dd' 'HH:mm:ss.SSXXX")};
        for (int i = 0; i < 20_000; i++) {
            long second = (long) (random.nextDouble() * 8e9) - 2_000_000_000L; // 1906 .. 2160
            Instant at = Instant.ofEpochSecond(second, random.nextInt(1_000_000_000));
            ZoneOffset offset = ZoneOffset.ofTotalSeconds((random.nextInt(37) - 18) * 1800);
            String text = OffsetDateTime.ofInstant(at, offset).format(shapes[i % shapes.length]);
            Instant jdk = OffsetDateTime.parse(text.replace(' ', 'T')).toInstant();
            assertEquals(jdk, parse(text), text);
        }
    }
}
