package dev.rollout.metrics.sql;

import dev.rollout.RolloutException;
import dev.rollout.metrics.Labels;
import dev.rollout.metrics.MeasurePlan;
import dev.rollout.metrics.MetricsReport;
import dev.rollout.metrics.Provenance;
import dev.rollout.metrics.Reading;
import dev.rollout.metrics.Source;
import dev.rollout.metrics.SourceContext;
import dev.rollout.metrics.Tally;
import dev.rollout.metrics.Window;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.FutureTask;

/**
 * Parquet files named by {@code --metrics}, read through an in-process DuckDB
 * ({@code read_parquet}) with the same {@code data:} rules as a CSV export: each file is one
 * relation measured by {@link SqlRead} into one tally, and recorded with its own sha256 and rows.
 */
public final class ParquetSource implements Source {

    private final List<Path> files;
    private final SourceContext context;

    public ParquetSource(List<Path> files, SourceContext context) {
        this.files = List.copyOf(files);
        this.context = context;
    }

    /** Whether {@code file} is read as Parquet: by its extension, as a CSV export is by its own. */
    public static boolean isParquet(Path file) {
        return file.getFileName() != null && file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".parquet");
    }

    @Override
    public MetricsReport measure(MeasurePlan plan, Window window, Reading reading) {
        for (Path file : files) {
            readable(file); // before the engine starts: a missing file is said plainly
        }
        // The files' hashes on a thread of their own while the engine loads and reads them.
        FutureTask<List<String>> digests = new FutureTask<>(() -> files.stream().map(ParquetSource::sha256).toList());
        Thread hashing = new Thread(digests, "rollout-hash");
        hashing.setDaemon(true);
        hashing.start();
        Tally tally = plan.tally();
        List<Provenance> read = new ArrayList<>();
        String who = files.get(0).toString();
        try (Connection c = Drivers.connect(who, "jdbc:duckdb:", new Properties(), context)) {
            for (int f = 0; f < files.size(); f++) {
                Path file = files.get(f);
                String relation = relation(file);
                long rows;
                try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM " + relation); ResultSet rs = s.executeQuery()) {
                    rs.next();
                    rows = rs.getLong(1);
                } catch (SQLException e) {
                    throw unreadable(file, e);
                }
                SqlRead.Counts counts = new SqlRead(c, Dialect.DUCKDB, file.toString(), relation, plan, window,
                        0, SqlSource.maxRows(context)).read(tally);
                tally.endOfInput();
                read.add(new Provenance("parquet", file.toString(), Tally.joined(digests).get(f), rows, counts.inWindow()));
            }
        } catch (SQLException e) {
            throw RolloutException.input(who + ": " + e.getMessage());
        }
        return tally.report(read);
    }

    /**
     * A Parquet file of late labels ({@code --labels day-1.parquet}), streamed through its own
     * in-process DuckDB; its rows are named {@code FILE row N} in errors, 1-based in the file's order.
     */
    public static Provenance readLabels(Path file, Labels.Builder into, SourceContext context) {
        String digest = sha256(file);
        try (Connection c = Drivers.connect(file.toString(), "jdbc:duckdb:", new Properties(), context)) {
            SqlLabels.Read read = SqlLabels.read(c, Dialect.DUCKDB, file.toString(), relation(file), into, 0);
            return new Provenance("parquet", file.toString(), digest, read.rows(), read.rows());
        } catch (SQLException e) {
            throw unreadable(file, e);
        }
    }

    /** Fails as {@link #sha256} would when {@code file} cannot be opened. */
    private static void readable(Path file) {
        try {
            Files.newInputStream(file).close();
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    /** A file that cannot be opened or read, said plainly: missing, or the system's reason. */
    private static RolloutException unreadable(Path file, IOException e) {
        return RolloutException.input(file + (e instanceof NoSuchFileException ? ": no such file" : ": cannot read: " + e.getMessage()));
    }

    private static String relation(Path file) {
        return "read_parquet(" + Dialect.literal(file.toAbsolutePath().toString()) + ")";
    }

    private static RolloutException unreadable(Path file, SQLException e) {
        return RolloutException.input(file + ": not a readable Parquet file: " + e.getMessage().lines().findFirst().orElse(""));
    }

    private static String sha256(Path file) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }
}
