package dev.rollout.metrics.sql;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The class loader of the optional driver jars. DuckDB's jar carries its native library
 * (71 MB for linux-amd64) and unpacks it into a new temporary file at every start: half a
 * second of every run that reads Parquet or a DuckDB source. This loader unpacks it once
 * into the user's cache ({@code $XDG_CACHE_HOME/rollout}, else {@code ~/.cache/rollout},
 * a folder only its owner may use), named by the entry's size and CRC so that another
 * DuckDB version gets its own copy, and hides the jar's entry so that the driver asks the
 * loader for the library ({@link #findLibrary}) instead. When there is no cache to write,
 * or anything about it fails, the driver unpacks its library as it always did.
 */
final class DriverLoader extends URLClassLoader {

    /** DuckDB's name for its library: {@code System.loadLibrary("duckdb_java")}. */
    private static final String DUCKDB = "duckdb_java";

    private final Optional<Path> cache;
    /** The native entry this platform's DuckDB looks for in its jar, and the copy unpacked from it. */
    private String entry;
    private Path unpacked;

    DriverLoader(URL[] jars, ClassLoader parent, Optional<Path> cache) {
        super(jars, parent);
        this.cache = cache;
    }

    /** The cache folder of {@code xdgCacheHome} or {@code home}; empty with neither. */
    static Optional<Path> cacheOf(Optional<String> xdgCacheHome, Optional<String> home) {
        return xdgCacheHome.filter(s -> !s.isBlank()).map(Path::of)
                .or(() -> home.filter(s -> !s.isBlank()).map(h -> Path.of(h, ".cache")))
                .filter(Path::isAbsolute)
                .map(p -> p.resolve("rollout"));
    }

    /** The entry DuckDB's loader computes for this platform: {@code libduckdb_java.so_linux_amd64}. */
    static String duckDbEntry(String osName, String osArch) {
        String os = osName.toLowerCase(Locale.ROOT);
        String arch = osArch.toLowerCase(Locale.ROOT);
        String o = os.startsWith("mac") || os.startsWith("darwin") ? "macos" : os.startsWith("windows") ? "windows" : "linux";
        String a = arch.equals("aarch64") || arch.equals("arm64") ? "arm64" : "amd64";
        return "libduckdb_java.so_" + o + "_" + a;
    }

    @Override
    public URL findResource(String name) {
        if (name.startsWith("libduckdb_java.so_") && unpack(name).isPresent()) {
            return null; // the driver then calls System.loadLibrary, and this loader names the copy
        }
        return super.findResource(name);
    }

    @Override
    protected String findLibrary(String libname) {
        if (libname.equals(DUCKDB)) {
            Optional<Path> copy = unpack(entry != null ? entry : duckDbEntry(System.getProperty("os.name"), System.getProperty("os.arch")));
            if (copy.isPresent()) {
                return copy.get().toString();
            }
        }
        return super.findLibrary(libname);
    }

    /** The unpacked copy of {@code name}, one of the jars' entries, made now if it is not in the cache yet. */
    private synchronized Optional<Path> unpack(String name) {
        if (unpacked != null && name.equals(entry)) {
            return Optional.of(unpacked);
        }
        if (cache.isEmpty()) {
            return Optional.empty();
        }
        for (URL url : getURLs()) {
            Optional<Path> copy = unpack(url, name, cache.get());
            if (copy.isPresent()) {
                entry = name;
                unpacked = copy.get();
                return copy;
            }
        }
        return Optional.empty();
    }

    private static Optional<Path> unpack(URL jar, String name, Path cache) {
        if (!"file".equals(jar.getProtocol())) {
            return Optional.empty();
        }
        try (ZipFile zip = new ZipFile(Path.of(jar.toURI()).toFile())) {
            ZipEntry e = zip.getEntry(name);
            if (e == null || e.getSize() <= 0 || e.getCrc() < 0) {
                return Optional.empty();
            }
            Path copy = cache.resolve(String.format(Locale.ROOT, "%s-%08x-%d.so", name, e.getCrc(), e.getSize()));
            if (Files.isRegularFile(copy) && Files.size(copy) == e.getSize()) {
                return Optional.of(copy);
            }
            if (!Files.isDirectory(cache)) {
                Files.createDirectories(cache, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            // Written whole under a name of its own, then moved into place: two runs starting at once both succeed.
            Path part = Files.createTempFile(cache, name, ".part");
            try (InputStream in = zip.getInputStream(e)) {
                Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
                try {
                    Files.move(part, copy, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException notAtomic) {
                    Files.move(part, copy, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(part);
            }
            return Files.size(copy) == e.getSize() ? Optional.of(copy) : Optional.empty();
        } catch (IOException | java.net.URISyntaxException | UnsupportedOperationException | SecurityException e) {
            return Optional.empty(); // no cache to write: the driver unpacks its own library, as before
        }
    }
}
