package dev.rollout.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The committed man pages are what the current commands generate, one per command. After
 * changing a command, regenerate them with: {@code mvn test -Dtest=ManPagesTest -Drollout.regenerate=true}.
 * (The release archive's pages are written by {@code mvn package} itself; ArchiveIT renders them with man.)
 */
class ManPagesTest {

    static final Path DIR = Path.of("src/main/man");

    @Test
    void committedPagesMatchTheCommands() throws Exception {
        Map<String, String> pages = ManPages.pages(Cli.build(new CliRunner().env()));
        if (Boolean.getBoolean("rollout.regenerate")) {
            Files.createDirectories(DIR);
            try (Stream<Path> old = Files.list(DIR)) {
                for (Path p : old.toList()) {
                    Files.delete(p);
                }
            }
            for (Map.Entry<String, String> page : pages.entrySet()) {
                Files.writeString(DIR.resolve(page.getKey()), page.getValue());
            }
        }
        try (Stream<Path> committed = Files.list(DIR)) {
            assertEquals(new TreeSet<>(pages.keySet()), new TreeSet<>(committed.map(p -> p.getFileName().toString()).toList()),
                    "src/main/man/ has a page per command and no other: mvn test -Dtest=ManPagesTest -Drollout.regenerate=true");
        }
        for (Map.Entry<String, String> page : pages.entrySet()) {
            assertEquals(page.getValue(), Files.readString(DIR.resolve(page.getKey())),
                    "src/main/man/" + page.getKey() + " is stale: mvn test -Dtest=ManPagesTest -Drollout.regenerate=true");
        }
    }

    @Test
    void everyCommandHasAPageNamedLikeGitsAndEveryOptionIsInIt() {
        Map<String, String> pages = ManPages.pages(Cli.build(new CliRunner().env()));
        for (String sub : RolloutCommand.SUBCOMMANDS.keySet()) {
            assertTrue(pages.containsKey("rollout-" + sub + ".1"), sub + ": " + pages.keySet());
        }
        assertTrue(pages.keySet().containsAll(List.of("rollout.1", "rollout-state-push.1", "rollout-state-pull.1")), pages.keySet().toString());
        String evaluate = pages.get("rollout-evaluate.1");
        for (var option : Cli.build(new CliRunner().env()).getSubcommands().get("evaluate").getCommandSpec().options()) {
            for (String name : option.names()) {
                assertTrue(evaluate.contains("\\fB" + ManPages.escaped(name) + "\\fR"), name + " in\n" + evaluate);
            }
        }
    }
}
