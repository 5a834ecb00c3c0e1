package bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Shared accumulator, byte-range splitting and driver for all benchmark mains. */
public final class Common {
    private Common() {}

    /** Per-thread accumulator: counts[variant*9 + yTrue*3 + yPred], latency sum per variant. */
    public static final class Acc {
        public final long[] counts = new long[18];
        public final double[] sums = new double[2];
        public long rows;

        public void add(int variant, int yTrue, int yPred, double latency) {
            counts[variant * 9 + yTrue * 3 + yPred]++;
            sums[variant] += latency;
            rows++;
        }

        void merge(Acc o) {
            for (int i = 0; i < counts.length; i++) counts[i] += o.counts[i];
            sums[0] += o.sums[0];
            sums[1] += o.sums[1];
            rows += o.rows;
        }
    }

    // ---- field decoding helpers (same semantics for every parser) ----
    public static int variant(CharSequence s) {
        if (s.length() == 2 && s.charAt(0) == '4') {
            char c = s.charAt(1);
            if (c == '1') return 0;
            if (c == '2') return 1;
        }
        throw new IllegalArgumentException("bad model_version: " + s);
    }

    public static int variant(char[] b, int off, int len) {
        if (len == 2 && b[off] == '4') {
            char c = b[off + 1];
            if (c == '1') return 0;
            if (c == '2') return 1;
        }
        throw new IllegalArgumentException("bad model_version: " + new String(b, off, len));
    }

    public static int label(CharSequence s) {
        if (s.length() == 1) {
            int v = s.charAt(0) - '0';
            if (v >= 0 && v <= 2) return v;
        }
        throw new IllegalArgumentException("bad label: " + s);
    }

    public static int label(char[] b, int off, int len) {
        if (len == 1) {
            int v = b[off] - '0';
            if (v >= 0 && v <= 2) return v;
        }
        throw new IllegalArgumentException("bad label: " + new String(b, off, len));
    }

    // ---- byte ranges ----
    /** Splits the file into n byte ranges, each boundary placed just after a '\n'. Returns n+1 offsets. */
    public static long[] split(Path p, int n) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            long size = ch.size();
            long[] b = new long[n + 1];
            b[n] = size;
            ByteBuffer bb = ByteBuffer.allocate(4096);
            for (int i = 1; i < n; i++) {
                long pos = Math.max(size * i / n, b[i - 1]);
                found:
                while (true) {
                    bb.clear();
                    int r = ch.read(bb, pos);
                    if (r <= 0) { pos = size; break; }
                    for (int k = 0; k < r; k++) {
                        if (bb.get(k) == '\n') { pos = pos + k + 1; break found; }
                    }
                    pos += r;
                }
                b[i] = pos;
            }
            return b;
        }
    }

    /** InputStream over bytes [start, end) of the file (no extra buffering; callers buffer). */
    public static InputStream range(Path p, long start, long end) throws IOException {
        FileChannel ch = FileChannel.open(p, StandardOpenOption.READ);
        ch.position(start);
        InputStream in = Channels.newInputStream(ch);
        return new InputStream() {
            long left = end - start;
            @Override public int read() throws IOException {
                if (left <= 0) return -1;
                int c = in.read();
                if (c >= 0) left--;
                return c;
            }
            @Override public int read(byte[] buf, int off, int len) throws IOException {
                if (left <= 0) return -1;
                int r = in.read(buf, off, (int) Math.min(len, left));
                if (r > 0) left -= r;
                return r;
            }
            @Override public void close() throws IOException { in.close(); }
        };
    }

    @FunctionalInterface
    public interface RangeTask {
        /** Parse bytes [start,end); hasHeader is true only for the range starting at offset 0. */
        void run(Path p, long start, long end, boolean hasHeader, Acc acc) throws Exception;
    }

    /** args: file threads */
    public static void main(String name, String[] args, RangeTask task) throws Exception {
        Path p = Path.of(args[0]);
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        long t0 = System.nanoTime();
        long[] b = split(p, threads);
        Acc total = new Acc();
        if (threads == 1) {
            task.run(p, b[0], b[1], true, total);
        } else {
            List<Thread> ts = new ArrayList<>();
            Acc[] accs = new Acc[threads];
            Throwable[] errs = new Throwable[threads];
            for (int i = 0; i < threads; i++) {
                final int k = i;
                Thread t = new Thread(() -> {
                    try {
                        // allocated by the worker itself (its own TLAB), so the two threads' counters
                        // never share a cache line
                        Acc a = new Acc();
                        accs[k] = a;
                        task.run(p, b[k], b[k + 1], k == 0, a);
                    } catch (Throwable e) {
                        errs[k] = e;
                    }
                }, "part-" + k);
                ts.add(t);
                t.start();
            }
            for (Thread t : ts) t.join();
            for (int i = 0; i < threads; i++) {
                if (errs[i] != null) throw new RuntimeException("part " + i + " failed", errs[i]);
                total.merge(accs[i]);
            }
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        StringBuilder sb = new StringBuilder();
        sb.append("rows ").append(total.rows).append('\n');
        String[] vn = {"41", "42"};
        for (int v = 0; v < 2; v++) {
            sb.append("v").append(vn[v]).append(" cm");
            for (int i = 0; i < 9; i++) sb.append(' ').append(total.counts[v * 9 + i]);
            sb.append(String.format(Locale.ROOT, " latsum %.6f", total.sums[v])).append('\n');
        }
        System.out.print(sb);
        System.err.printf(Locale.ROOT, "%s threads=%d inner_ms=%d%n", name, threads, ms);
    }
}
