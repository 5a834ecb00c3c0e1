package dev.rollout.cli;

import java.io.PrintWriter;
import java.util.Arrays;

/**
 * A test main for process-level tests: runs one rollout command N times in this JVM, each a
 * full invocation (its own store, its own lock), like N cron runs. Exits non-zero if any run
 * exits with a code other than the expected one.
 * Usage: RepeatedCommand N EXPECTED_EXIT args...
 */
public final class RepeatedCommand {
    public static void main(String[] args) {
        int n = Integer.parseInt(args[0]);
        int expected = Integer.parseInt(args[1]);
        String[] command = Arrays.copyOfRange(args, 2, args.length);
        PrintWriter out = new PrintWriter(java.io.OutputStream.nullOutputStream());
        PrintWriter err = new PrintWriter(System.err, true);
        int failures = 0;
        for (int i = 0; i < n; i++) {
            int code = Cli.run(Env.system(out, err), command);
            if (code != expected) {
                failures++;
            }
        }
        System.exit(failures == 0 ? 0 : 1);
    }
}
