package dev.rollout.judge;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Duration;

/** How numbers and durations are written for people, and read into exact decimals. */
public final class Numbers {

    private Numbers() {
    }

    /** The double as the decimal it prints as (its shortest representation), exactly. */
    static BigDecimal decimal(double d) {
        return new BigDecimal(Double.toString(d));
    }

    /** Up to 6 significant digits, no exponent for everyday magnitudes: {@code 0.855}, {@code 271}, {@code 0.000123}. */
    public static String show(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return Double.toString(d);
        }
        if (d == 0) {
            return "0";
        }
        BigDecimal b = new BigDecimal(d).round(new MathContext(6, RoundingMode.HALF_EVEN)).stripTrailingZeros();
        double abs = Math.abs(d);
        return abs >= 1e-6 && abs < 1e15 ? b.toPlainString() : b.toString();
    }

    /** {@code 1h30m}, {@code 45s}: whole seconds, except that under a second the milliseconds show. */
    public static String duration(Duration d) {
        Duration whole = d.withNanos(0);
        return dev.rollout.spec.DurationText.format(whole.isZero() ? d : whole);
    }
}
