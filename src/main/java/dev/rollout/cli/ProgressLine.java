package dev.rollout.cli;

import dev.rollout.metrics.Reading;
import dev.rollout.spec.DurationText;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * One line on stderr, redrawn in place, while a long export is read: the file, bytes read of
 * its size, the rate and the time left. Only for a terminal, and only once a file has taken
 * a second — a quick read shows nothing — and wiped when the file is done, so what follows
 * starts on a clean line. Plain carriage returns and spaces, no escape sequences.
 */
final class ProgressLine implements Reading.Progress {

    /** A read shorter than this shows no progress at all. */
    static final long QUIET_NANOS = 1_000_000_000L;
    /** Redraws at most this often. */
    static final long REDRAW_NANOS = 200_000_000L;
    /**
     * At most this wide: a line longer than the terminal wraps, and a carriage return then goes
     * back only to the start of its last row. 79 fits the narrowest usual terminal.
     */
    static final int WIDTH = 79;

    private final PrintWriter err;
    private final LongSupplier nanoTime;
    private String name = "";
    private long total;
    private long started;
    private long drawn;
    private int width;

    ProgressLine(PrintWriter err, LongSupplier nanoTime) {
        this.err = err;
        this.nanoTime = nanoTime;
    }

    @Override
    public void start(String file, long bytes) {
        end(); // a file read again from the start (a parallel read gave up) starts a fresh line
        Path p = Path.of(file).getFileName();
        name = dev.rollout.ControlCharacters.escaped(p == null ? file : p.toString());
        total = bytes;
        started = nanoTime.getAsLong();
        drawn = 0;
    }

    @Override
    public void at(long bytesRead) {
        long now = nanoTime.getAsLong();
        long elapsed = now - started;
        if (elapsed < QUIET_NANOS || drawn != 0 && now - drawn < REDRAW_NANOS) {
            return;
        }
        drawn = now;
        draw(line(bytesRead, elapsed));
    }

    @Override
    public void end() {
        if (width > 0) {
            err.print("\r" + " ".repeat(width) + "\r");
            err.flush();
            width = 0;
        }
    }

    /**
     * "reading predictions.csv  123 MB of 323 MB (38 %)  95 MB/s  about 2s left", at most
     * {@link #WIDTH} characters: a long file name loses its beginning ("…ions-2026-03-02.csv").
     */
    String line(long bytesRead, long elapsedNanos) {
        String full = line(name, bytesRead, elapsedNanos);
        int over = full.length() - WIDTH;
        if (over <= 0) {
            return full;
        }
        int keep = name.length() - over - 1;
        return keep >= 8 ? line("…" + name.substring(name.length() - keep), bytesRead, elapsedNanos) : full.substring(0, WIDTH);
    }

    private String line(String label, long bytesRead, long elapsedNanos) {
        double seconds = elapsedNanos / 1e9;
        double rate = bytesRead / seconds;
        StringBuilder sb = new StringBuilder("reading ").append(label).append("  ").append(megabytes(bytesRead));
        if (total > 0) {
            long shown = Math.min(bytesRead, total);
            sb.append(" of ").append(megabytes(total))
                    .append(String.format(Locale.ROOT, " (%d %%)", shown * 100 / total));
        }
        sb.append("  ").append(megabytes((long) rate)).append("/s");
        if (total > 0 && rate > 0 && bytesRead < total) {
            sb.append("  about ").append(duration((total - bytesRead) / rate)).append(" left");
        }
        return sb.toString();
    }

    private void draw(String line) {
        // Pad over a longer previous line instead of an erase sequence: works on any terminal.
        String padded = line.length() < width ? line + " ".repeat(width - line.length()) : line;
        width = line.length();
        err.print("\r" + padded);
        err.flush();
    }

    static String megabytes(long bytes) {
        double mb = bytes / 1e6;
        return mb < 10 ? String.format(Locale.ROOT, "%.1f MB", mb) : String.format(Locale.ROOT, "%,d MB", Math.round(mb));
    }

    /** Time left in whole seconds, rounded up, spelt as every duration the tool prints ("2m5s"). */
    static String duration(double seconds) {
        return DurationText.format(Duration.ofSeconds((long) Math.ceil(seconds)));
    }
}
