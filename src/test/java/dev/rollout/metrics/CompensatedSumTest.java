package dev.rollout.metrics;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CompensatedSumTest {

    @Test
    void keepsWhatAPlainSumLoses() {
        CompensatedSum s = new CompensatedSum();
        s.add(1e16);
        s.add(1.0);
        s.add(-1e16);
        assertEquals(1.0, s.value());
        assertEquals(0.0, 1e16 + 1.0 - 1e16);
    }

    /** Neumaier's form, the branch on the larger magnitude, as it was written before two-sum replaced it. */
    private static double neumaier(double sum, double v) {
        double t = sum + v;
        return Math.abs(sum) >= Math.abs(v) ? (sum - t) + v : (v - t) + sum;
    }

    @Test
    void eachAdditionsErrorIsNeumaiersToTheBit() {
        SplittableRandom r = new SplittableRandom(20261201);
        for (int i = 0; i < 200_000; i++) {
            double sum = r.nextDouble(-1, 1) * Math.pow(10, r.nextInt(-20, 20));
            double v = r.nextInt(4) == 0 ? -sum * (1 + r.nextDouble(-1e-9, 1e-9)) : r.nextDouble(-1, 1) * Math.pow(10, r.nextInt(-20, 20));
            double t = sum + v;
            CompensatedSum s = new CompensatedSum();
            s.add(sum);
            s.add(v);
            s.add(-t); // leaves the sum at zero: value() is then the error kept for sum + v, and nothing else
            double error = s.value();
            BigDecimal exact = new BigDecimal(sum).add(new BigDecimal(v)).subtract(new BigDecimal(t));
            assertEquals(0, exact.compareTo(new BigDecimal(error)), () -> sum + " + " + v + ": error " + error + ", exactly " + exact);
            assertEquals(neumaier(sum, v), error, 0.0, () -> sum + " + " + v);
        }
    }

    @Test
    void aLongColumnEndsWithinOneRoundingOfTheExactSum() {
        SplittableRandom r = new SplittableRandom(7);
        CompensatedSum s = new CompensatedSum();
        BigDecimal exact = BigDecimal.ZERO;
        for (int i = 0; i < 100_000; i++) {
            double v = r.nextDouble(0, 400) * (r.nextInt(10) == 0 ? 1e12 : 1) * (r.nextBoolean() ? 1 : -1);
            s.add(v);
            exact = exact.add(new BigDecimal(v));
        }
        double want = exact.round(MathContext.DECIMAL64).doubleValue();
        assertEquals(want, s.value(), Math.ulp(want));
    }
}
