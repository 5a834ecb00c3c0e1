package dev.rollout.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** The entry point; the only place that exits the JVM. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), false);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), false);
        int code;
        try {
            code = Cli.run(Env.system(out, err), args);
        } catch (dev.rollout.RolloutException e) {
            err.println("rollout: " + e.describe());
            code = e.kind().exitCode();
        }
        out.flush();
        err.flush();
        System.exit(code);
    }
}
