package dev.rollout;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sealed types are dispatched exhaustively (each has a {@code match} with one function per
 * variant), never by {@code instanceof} or a cast: those compile when a variant is added and
 * then take the new variant for an old one at run time.
 */
class SealedDispatchTest {

    private static final Path MAIN = Path.of("src/main/java");

    @Test
    void noSealedTypeIsTestedWithInstanceofOrCast() throws IOException {
        Set<String> sealed = new TreeSet<>();
        Pattern declaration = Pattern.compile("sealed interface (\\w+)\\s+permits");
        for (Path file : sources()) {
            Matcher m = declaration.matcher(Files.readString(file));
            while (m.find()) {
                sealed.add(m.group(1));
            }
        }
        assertTrue(sealed.containsAll(Set.of("Normalize", "RollbackTarget", "YamlNode", "EventDetails", "MetricSource")), sealed.toString());
        String names = String.join("|", sealed);
        Pattern use = Pattern.compile("instanceof\\s+(?:[\\w.]+\\.)?(?:" + names + ")\\b"
                + "|\\(\\s*(?:[\\w.]+\\.)?(?:" + names + ")\\.\\w+\\s*\\)\\s*\\w");
        List<String> found = new ArrayList<>();
        for (Path file : sources()) {
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                if (use.matcher(lines.get(i)).find()) {
                    found.add(MAIN.relativize(file) + ":" + (i + 1) + ": " + lines.get(i).strip());
                }
            }
        }
        assertEquals(List.of(), found);
    }

    private static List<Path> sources() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN)) {
            return files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }
}
