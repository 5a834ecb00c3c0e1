package dev.rollout.spec;

import dev.rollout.RolloutException;
import dev.rollout.RolloutException.Location;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The files a spec names under {@code include}: metric libraries shared by many specs. Each is
 * a YAML mapping of {@code metrics}, {@code data} and {@code include}, read relative to the file
 * that names it. Refused: a cycle, a file outside the repository root (the nearest directory
 * above the spec that holds {@code .git}, else the spec's own directory), and nesting deeper
 * than {@link #MAX_DEPTH}, so a spec can neither loop nor reach into the rest of the disk.
 */
final class Includes {

    static final int MAX_DEPTH = 4;

    /**
     * One included file.
     *
     * @param file  the file as errors name it: its path relative to the spec's, joined to how the spec was named
     * @param node  its top-level mapping
     * @param bytes its content, for the digest
     */
    record Library(String file, SpecNode node, byte[] bytes) {
    }

    private Includes() {
    }

    /** Every file {@code spec} includes, depth first, each before the files it includes itself. */
    static List<Library> read(SpecNode spec, String file, Optional<Path> path) {
        List<SpecNode.Item> items = spec.list("include");
        if (items.isEmpty()) {
            return List.of();
        }
        if (path.isEmpty()) {
            throw spec.errorAt("include", "include needs a spec read from a file, to find the files relative to it");
        }
        Path real = realPath(spec, items.get(0), path.get(), file);
        Path root = repositoryRoot(real.getParent());
        List<Library> out = new ArrayList<>();
        walk(spec, file, real, root, new ArrayList<>(List.of(new Visit(real, file))), out);
        return List.copyOf(out);
    }

    /** A file on the way from the spec to the one being read. */
    private record Visit(Path real, String file) {
    }

    private static void walk(SpecNode node, String file, Path real, Path root, List<Visit> chain, List<Library> out) {
        for (SpecNode.Item item : node.list("include")) {
            String name = item.value().value().map(YamlNode.Scalar::text).filter(t -> !t.isBlank())
                    .orElseThrow(() -> node.error(item.value(), item.path(), "must be a file name, such as ../metrics/classifier.yaml"));
            String shown = Path.of(file).resolveSibling(name).normalize().toString();
            if (chain.size() > MAX_DEPTH) {
                throw node.error(item.value(), item.path(), "'" + name + "' would be included " + chain.size()
                        + " levels deep (" + names(chain) + " -> " + shown + "); includes nest at most " + MAX_DEPTH + " deep");
            }
            Path target = realPath(node, item, real.resolveSibling(name), name);
            if (!target.startsWith(root)) {
                throw node.error(item.value(), item.path(), "'" + name + "' is outside the repository root " + root
                        + " (the nearest directory above the spec with .git, else the spec's directory)");
            }
            for (Visit v : chain) {
                if (v.real().equals(target)) {
                    throw node.error(item.value(), item.path(), "include cycle: " + names(chain) + " -> " + shown);
                }
            }
            byte[] bytes = bytes(node, item, target, shown);
            SpecNode library = SpecNode.of(shown, "", YamlTreeReader.read(shown, SpecLoader.text(shown, bytes)));
            out.add(new Library(shown, library, bytes));
            List<Visit> deeper = new ArrayList<>(chain);
            deeper.add(new Visit(target, shown));
            walk(library, shown, target, root, deeper, out);
        }
    }

    private static String names(List<Visit> chain) {
        return String.join(" -> ", chain.stream().map(Visit::file).toList());
    }

    private static Path realPath(SpecNode node, SpecNode.Item item, Path path, String name) {
        try {
            return path.toRealPath();
        } catch (NoSuchFileException e) {
            throw node.error(item.value(), item.path(), "'" + name + "': no such file");
        } catch (IOException e) {
            throw node.error(item.value(), item.path(), "'" + name + "': cannot read: " + e.getMessage());
        }
    }

    private static byte[] bytes(SpecNode node, SpecNode.Item item, Path target, String shown) {
        try {
            if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
                throw node.error(item.value(), item.path(), "'" + shown + "' is not a regular file");
            }
            long size = Files.size(target);
            if (size > YamlTreeReader.MAX_BYTES) {
                throw RolloutException.input(Location.file(shown), "the included file is " + size + " bytes; the limit is 1 MiB");
            }
            return Files.readAllBytes(target);
        } catch (IOException e) {
            throw RolloutException.input(Location.file(shown), "cannot read: " + e.getMessage());
        }
    }

    /** The nearest directory from {@code dir} up that holds {@code .git} (a directory, or a worktree's file); else {@code dir}. */
    static Path repositoryRoot(Path dir) {
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.exists(d.resolve(".git"), LinkOption.NOFOLLOW_LINKS)) {
                return d;
            }
        }
        return dir;
    }

    /**
     * SHA-256 of the spec's bytes, and of every included file's name and bytes after them. A spec
     * without includes keeps the digest of its bytes alone, the one its state was written with.
     */
    static String digest(byte[] spec, List<Library> libraries) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        sha.update(spec);
        for (Library library : libraries) {
            // Lengths before contents, so no two different sets of files give the same stream of bytes.
            byte[] name = library.file().getBytes(StandardCharsets.UTF_8);
            sha.update(("\0include " + name.length + " " + library.bytes().length + "\0").getBytes(StandardCharsets.UTF_8));
            sha.update(name);
            sha.update(library.bytes());
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
