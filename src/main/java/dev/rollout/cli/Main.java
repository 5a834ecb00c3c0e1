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
            err.println("rollout: " + dev.rollout.ControlCharacters.escaped(e.describe()));
            code = e.kind().exitCode();
        } catch (OutOfMemoryError e) {
            // Nothing has been written yet: state changes come after the exports are read.
            err.println("rollout: out of memory (the heap may grow to " + Runtime.getRuntime().maxMemory() / (1 << 20)
                    + " MB); exact percentiles, AUC and drift keep every value in the window, agreement a key and"
                    + " an output per row, label metrics a table of label pairs: give the JVM more, e.g. ROLLOUT_JAVA_OPTS=-Xmx8g, or evaluate a shorter window");
            code = 1;
        }
        out.flush();
        err.flush();
        System.exit(code);
    }
}
