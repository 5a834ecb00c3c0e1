package dev.rollout.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HelpTest {

    @ParameterizedTest
    @ValueSource(strings = {"plan", "evaluate", "advance", "rollback", "approve", "status", "history", "report", "init",
            "schema", "completion"})
    void everyCommandsHelpEndsWithExamples(String command) {
        CliRunner.Result r = new CliRunner().run(command, "--help");
        assertEquals(0, r.exit(), r.toString());
        String help = r.out();
        int examples = help.lastIndexOf("Examples:\n");
        assertTrue(examples > 0, help);
        assertTrue(help.substring(examples).lines().skip(1).allMatch(l -> l.contains("rollout ") || l.startsWith("  #")
                || l.isBlank()), help);
    }

    @Test
    void versionComesFromTheBuild() {
        CliRunner.Result r = new CliRunner().run("--version");
        assertEquals(0, r.exit());
        assertTrue(r.out().matches("rollout \\d+\\.\\d+\\.\\d+\\S*\\n"), r.out());
    }
}
