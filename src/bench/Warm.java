import dev.rollout.cli.Cli;
import dev.rollout.cli.Env;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The benchmark's evaluation run again and again in one JVM (src/bench/warm.sh): from the
 * second run on the row path is compiled and the libraries are loaded and initialized, so
 * the difference between the first run (what every command line pays) and the later ones is
 * what a cold JVM costs. Prints each run's wall and CPU (the process's user + system time).
 *
 *   java -cp target/rollout.jar src/bench/Warm.java RUNS SPEC EXPORT
 */
public final class Warm {
    public static void main(String[] args) throws Exception {
        int runs = Integer.parseInt(args[0]);
        Path state = Files.createTempDirectory("rollout-warm").resolve("state.json");
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        for (int i = 1; i <= runs; i++) {
            Files.deleteIfExists(state);
            long t0 = System.nanoTime();
            long c0 = os.getProcessCpuTime();
            int code = Cli.run(Env.system(new PrintWriter(new StringWriter()), err),
                    "evaluate", args[1], "--metrics", args[2], "-o", "json", "--state", state.toString());
            long c1 = os.getProcessCpuTime();
            System.out.printf("run %d: exit %d, wall %.2f s, cpu %.2f s%n", i, code, (System.nanoTime() - t0) / 1e9, (c1 - c0) / 1e9);
        }
        Files.deleteIfExists(state);
        Files.deleteIfExists(state.getParent());
    }
}
