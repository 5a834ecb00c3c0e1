package dev.rollout.metrics.csv;

import dev.rollout.metrics.CellText;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Timestamp cells: ISO-8601 with an offset or {@code Z} ({@code 2026-03-01T12:00:00Z},
 * {@code 2026-03-01 14:00:00.250+02:00}), or a plain number of epoch seconds (may have
 * decimals) or, from 1e11 up, epoch milliseconds — told apart per value, since 1e11 seconds
 * is the year 5138 and 1e11 milliseconds is 1973. A time without an offset is refused: it
 * would silently mean the machine's time zone.
 *
 * <p>The common ISO shape is parsed by hand (a log has one per row, and the JDK's formatter
 * costs a microsecond each); anything else goes to {@link DateTimeFormatter#ISO_OFFSET_DATE_TIME}.
 */
public final class Timestamps {

    /** Epoch values at or above this (in absolute value) are milliseconds. */
    private static final double MILLIS_FROM = 1e11;
    private static final BigDecimal MILLIS_FROM_DECIMAL = BigDecimal.valueOf(100_000_000_000L);
    private static final BigInteger NANOS_PER_SECOND = BigInteger.valueOf(1_000_000_000L);

    private Timestamps() {
    }

    /** Parses {@code s} into {@code out[0]} = epoch seconds, {@code out[1]} = nanos; false when it is not a timestamp. */
    public static boolean parse(String s, long[] out) {
        if (s.isEmpty()) {
            return false;
        }
        char first = s.charAt(0);
        if ((first == '-' || first == '+' || first == '.' || isDigit(first)) && CellText.plainNumber(s)) {
            return epoch(s, out);
        }
        if (iso(s, out)) {
            return true;
        }
        try {
            String t = s.length() > 10 && s.charAt(10) == ' ' ? s.substring(0, 10) + 'T' + s.substring(11) : s;
            if (t.endsWith("z")) {
                t = t.substring(0, t.length() - 1) + 'Z';
            }
            Instant at = OffsetDateTime.parse(t, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
            out[0] = at.getEpochSecond();
            out[1] = at.getNano();
            return true;
        } catch (DateTimeException e) {
            return false;
        }
    }

    private static boolean epoch(String s, long[] out) {
        boolean integral = true;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!isDigit(c) && !(i == 0 && (c == '-' || c == '+'))) {
                integral = false;
                break;
            }
        }
        if (integral && s.length() <= 18) {
            long v = Long.parseLong(s);
            if (Math.abs((double) v) < MILLIS_FROM) {
                out[0] = v;
                out[1] = 0;
            } else {
                out[0] = Math.floorDiv(v, 1000L);
                out[1] = Math.floorMod(v, 1000L) * 1_000_000L;
            }
            return inRange(out[0]);
        }
        // Decimals or exponents: exact decimal arithmetic, so 1772323200.001 is one millisecond, not 0.99999 of one.
        BigDecimal v;
        try {
            v = new BigDecimal(s);
        } catch (NumberFormatException e) {
            return false;
        }
        if (v.abs().compareTo(BigDecimal.valueOf(1_000_000_000_000_000_000L)) > 0) {
            return false;
        }
        boolean seconds = v.abs().compareTo(MILLIS_FROM_DECIMAL) < 0;
        BigInteger nanos = v.movePointRight(seconds ? 9 : 6).setScale(0, RoundingMode.FLOOR).toBigIntegerExact();
        BigInteger[] qr = nanos.divideAndRemainder(NANOS_PER_SECOND);
        long sec = qr[0].longValueExact();
        long ns = qr[1].longValueExact();
        if (ns < 0) {
            sec -= 1;
            ns += 1_000_000_000L;
        }
        out[0] = sec;
        out[1] = ns;
        return inRange(sec);
    }

    private static boolean inRange(long epochSecond) {
        return epochSecond >= Instant.MIN.getEpochSecond() && epochSecond <= Instant.MAX.getEpochSecond();
    }

    /** {@code YYYY-MM-DD[T ]HH:MM:SS[.f{1,9}](Z|±HH:MM)}, validated like the JDK; false for any other shape. */
    private static boolean iso(String s, long[] out) {
        int n = s.length();
        if (n < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(13) != ':' || s.charAt(16) != ':') {
            return false;
        }
        char sep = s.charAt(10);
        if (sep != 'T' && sep != 't' && sep != ' ') {
            return false;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > lengthOfMonth(year, month)
                || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return false;
        }
        int i = 19;
        long nanos = 0;
        if (i < n && s.charAt(i) == '.') {
            i++;
            int start = i;
            while (i < n && isDigit(s.charAt(i))) {
                nanos = nanos * 10 + (s.charAt(i) - '0');
                i++;
            }
            int count = i - start;
            if (count == 0 || count > 9) {
                return false;
            }
            for (int k = count; k < 9; k++) {
                nanos *= 10;
            }
        }
        int offsetSeconds;
        if (i == n - 1 && (s.charAt(i) == 'Z' || s.charAt(i) == 'z')) {
            offsetSeconds = 0;
        } else if (i == n - 6 && (s.charAt(i) == '+' || s.charAt(i) == '-') && s.charAt(i + 3) == ':') {
            int oh = digits(s, i + 1, 2);
            int om = digits(s, i + 4, 2);
            if (oh < 0 || oh > 18 || om < 0 || om > 59 || oh == 18 && om > 0) {
                return false;
            }
            offsetSeconds = (oh * 3600 + om * 60) * (s.charAt(i) == '-' ? -1 : 1);
        } else {
            return false;
        }
        out[0] = epochDay(year, month, day) * 86_400L + hour * 3600L + minute * 60L + second - offsetSeconds;
        out[1] = nanos;
        return true;
    }

    /** The non-negative number in {@code s[from, from+count)}, or -1 when a character is not a digit. */
    private static int digits(String s, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (!isDigit(c)) {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static int lengthOfMonth(int year, int month) {
        return switch (month) {
            case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
    private static long epochDay(int year, int month, int day) {
        long y = month <= 2 ? year - 1 : year;
        long era = Math.floorDiv(y, 400);
        long yoe = y - era * 400;
        long doy = (153L * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146_097 + doe - 719_468;
    }
}
