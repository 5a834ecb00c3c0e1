package dev.rollout.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `rollout report`: one self-contained page; nothing from a spec or the history can inject markup. */
class ReportTest {

    @TempDir
    Path tmp;

    Path walk() throws Exception {
        Path dir = CliRunner.copyExample("fraud-detector", tmp);
        String spec = dir.resolve("rollout.yaml").toString();
        String exports = dir.resolve("exports").toString();
        CliRunner cli = new CliRunner();
        cli.at("2026-03-02T08:00:00Z").run("advance", spec);
        cli.at("2026-03-02T09:00:00Z").run("advance", spec, "--metrics", exports + "/offline.csv");
        cli.at("2026-03-02T09:40:00Z").run("evaluate", spec, "--metrics", exports + "/shadow.csv");
        cli.at("2026-03-02T11:00:00Z").run("advance", spec, "--metrics", exports + "/shadow.csv");
        cli.actor("<script>alert('x')</script>").run("approve", spec, "--by", "<img src=x onerror=alert(1)>", "--reason", "a & b");
        return dir;
    }

    @Test
    void theReportIsOneSelfContainedPageWithTheChartAndTheLastEvaluation() throws Exception {
        Path dir = walk();
        Path out = tmp.resolve("out/report.html");
        CliRunner.Result r = new CliRunner().at("2026-03-02T12:00:00Z").run("report", dir.resolve("rollout.yaml").toString(), "--out", out.toString());
        assertEquals(0, r.exit(), r.toString());
        String html = Files.readString(out);
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        Matcher circles = Pattern.compile("<circle ").matcher(html);
        int n = 0;
        while (circles.find()) {
            n++;
        }
        assertEquals(3, n, "one point per recorded evaluation");
        assertTrue(html.contains("promote 0.7") && html.contains("rollback 0.5"), "threshold lines");
        assertTrue(html.contains(">offline</text>") && html.contains(">shadow</text>") && html.contains(">canary-5</text>"), "stage bands");
        assertTrue(html.contains("<th>metric</th><th>baseline</th><th>candidate</th>"), "the last evaluation's metrics");
        assertFalse(html.contains("<script"), "no script, and no injected one");
        assertFalse(html.contains("<img"), "no injected markup");
        assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), "the actor is escaped");
        assertTrue(html.contains("a &amp; b"));
        assertFalse(Pattern.compile("<[^>]*\\s(src|href)=|url\\(|@import|https?://(?!www\\.w3\\.org/2000/svg)").matcher(html).find(),
                "no external asset or network reference");
    }

    @Test
    void headlessChromiumRendersTheReport() throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        Assumptions.assumeTrue(Files.isExecutable(chromium), "Debian chromium is not installed (apt-get install chromium)");
        Path dir = walk();
        Path out = tmp.resolve("report.html");
        new CliRunner().at("2026-03-02T12:00:00Z").run("report", dir.resolve("rollout.yaml").toString(), "--out", out.toString());
        Path png = tmp.resolve("report.png");
        Process p = new ProcessBuilder(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + tmp.resolve("profile"), "--window-size=940,900",
                "--screenshot=" + png, "file://" + out)).redirectErrorStream(true).redirectOutput(tmp.resolve("chromium.log").toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "chromium finished");
        assertTrue(Files.exists(png) && Files.size(png) > 20_000, "a screenshot with content: " + Files.readString(tmp.resolve("chromium.log")));
    }
}
