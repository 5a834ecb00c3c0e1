package dev.rollout.metrics;

import dev.rollout.RolloutException;
import dev.rollout.RolloutException.Location;
import dev.rollout.spec.DataSpec;
import dev.rollout.spec.LabelsSpec;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.DuplicateHeaderMode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Labels that arrived after the predictions ({@code --labels}): one row per key, read from CSV
 * files (gzipped when named {@code .gz}) into memory, key → label text. That is the one part
 * of a read that grows with the data: at most {@link #MAX} labels, each costing its key's and
 * label's text and about 100 bytes besides, so ten million labels need about 1.5 GB of heap.
 * Parquet files and a named source ({@code data.labels.source}) come with the sources issue.
 */
public final class Labels {

    /** Labels held at most: past it the read stops with an error rather than running out of memory. */
    public static final int MAX = 10_000_000;

    private final Map<String, String> byKey;
    private final List<String> files;

    private Labels(Map<String, String> byKey, List<String> files) {
        this.byKey = byKey;
        this.files = files;
    }

    /** The label of the prediction with {@code key}; null when none has arrived. */
    String label(String key) {
        return byKey.get(key);
    }

    /** Labels read, over every file. */
    public long size() {
        return byKey.size();
    }

    /** The files read, as given. */
    public List<String> files() {
        return files;
    }

    /**
     * Reads {@code paths} in order. A key on two rows, in one file or two, is an error naming
     * both; a row whose label cell is missing (one of data.missing's words) gives its prediction no label.
     */
    public static Labels read(List<Path> paths, LabelsSpec spec, DataSpec data) {
        Map<String, String> byKey = new HashMap<>();
        for (Path path : paths) {
            read(path, spec, data, byKey, paths);
        }
        return new Labels(byKey, paths.stream().map(Path::toString).toList());
    }

    private static void read(Path path, LabelsSpec spec, DataSpec data, Map<String, String> byKey, List<Path> all) {
        String file = path.toString();
        try (CSVParser parser = parser(path, data)) {
            List<String> header = parser.getHeaderNames();
            int key = column(header, spec.key(), "data.labels.key", file);
            int actual = column(header, spec.actual(), "data.labels.actual", file);
            for (CSVRecord record : parser) {
                long line = parser.getCurrentLineNumber();
                if (record.size() != header.size()) {
                    throw RolloutException.input(Location.of(file, (int) line, 0, null), "this row has " + record.size()
                            + " fields, the header has " + header.size());
                }
                String k = record.get(key).strip();
                String label = record.get(actual).strip();
                if (byKey.containsKey(k)) {
                    throw duplicate(all, spec, data, k, file, line);
                }
                if (byKey.size() >= MAX) {
                    throw RolloutException.input(Location.of(file, (int) line, 0, spec.key()), "more than " + MAX
                            + " labels; evaluate a shorter window's labels");
                }
                // A missing label is kept as null: its prediction has no label, and its key still cannot come twice.
                byKey.put(k, data.missing().contains(label) ? null : label);
            }
        } catch (NoSuchFileException e) {
            throw RolloutException.input(Location.file(file), "no such file");
        } catch (IOException | UncheckedIOException e) {
            throw RolloutException.input(Location.file(file), "cannot read the labels: "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
        }
    }

    private static int column(List<String> header, String name, String specKey, String file) {
        int at = header.indexOf(name);
        if (at < 0) {
            throw RolloutException.input(Location.of(file, 1, 0, "column " + Cells.shown(name)), "column '"
                    + Cells.shown(name) + "' (" + specKey + " in the spec) is not in the header of " + file);
        }
        return at;
    }

    /** Both lines of a key found twice: the first is found by reading the files again, so no line is kept per label. */
    private static RolloutException duplicate(List<Path> all, LabelsSpec spec, DataSpec data, String key, String file,
                                              long line) {
        String first = "";
        search:
        for (Path path : all) {
            try (CSVParser parser = parser(path, data)) {
                int k = parser.getHeaderNames().indexOf(spec.key());
                for (CSVRecord record : parser) {
                    if (record.get(k).strip().equals(key)) {
                        first = path + " line " + parser.getCurrentLineNumber();
                        break search;
                    }
                }
            } catch (IOException | UncheckedIOException e) {
                break; // the error below still names the second line
            }
        }
        return RolloutException.input(Location.of(file, (int) line, 0, spec.key()), "key " + Cells.quoted(key)
                + " has a label already, on " + first + "; a label file has one row per prediction");
    }

    private static CSVParser parser(Path path, DataSpec data) throws IOException {
        InputStream raw = Files.newInputStream(path);
        InputStream bytes = path.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
        BufferedReader reader = new BufferedReader(new InputStreamReader(bytes, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)), 1 << 16);
        CSVFormat format = CSVFormat.RFC4180.builder().setDelimiter(data.delimiter()).setHeader().setSkipHeaderRecord(true)
                .setDuplicateHeaderMode(DuplicateHeaderMode.DISALLOW).setIgnoreEmptyLines(true).get();
        try {
            return CSVParser.builder().setReader(reader).setFormat(format).get();
        } catch (IllegalArgumentException e) {
            reader.close();
            throw new IOException("bad header: " + e.getMessage(), e);
        }
    }
}
