package dev.rollout.metrics;

import com.fasterxml.jackson.core.io.NumberInput;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * How cells become values: numbers only in plain decimal or scientific form and finite (no
 * hex floats, no {@code Infinity}, no {@code 1d}); empty and {@code NaN} are missing, never 0;
 * timestamps as ISO-8601 or epoch seconds/milliseconds, told apart per value.
 */
final class Cells {

    /** Returned by {@link #number} for an empty or NaN cell. */
    static final double MISSING = Double.NaN;

    private Cells() {
    }

    static boolean isMissing(String s) {
        return s.isEmpty() || s.equalsIgnoreCase("nan");
    }

    /**
     * The cell's number, {@link #MISSING} for an empty or NaN cell, or throws
     * {@link NumberFormatException} for anything else that is not a plain finite number.
     */
    static double number(String s) {
        if (isMissing(s)) {
            return MISSING;
        }
        if (!plainNumber(s)) {
            throw new NumberFormatException(s);
        }
        // Jackson's bundled fast parser (FastDoubleParser), exact like Double.parseDouble.
        double d = NumberInput.parseDouble(s, true);
        if (!Double.isFinite(d)) {
            throw new NumberFormatException(s);
        }
        return d;
    }

    /** {@code [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?} — checked by hand, it is on the hot path. */
    static boolean plainNumber(String s) {
        int i = 0;
        int n = s.length();
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            i++;
        }
        int intDigits = 0;
        while (i < n && isDigit(s.charAt(i))) {
            i++;
            intDigits++;
        }
        int fracDigits = 0;
        if (i < n && s.charAt(i) == '.') {
            i++;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
                fracDigits++;
            }
        }
        if (intDigits + fracDigits == 0) {
            return false;
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int expDigits = 0;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
                expDigits++;
            }
            if (expDigits == 0) {
                return false;
            }
        }
        return i == n;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** 1 for {@code 1/true/yes}, 0 for {@code 0/false/no}, {@link #MISSING} for empty or NaN; else throws. */
    static double truthy(String s) {
        if (isMissing(s)) {
            return MISSING;
        }
        switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "1", "true", "yes", "1.0":
                return 1;
            case "0", "false", "no", "0.0":
                return 0;
            default:
                throw new NumberFormatException(s);
        }
    }

    /** Epoch values at or above this are milliseconds (1e11 seconds is the year 5138). */
    private static final double MILLIS_THRESHOLD = 1e11;

    /** The instant of a timestamp cell, or throws {@link DateTimeParseException}. */
    static Instant instant(String s) {
        if (!s.isEmpty() && (Character.isDigit(s.charAt(0)) || s.charAt(0) == '-') && plainNumber(s)) {
            double v = Double.parseDouble(s);
            double millis = Math.abs(v) >= MILLIS_THRESHOLD ? v : v * 1000.0;
            long whole = (long) Math.floor(millis);
            long nanos = Math.round((millis - whole) * 1_000_000);
            return Instant.ofEpochMilli(whole).plusNanos(nanos);
        }
        String t = s.length() > 10 && s.charAt(10) == ' ' ? s.substring(0, 10) + 'T' + s.substring(11) : s;
        if (t.endsWith("Z") || t.endsWith("z")) {
            return Instant.parse(t.substring(0, t.length() - 1) + "Z");
        }
        return OffsetDateTime.parse(t, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    }
}
