import dev.rollout.cli.Cli;
import dev.rollout.cli.Env;

import java.io.PrintWriter;
import java.io.Writer;
import java.util.Map;

/**
 * One of the writers of src/bench/pg-writes.sh: waits for the common start instant, then runs
 * {@code rollout approve SPEC --state URL} N times in this JVM (each a whole command: its own
 * connection, lock, compare-and-set and commit, as a CI job's would be, JVM start excepted) and
 * prints each command's wall time in microseconds, one a line; exits 1 if any command failed.
 *
 * <p>{@code java -cp target/rollout.jar src/bench/PgWrites.java N START_EPOCH_MS SPEC URL}
 */
public final class PgWrites {
  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    long start = Long.parseLong(args[1]);
    PrintWriter discard = new PrintWriter(Writer.nullWriter());
    Map<String, String> vars = new java.util.HashMap<>(System.getenv());
    Env env = new Env(vars, Env.clockFrom(vars), discard, new PrintWriter(System.err, true), false, false);
    // Warm up on reads, so the writes measure the store rather than class loading.
    for (int i = 0; i < 5; i++) {
      Cli.run(env, "status", args[2], "--state", args[3]);
    }
    long wait = start - System.currentTimeMillis();
    if (wait > 0) {
      Thread.sleep(wait);
    }
    int failed = 0;
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      int code = Cli.run(env, "approve", args[2], "--by", "bench", "--state", args[3], "--lock-timeout", "120s");
      out.append((System.nanoTime() - t0) / 1000).append('\n');
      if (code != 0) {
        failed++;
      }
    }
    System.out.print(out);
    System.exit(failed == 0 ? 0 : 1);
  }
}
