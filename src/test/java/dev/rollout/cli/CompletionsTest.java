package dev.rollout.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The committed completion scripts are what the current commands generate. After changing a
 * command, regenerate them with: {@code mvn test -Dtest=CompletionsTest -Drollout.regenerate=true}.
 */
class CompletionsTest {

    static final Path DIR = Path.of("completions");

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"bash", "zsh"})
    void committedScriptsMatchTheCommands(String shell) throws Exception {
        CliRunner.Result r = new CliRunner().run("completion", shell);
        assertEquals(0, r.exit(), r.toString());
        Path file = DIR.resolve(shell.equals("bash") ? "rollout.bash" : "_rollout");
        if (Boolean.getBoolean("rollout.regenerate")) {
            Files.createDirectories(DIR);
            Files.writeString(file, r.out());
        }
        assertEquals(r.out(), Files.readString(file),
                file + " is stale: mvn test -Dtest=CompletionsTest -Drollout.regenerate=true");
    }

    @Test
    void bashParsesTheScriptAndCompletesEvToEvaluate() throws Exception {
        Path script = DIR.resolve("rollout.bash").toAbsolutePath();
        assertEquals(0, bash("bash -n " + script).exit, "bash -n passes");
        Run r = bash("source " + script + "\nCOMP_WORDS=(rollout ev); COMP_CWORD=1; COMP_LINE='rollout ev'; COMP_POINT=10\n"
                + "_complete_rollout rollout ev rollout\necho \"${COMPREPLY[@]}\"");
        assertEquals(0, r.exit, r.out);
        assertEquals("evaluate", r.out.trim());
        Run options = bash("source " + script + "\nCOMP_WORDS=(rollout advance --if); COMP_CWORD=2; COMP_LINE='rollout advance --if'; COMP_POINT=20\n"
                + "_complete_rollout rollout --if advance\necho \"${COMPREPLY[@]}\"");
        assertTrue(options.out.contains("--if-stage"), options.out);
    }

    record Run(int exit, String out) {
    }

    Run bash(String script) throws Exception {
        Path f = tmp.resolve("t.sh");
        Files.writeString(f, script + "\n");
        Process p = new ProcessBuilder(List.of("bash", f.toString())).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return new Run(p.exitValue(), out);
    }
}
