package dev.rollout.metrics;

import com.fasterxml.jackson.core.io.NumberInput;

import java.util.Locale;

/**
 * How a cell becomes a number. Only plain decimal or scientific notation counts, and only
 * finite values: {@code Double.parseDouble} would also take {@code Infinity}, {@code 0x1p3},
 * {@code 1d} and turn {@code 1e309} into infinity, none of which a metrics export means.
 * An empty cell and {@code NaN} are missing values — never zeros — as in pandas and numpy's
 * nan-aware functions. Every source whose cells are text (CSV, a command's output, test
 * rows) reads them through these rules, so the same text is the same number everywhere.
 */
public final class CellText {

    /** Returned for an empty or NaN cell. */
    public static final double MISSING = Double.NaN;

    private CellText() {
    }

    public static boolean isMissing(String s) {
        return s.isEmpty() || s.length() == 3 && s.equalsIgnoreCase("nan");
    }

    /**
     * The cell's number, {@link #MISSING} for an empty or NaN cell; throws
     * {@link NumberFormatException} whose message says what is wrong ("is not a number").
     */
    public static double number(String s) {
        if (isMissing(s)) {
            return MISSING;
        }
        if (!plainNumber(s)) {
            String lower = s.toLowerCase(Locale.ROOT);
            if (lower.endsWith("inf") || lower.endsWith("infinity")) {
                throw new NumberFormatException("is not a finite number");
            }
            throw new NumberFormatException("is not a number");
        }
        // Jackson's bundled FastDoubleParser: correctly rounded like Double.parseDouble, several times faster.
        double d = NumberInput.parseDouble(s, true);
        if (!Double.isFinite(d)) {
            throw new NumberFormatException("is beyond the range of a double (about 1.8e308)");
        }
        if (d == 0 && nonzeroDigit(s)) {
            // Underflow, the other end of 1e309; a subnormal like 1e-310 is a value and stays one.
            throw new NumberFormatException("is too small for a double (below about 4.9e-324) and would read as 0");
        }
        return d;
    }

    /** Whether the digits before the exponent are not all zeros; only asked of a cell that parsed as 0. */
    private static boolean nonzeroDigit(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 'e' || c == 'E') {
                return false;
            }
            if (c >= '1' && c <= '9') {
                return true;
            }
        }
        return false;
    }

    /** {@code [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?}, checked by hand: it runs for every cell. */
    public static boolean plainNumber(String s) {
        int i = 0;
        int n = s.length();
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            i++;
        }
        int digits = 0;
        while (i < n && isDigit(s.charAt(i))) {
            i++;
            digits++;
        }
        if (i < n && s.charAt(i) == '.') {
            i++;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return false;
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int exponent = 0;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
                exponent++;
            }
            if (exponent == 0) {
                return false;
            }
        }
        return i == n;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /**
     * 1 for {@code 1/true/yes}, 0 for {@code 0/false/no} (any case), {@link #MISSING} for an
     * empty or NaN cell; {@code 1.0}/{@code 0.0} too, because pandas writes an integer column
     * that has a NaN in it as floats. Anything else throws {@link NumberFormatException}.
     */
    public static double truthy(String s) {
        if (s.length() == 1) {
            // The usual spellings, without lower-casing a string per cell.
            char c = s.charAt(0);
            if (c == '1') {
                return 1;
            }
            if (c == '0') {
                return 0;
            }
        }
        if (isMissing(s)) {
            return MISSING;
        }
        switch (s.toLowerCase(Locale.ROOT)) {
            case "1", "true", "yes", "1.0":
                return 1;
            case "0", "false", "no", "0.0":
                return 0;
            default:
                throw new NumberFormatException("is not 1/0, true/false or yes/no");
        }
    }
}
