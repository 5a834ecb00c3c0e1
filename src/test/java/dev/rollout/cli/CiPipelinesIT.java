package dev.rollout.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.rollout.state.PgServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CI examples of {@code rollouts/ci/} run as written on the fraud-detector example: the GitHub
 * workflow's {@code run:} steps and the GitLab job's {@code script:} lines (taken from the YAML,
 * which cannot run here: the runners' parts, checkout and upload, are the platforms'), and the
 * crontab line. The rollout is installed from the release archive by the pipelines' own install
 * step (curl of a file:// URL).
 */
class CiPipelinesIT {

    static final Path CI = Path.of("rollouts/ci");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TempDir
    Path tmp;

    static String archiveUrl;

    @BeforeAll
    static void archive() {
        archiveUrl = ReleaseArchive.file().toUri().toString();
    }

    /** A repository holding the example and rollouts/ci, pushed to a bare origin, as the pipelines check it out. */
    private Path repository() throws Exception {
        Path repo = tmp.resolve("repo");
        ReleaseArchive.copy(Path.of("rollouts/fraud-detector"), repo.resolve("rollouts/fraud-detector"));
        ReleaseArchive.copy(CI, repo.resolve("rollouts/ci"));
        Files.writeString(repo.resolve(".gitignore"), ".rollout/\nrollout-report/\n");
        Path origin = tmp.resolve("origin.git");
        git(tmp, "init", "-q", "--bare", origin.toString());
        git(repo, "init", "-q");
        git(repo, "add", "-A");
        git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "example");
        git(repo, "remote", "add", "origin", origin.toString());
        git(repo, "push", "-q", "-u", "origin", "HEAD");
        return repo;
    }

    private void git(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        ReleaseArchive.Run r = ReleaseArchive.run(dir, ReleaseArchive.userEnv(tmp), cmd);
        assertEquals(0, r.exit(), cmd + ": " + r);
    }

    private String gitOut(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        ReleaseArchive.Run r = ReleaseArchive.run(dir, ReleaseArchive.userEnv(tmp), cmd);
        assertEquals(0, r.exit(), cmd + ": " + r);
        return r.out();
    }

    record Job(int exit, String log, String summary) {
    }

    private static final Pattern EXPRESSION = Pattern.compile("\\$\\{\\{\\s*([\\w.]+)\\s*}}");

    /**
     * One run of the workflow's job: each step's {@code run:} in bash as GitHub runs it
     * ({@code bash -e}), in the checkout, with the job's env (its {@code ${{ … }}} from
     * {@code context}), GITHUB_PATH honoured between steps and a step summary file.
     */
    private Job github(Path repo, Map<String, String> context, String now) throws Exception {
        JsonNode job = YAML.readTree(CI.resolve("github-actions.yml").toFile()).get("jobs").get("step");
        Path runner = Files.createDirectories(tmp.resolve("gh-" + now.replace(':', '-')));
        Map<String, String> env = ReleaseArchive.userEnv(Files.createDirectories(tmp.resolve("gh-home")));
        job.get("env").fields().forEachRemaining(e -> {
            Matcher m = EXPRESSION.matcher(e.getValue().asText());
            env.put(e.getKey(), m.replaceAll(r -> Matcher.quoteReplacement(context.getOrDefault(r.group(1), ""))));
        });
        Path path = Files.writeString(runner.resolve("path"), "");
        Path summary = Files.writeString(runner.resolve("summary.md"), "");
        env.put("GITHUB_PATH", path.toString());
        env.put("GITHUB_STEP_SUMMARY", summary.toString());
        env.put("ROLLOUT_NOW", now);
        StringBuilder log = new StringBuilder();
        int exit = 0;
        for (JsonNode step : job.get("steps")) {
            if (!step.has("run")) {
                assertTrue(step.get("uses").asText().matches("actions/(checkout|setup-java|upload-artifact)@v4"), step.toString());
                continue;
            }
            Path script = Files.writeString(runner.resolve("step.sh"), step.get("run").asText());
            ReleaseArchive.Run r = ReleaseArchive.run(repo, env, List.of("bash", "--noprofile", "--norc", "-eo", "pipefail", script.toString()));
            log.append(r.out()).append(r.err());
            for (String dir : Files.readAllLines(path)) {
                env.put("PATH", dir + ":" + env.get("PATH"));
            }
            if (r.exit() != 0) {
                exit = r.exit();
                break;
            }
        }
        return new Job(exit, log.toString(), Files.readString(summary));
    }

    @Test
    void theGithubWorkflowStartsPromotesHoldsAndFailsOnRollbackCommittingTheStateBack() throws Exception {
        Path repo = repository();
        Map<String, String> context = new HashMap<>(Map.of("vars.ROLLOUT_ARCHIVE_URL", archiveUrl,
                "github.repository", "acme/models"));

        Job start = github(repo, context, "2026-03-02T08:00:00Z");
        assertEquals(0, start.exit(), start.log());
        assertTrue(start.summary().contains("STARTED"), start.summary());
        assertTrue(Files.isExecutable(tmp.resolve("gh-home/.local/bin/rollout")), "installed from the archive");
        assertTrue(start.log().contains("engines: duckdb_jdbc-2.0.0.1 (from "), "the install step logs rollout --version: " + start.log());
        // The state went back to the repository: the origin has it.
        String files = gitOut(tmp.resolve("origin.git"), "ls-tree", "-r", "--name-only", "HEAD");
        assertTrue(files.contains("rollouts/fraud-detector/.rollout/fraud-detector.state.json"), files);
        assertTrue(files.contains("rollouts/fraud-detector/.rollout/fraud-detector.history.jsonl"), files);
        assertTrue(!files.contains(".lock"), files);

        context.put("vars.ROLLOUT_METRICS", "rollouts/fraud-detector/exports/offline.csv");
        Job promote = github(repo, context, "2026-03-02T09:00:00Z");
        assertEquals(0, promote.exit(), promote.log());
        assertTrue(promote.summary().contains("**PROMOTE**") && promote.summary().contains("| metric |"), promote.summary());
        assertTrue(promote.summary().contains("moved from offline to shadow"), promote.summary());
        assertTrue(Files.readString(repo.resolve("rollout-report/status.json")).contains("\"name\" : \"shadow\""));
        assertTrue(Files.readString(repo.resolve("rollout-report/report.html")).contains("fraud-detector"));
        assertTrue(Files.isRegularFile(repo.resolve("rollout-report/history.json")));

        // A retry of that job at once: the new stage has no data yet, HOLD, the job passes with a notice; nothing moved twice.
        Job retry = github(repo, context, "2026-03-02T09:00:00Z");
        assertEquals(0, retry.exit(), retry.log());
        assertTrue(retry.log().contains("::notice title=rollout HOLD::"), retry.log());
        assertTrue(Files.readString(repo.resolve("rollout-report/status.json")).contains("\"name\" : \"shadow\""));

        context.put("vars.ROLLOUT_METRICS", "rollouts/fraud-detector/exports/canary-25-regressed.csv");
        Job rollback = github(repo, context, "2026-03-02T21:00:00Z");
        assertEquals(4, rollback.exit(), rollback.log());
        assertTrue(rollback.log().contains("::error title=rollout ROLLBACK::"), rollback.log());
        assertTrue(rollback.summary().contains("**ROLLBACK**"), rollback.summary());
        assertEquals(4, gitOut(repo, "log", "--oneline", "@{u}").lines().count() - 1, "one state commit a run");
    }

    /**
     * One GitLab job: its {@code script:} lines in one bash, stopping at the first that fails, as
     * the runner does, with its variables and the project's ({@code project}).
     */
    private int gitlab(Path repo, Map<String, String> project, String now, StringBuilder log) throws Exception {
        JsonNode job = YAML.readTree(CI.resolve("gitlab-ci.yml").toFile()).get("rollout-fraud-detector");
        Map<String, String> env = ReleaseArchive.userEnv(Files.createDirectories(tmp.resolve("gl-home")));
        env.putAll(project);
        env.put("CI_PROJECT_PATH", "acme/models");
        job.get("variables").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText().replace("$CI_PROJECT_PATH", "acme/models")));
        env.put("ROLLOUT_NOW", now);
        StringBuilder script = new StringBuilder("set -eo pipefail\n");
        for (JsonNode line : job.get("script")) {
            script.append(line.asText()).append('\n');
        }
        Path file = Files.writeString(tmp.resolve("gitlab.sh"), script);
        ReleaseArchive.Run r = ReleaseArchive.run(repo, env, List.of("bash", "--noprofile", "--norc", file.toString()));
        log.append(r);
        return r.exit();
    }

    @Test
    void theGitlabJobKeepsTheStateInPostgresqlAndAllowsOnlyHoldToFail() throws Exception {
        JsonNode job = YAML.readTree(CI.resolve("gitlab-ci.yml").toFile()).get("rollout-fraud-detector");
        assertEquals("[3]", job.get("allow_failure").get("exit_codes").toString(), "HOLD passes with a warning, nothing else");
        assertEquals("always", job.get("artifacts").get("when").asText());
        assertEquals("rollout-report/", job.get("artifacts").get("paths").get(0).asText());

        Path repo = repository();
        String url = PgServer.url(PgServer.freshSchema());
        Map<String, String> project = new HashMap<>(Map.of("ROLLOUT_ARCHIVE_URL", archiveUrl, "ROLLOUT_STATE", url,
                "PGPASSWORD", PgServer.PASSWORD));
        StringBuilder log = new StringBuilder();
        assertEquals(0, gitlab(repo, project, "2026-03-02T08:00:00Z", log), log.toString());
        project.put("ROLLOUT_METRICS", "rollouts/fraud-detector/exports/offline.csv");
        assertEquals(0, gitlab(repo, project, "2026-03-02T09:00:00Z", log), log.toString());
        assertTrue(log.toString().contains("**PROMOTE**"), "the summary is in the job log: " + log);
        assertEquals(3, gitlab(repo, project, "2026-03-02T09:00:00Z", log), log.toString());
        project.put("ROLLOUT_METRICS", "rollouts/fraud-detector/exports/canary-25-regressed.csv");
        assertEquals(4, gitlab(repo, project, "2026-03-02T21:00:00Z", log), log.toString());
        assertTrue(!log.toString().contains(PgServer.PASSWORD), "the password is never printed");
        assertTrue(!Files.exists(repo.resolve("rollouts/fraud-detector/.rollout/fraud-detector.state.json")),
                "the state is in PostgreSQL, not beside the spec");
        String status = Files.readString(repo.resolve("rollout-report/status.json"));
        assertTrue(status.contains("\"name\" : \"shadow\"") && status.contains("postgresql://"), status);
    }

    @Test
    void theCrontabLineRunsAStepFromCronsBareEnvironment() throws Exception {
        String line = Files.readAllLines(CI.resolve("crontab")).stream().filter(l -> !l.isBlank() && !l.startsWith("#"))
                .findFirst().orElseThrow();
        String[] fields = line.split("\\s+", 6);
        assertEquals("17 * * * *", String.join(" ", List.of(fields).subList(0, 5)));
        String command = fields[5];
        assertTrue(!command.contains("flock") && !command.contains("%"), "no flock; no % (cron's newline)");
        Path home = Files.createDirectories(tmp.resolve("cron-home"));
        ReleaseArchive.unpack(home.resolve(".local"));
        Map<String, String> install = ReleaseArchive.userEnv(home);
        install.put("ROLLOUT_CDS", "now"); // as README installs it: the start-up archive built now, not behind the first cron run
        ReleaseArchive.Run installed = ReleaseArchive.run(home, install, List.of(home.resolve(".local/bin/rollout").toString(), "--version"));
        assertEquals(0, installed.exit(), installed.toString());
        Path models = home.resolve("models");
        ReleaseArchive.copy(Path.of("rollouts/fraud-detector"), models.resolve("rollouts/fraud-detector"));
        ReleaseArchive.copy(CI, models.resolve("rollouts/ci"));
        // What cron gives a job: HOME, a short PATH, SHELL; no JAVA_HOME (java is found on PATH).
        Map<String, String> env = new HashMap<>(Map.of("HOME", home.toString(), "SHELL", "/bin/sh",
                "PATH", Path.of(System.getProperty("java.home"), "bin") + ":/usr/bin:/bin", "LOGNAME", "ci"));
        env.put("ROLLOUT_NOW", "2026-03-02T08:00:00Z");
        assertEquals(0, ReleaseArchive.run(home, env, List.of("/bin/sh", "-c", command)).exit(), Files.readString(home.resolve("rollout.log")));
        Files.copy(models.resolve("rollouts/fraud-detector/exports/offline.csv"), Files.createDirectories(models.resolve("exports")).resolve("latest.csv"));
        env.put("ROLLOUT_NOW", "2026-03-02T09:00:00Z");
        ReleaseArchive.Run r = ReleaseArchive.run(home, env, List.of("/bin/sh", "-c", command));
        String log = Files.readString(home.resolve("rollout.log"));
        assertEquals(0, r.exit(), log);
        assertEquals("", r.out() + r.err(), "everything goes to the log, nothing to cron's mail");
        assertTrue(log.contains("wrote "), log);
        String summary = Files.readString(home.resolve("rollout-report/summary.md"));
        assertTrue(summary.contains("**PROMOTE**") && summary.contains("moved from offline to shadow"), summary);
        assertTrue(Files.isRegularFile(models.resolve("rollouts/fraud-detector/.rollout/fraud-detector.state.json")));
    }
}
