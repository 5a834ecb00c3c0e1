package dev.rollout.hooks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * What a hook printed on one stream: all of it is read, so the hook never blocks on a full
 * pipe, and only the last {@value #KEPT} bytes are kept, so a hook printing gigabytes cannot
 * run rollout out of memory. Decoded as UTF-8 leniently: a byte that is not UTF-8 shows as
 * U+FFFD, because a hook's output is for a person and must never turn its success into a
 * failure.
 */
public final class HookOutput {

    /** A few screens of a chatty deploy tool; enough for the error at its end. */
    static final int KEPT = 256 * 1024;

    private final String stream;
    private final byte[] ring = new byte[KEPT];
    private final Thread reader;
    private long total;

    private HookOutput(String stream, InputStream in) {
        this.stream = stream;
        this.reader = new Thread(() -> read(in), "hook " + stream);
        // A process outside the hook's group may hold the pipe open; it must not keep rollout alive.
        reader.setDaemon(true);
    }

    /** Starts reading {@code in} (named {@code stream}, e.g. "stdout") to its end. */
    public static HookOutput read(String stream, InputStream in) {
        HookOutput output = new HookOutput(stream, in);
        output.reader.start();
        return output;
    }

    private void read(InputStream in) {
        byte[] buffer = new byte[64 * 1024];
        try (in) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                keep(buffer, n);
            }
        } catch (IOException e) {
            // The pipe broke: what was read so far is all there is.
        }
    }

    private synchronized void keep(byte[] bytes, int length) {
        int from = Math.max(0, length - KEPT);
        for (int i = from; i < length; ) {
            int at = (int) ((total + i) % KEPT);
            int n = Math.min(length - i, KEPT - at);
            System.arraycopy(bytes, i, ring, at, n);
            i += n;
        }
        total += length;
    }

    /** Waits until the stream has ended, at most {@code wait}; false when something still holds it open. */
    public boolean awaitEnd(Duration wait) throws InterruptedException {
        reader.join(Math.max(1, wait.toMillis()));
        return !reader.isAlive();
    }

    /** The kept tail as text, preceded by a line saying how much was left out, if anything was. */
    public synchronized String text(String hook) {
        if (total <= KEPT) {
            return new String(ring, 0, (int) total, StandardCharsets.UTF_8);
        }
        byte[] tail = new byte[KEPT];
        int start = (int) (total % KEPT);
        System.arraycopy(ring, start, tail, 0, KEPT - start);
        System.arraycopy(ring, 0, tail, KEPT - start, start);
        return hook + " printed " + total + " bytes of " + stream + ", the last " + KEPT + " follow:\n"
                + new String(tail, StandardCharsets.UTF_8);
    }

    /** The end of {@code text} on one line, for an error message: {@code ": …last words"}, or nothing. */
    public static String tail(String text) {
        String t = text.strip();
        if (t.isEmpty()) {
            return "";
        }
        return ": " + (t.length() > 500 ? "…" + t.substring(t.length() - 500) : t).replace('\n', ' ');
    }
}
