package dev.rollout.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

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

    /**
     * A run builds only the subcommand it runs; the full command line must be the same
     * commands under the same names, and a command's help, options and errors the same
     * whether it was built alone or among all.
     */
    @Test
    void aCommandBuiltAloneIsTheCommandBuiltAmongAll() {
        var all = Cli.build(new CliRunner().env());
        assertEquals(List.copyOf(RolloutCommand.SUBCOMMANDS.keySet()), List.copyOf(all.getSubcommands().keySet()));
        for (Map.Entry<String, Class<?>> e : RolloutCommand.SUBCOMMANDS.entrySet()) {
            assertEquals(e.getKey(), e.getValue().getAnnotation(picocli.CommandLine.Command.class).name());
            var alone = Cli.build(new CliRunner().env(), e.getKey());
            assertEquals(List.of(e.getKey()), List.copyOf(alone.getSubcommands().keySet()));
            assertEquals(all.getSubcommands().get(e.getKey()).getUsageMessage(), alone.getSubcommands().get(e.getKey()).getUsageMessage());
        }
        assertEquals("status", Cli.only(new String[] {"status", "--dir", "x"}));
        assertEquals(null, Cli.only(new String[] {"completion", "bash"}), "completion describes every command");
        assertEquals(null, Cli.only(new String[] {"statsu"}), "a typo gets suggestions from every command");
        assertEquals(null, Cli.only(new String[] {"--help"}));
        assertEquals(null, Cli.only(new String[0]));
        CliRunner.Result typo = new CliRunner().run("statsu");
        assertEquals(2, typo.exit());
        assertTrue(typo.err().contains("Did you mean: ") && typo.err().contains("rollout status"), typo.err());
        CliRunner.Result badOption = new CliRunner().run("status", "--nope");
        assertEquals(2, badOption.exit());
        assertTrue(badOption.err().contains("Try 'rollout status --help'"), badOption.err());
    }

    @Test
    void versionComesFromTheBuild() {
        CliRunner.Result r = new CliRunner().run("--version");
        assertEquals(0, r.exit());
        // Its first line; VersionTest checks the build, Java and engine lines that follow.
        assertTrue(r.out().lines().findFirst().orElse("").matches("rollout \\d+\\.\\d+\\.\\d+\\S*"), r.out());
    }
}
