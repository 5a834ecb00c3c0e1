import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.SplittableRandom;

/**
 * Seeded, deterministic prediction log for the benchmark:
 * {@code ts,model_version,y_true,y_pred,latency_ms}, two variants ("41" baseline, "42"
 * candidate, about half each), three classes 0/1/2, ISO-8601 UTC timestamps spread over one
 * day, lognormal latencies printed with one or two decimals.
 *
 * <p>Run with {@code java src/bench/Gen.java ROWS OUT [SEED]} (source-file mode, JDK only).
 */
public final class Gen {
  public static void main(String[] args) throws IOException {
    long rows = Long.parseLong(args[0]);
    String out = args[1];
    long seed = args.length > 2 ? Long.parseLong(args[2]) : 20260302L;
    SplittableRandom rnd = new SplittableRandom(seed);
    long start = Instant.parse("2026-03-02T00:00:00Z").getEpochSecond();
    double[] classCdf = {0.5, 0.8, 1.0};                 // class shares 50 / 30 / 20 %
    byte[] buf = new byte[64];
    try (OutputStream os = new BufferedOutputStream(new FileOutputStream(out), 1 << 20)) {
      os.write("ts,model_version,y_true,y_pred,latency_ms\n".getBytes(StandardCharsets.US_ASCII));
      long cachedSecond = Long.MIN_VALUE;
      byte[] ts = null;
      for (long i = 0; i < rows; i++) {
        long second = start + i * 86_400L / Math.max(rows, 1);
        if (second != cachedSecond) {
          cachedSecond = second;
          ts = Instant.ofEpochSecond(second).toString().getBytes(StandardCharsets.US_ASCII);
        }
        boolean candidate = rnd.nextBoolean();
        double u = rnd.nextDouble();
        int yTrue = u < classCdf[0] ? 0 : u < classCdf[1] ? 1 : 2;
        int yPred = yTrue;
        if (rnd.nextDouble() >= (candidate ? 0.88 : 0.86)) {
          yPred = (yTrue + 1 + rnd.nextInt(2)) % 3;     // one of the two other classes
        }
        double mu = Math.log(candidate ? 74.0 : 80.0);
        double latency = Math.exp(mu + 0.45 * gaussian(rnd));
        int n = 0;
        System.arraycopy(ts, 0, buf, 0, ts.length);
        n += ts.length;
        buf[n++] = ',';
        buf[n++] = '4';
        buf[n++] = (byte) (candidate ? '2' : '1');
        buf[n++] = ',';
        buf[n++] = (byte) ('0' + yTrue);
        buf[n++] = ',';
        buf[n++] = (byte) ('0' + yPred);
        buf[n++] = ',';
        int decimals = rnd.nextBoolean() ? 1 : 2;
        long scale = decimals == 1 ? 10 : 100;
        long fixed = Math.max(scale, Math.round(latency * scale));   // at least 1 ms
        n = writeLong(buf, n, fixed / scale);
        buf[n++] = '.';
        long frac = fixed % scale;
        if (decimals == 2) {
          buf[n++] = (byte) ('0' + frac / 10);
          buf[n++] = (byte) ('0' + frac % 10);
        } else {
          buf[n++] = (byte) ('0' + frac);
        }
        buf[n++] = '\n';
        os.write(buf, 0, n);
      }
    }
  }

  private static double gaussian(SplittableRandom rnd) {   // Box-Muller, one value per call
    double u1 = 1.0 - rnd.nextDouble();
    double u2 = rnd.nextDouble();
    return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
  }

  private static int writeLong(byte[] buf, int n, long v) {
    if (v == 0) {
      buf[n++] = '0';
      return n;
    }
    int startPos = n;
    while (v > 0) {
      buf[n++] = (byte) ('0' + v % 10);
      v /= 10;
    }
    for (int a = startPos, b = n - 1; a < b; a++, b--) {
      byte t = buf[a];
      buf[a] = buf[b];
      buf[b] = t;
    }
    return n;
  }
}
