package dev.rollout.metrics.prometheus;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus (Debian's {@code prometheus} package) on 127.0.0.1 and a free port, over a
 * TSDB backfilled with {@code promtool tsdb create-blocks-from openmetrics} from the series
 * below. The samples end a few minutes before the real clock, since Prometheus drops blocks
 * older than its retention (15 days) counted from the real clock: tests set {@code ROLLOUT_NOW}
 * to {@link #end()} or earlier. Without the package a test fails and says what to install.
 *
 * <p>The series, every 15 s over the 6 hours before {@link #end()}, job {@code fraud}:
 * <ul>
 * <li>{@code requests_total}: 50/s for {@code version} 41 and 42, 10/s for 40;</li>
 * <li>{@code errors_total}: 0.25/s for 41 (0.5 % of requests), 0.2/s for 42 (0.4 %), 0.1/s for 40 (1 %);</li>
 * <li>{@code idle_total}: constant for 41 and 42, so a ratio of its rates is 0/0, NaN;</li>
 * <li>{@code shard_total}: two series for 42 ({@code shard} a and b), one for 41.</li>
 * </ul>
 */
public final class PrometheusServer implements AutoCloseable {

    public static final String INSTALL = "apt-get install -y --no-install-recommends prometheus";
    static final Duration SPAN = Duration.ofHours(6);
    static final int STEP_SECONDS = 15;

    private final Process process;
    private final int port;
    private final Instant end;
    private final Path log;

    private PrometheusServer(Process process, int port, Instant end, Path log) {
        this.process = process;
        this.port = port;
        this.end = end;
        this.log = log;
    }

    /** Backfills a TSDB in {@code dir} and starts Prometheus over it; ready when this returns. */
    public static PrometheusServer start(Path dir) throws Exception {
        Path prometheus = binary("prometheus");
        Path promtool = binary("promtool");
        Instant end = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(5));
        Path om = dir.resolve("series.om");
        Files.writeString(om, openMetrics(end));
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        Path log = dir.resolve("prometheus.log");
        run(dir, log, promtool.toString(), "tsdb", "create-blocks-from", "openmetrics", om.toString(), data.toString());
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, "global:\n  scrape_interval: 1h\n");
        int port = freePort();
        Process p = new ProcessBuilder(prometheus.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + data, "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PrometheusServer server = new PrometheusServer(p, port, end, log);
        server.awaitReady();
        return server;
    }

    /** The binary from Debian's package, or a failure that says how to install it: never a skipped test. */
    static Path binary(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new AssertionError(name + " is not installed: the Prometheus tests need a real server, Debian's"
                + " package (" + INSTALL + "; .ci/run installs it)");
    }

    private static void run(Path dir, Path log, String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", argv) + " failed:\n" + Files.readString(log));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The series above as OpenMetrics text: each family's samples together, each series in time order. */
    static String openMetrics(Instant end) {
        StringBuilder om = new StringBuilder();
        family(om, "requests", end, List.of(new Line("version=\"41\"", 50), new Line("version=\"42\"", 50),
                new Line("version=\"40\"", 10)));
        family(om, "errors", end, List.of(new Line("version=\"41\"", 0.25), new Line("version=\"42\"", 0.2),
                new Line("version=\"40\"", 0.1)));
        family(om, "idle", end, List.of(new Line("version=\"41\"", 0), new Line("version=\"42\"", 0)));
        family(om, "shard", end, List.of(new Line("version=\"42\",shard=\"a\"", 1), new Line("version=\"42\",shard=\"b\"", 1),
                new Line("version=\"41\",shard=\"a\"", 1)));
        return om.append("# EOF\n").toString();
    }

    private record Line(String labels, double perSecond) {
    }

    private static void family(StringBuilder om, String name, Instant end, List<Line> lines) {
        om.append("# TYPE ").append(name).append(" counter\n");
        long last = end.getEpochSecond();
        long first = last - SPAN.getSeconds();
        for (Line line : lines) {
            for (long t = first; t <= last; t += STEP_SECONDS) {
                double value = line.perSecond() * (t - first) + 1000;
                om.append(name).append("_total{job=\"fraud\",").append(line.labels()).append("} ")
                        .append(String.format(Locale.ROOT, "%.3f", value)).append(' ').append(t).append('\n');
            }
        }
    }

    private void awaitReady() throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create(url() + "/-/ready")).timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("prometheus exited " + process.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                if (client.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        close();
        throw new IllegalStateException("prometheus was not ready within 90 s:\n" + Files.readString(log));
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Where the samples end: an evaluation at this instant sees all of them. */
    public Instant end() {
        return end;
    }

    /** Stops the server without ending it ({@code SIGSTOP}): it accepts connections and never answers. */
    public void freeze() throws Exception {
        signal("-STOP");
    }

    public void thaw() throws Exception {
        signal("-CONT");
    }

    private void signal(String which) throws Exception {
        Process kill = new ProcessBuilder("kill", which, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill " + which + " " + process.pid() + " failed");
        }
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            thaw();
        }
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
