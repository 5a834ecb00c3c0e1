package dev.rollout.metrics.csv;

import dev.rollout.metrics.Provenance;
import dev.rollout.metrics.Reading;
import dev.rollout.metrics.Reading.Progress;
import dev.rollout.metrics.Tally;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.zip.GZIPInputStream;

/**
 * The parallel read of a large plain export (see {@link Reading}): the header on this
 * thread, chunks cut at line boundaries parsed on a pool into tallies of their own, merged in
 * file order, while this thread hashes the file. Gives up
 * (empty) whenever the one pass must read the file instead.
 */
final class ChunkedRead {

    private final CsvExport export;
    private final Path path;
    private final Reading reading;
    /**
     * At most this many bytes a read: the JDK reads into a heap buffer through a direct buffer of
     * the read's size, which it keeps per thread, so a chunk read whole would allocate (and zero)
     * a direct buffer of each ramp chunk's larger size and copy every byte twice through memory;
     * a quarter of a megabyte is one direct buffer per thread, whose copies stay in the cache.
     */
    private static final int READ = 1 << 18;

    /** A pool thread's chunk buffer, reused from chunk to chunk: nothing keeps a chunk's bytes once it is parsed. */
    private final ThreadLocal<byte[]> buffer = ThreadLocal.withInitial(() -> new byte[0]);
    /**
     * A pool thread's row, kept from chunk to chunk with its table of repeated texts: a chunk
     * then starts with the labels known, and the compiled lookup never meets the misses of a
     * fresh table at every chunk's start (each made the whole inlined row path compile again).
     */
    private final ThreadLocal<Row> rows = new ThreadLocal<>();
    /** The tally shared by all files; touched only once every chunk has succeeded. */
    private final Tally shared;

    ChunkedRead(CsvExport export, Tally shared) {
        this.export = export;
        this.path = export.path;
        this.reading = export.reading;
        this.shared = shared;
    }

    /**
     * The parallel read: the header on this thread, the chunks on a pool, and meanwhile this
     * thread hashes the file. Empty when the file must be read in one pass instead — it is small,
     * or a chunk failed, at a quote among others (the one pass then says where).
     * {@code size} is the file's size, -1 for anything but a regular file.
     */
    Optional<Provenance> read(long size) {
        // Only a regular file can be read twice and at any offset: a pipe (<(zcat …)) is read once, in one pass.
        // The chunks' parser splits at one byte (see SliceScan); a delimiter beyond ASCII is read in one pass.
        if (size < 0 || size / 2 < reading.chunkBytes() || export.data.delimiter() >= 0x80) {
            return Optional.empty();
        }
        RowRouter router;
        try (ExportStream in = ExportStream.head(path)) {
            router = export.router(export.header(in));
        } catch (UncheckedIOException | IOException e) {
            return Optional.empty();
        }
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            Optional<Long> start = Chunks.dataStart(channel);
            if (start.isEmpty() || (size - start.get()) / 2 < reading.chunkBytes()) {
                return Optional.empty();
            }
            // Up to the size seen now: rows appended while the file is read are left for the next run, and the
            // hash covers exactly the bytes parsed.
            long[] cuts = Chunks.cuts(channel, start.get(), size, reading.chunkBytes());
            return inChunks(channel, router, cuts);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * A gzipped export as a pipeline: this thread inflates it (hashing the stored bytes) and cuts
     * the text where {@link Chunks#cuts} cuts a plain file, the pool parses the chunks, merged in
     * file order; at most {@code threads + 1} chunks wait or are parsed at once. Empty whenever
     * the one pass must read it (the same reasons as for a plain file, or a broken gzip stream).
     */
    Optional<Provenance> readGzipped() {
        if (export.data.delimiter() >= 0x80) {
            return Optional.empty();
        }
        RowRouter router;
        try (ExportStream in = ExportStream.head(path)) {
            router = export.router(export.header(in));
        } catch (UncheckedIOException | IOException e) {
            return Optional.empty();
        }
        int chunk = (int) Math.min(reading.chunkBytes(), Integer.MAX_VALUE / 4);
        AtomicBoolean stop = new AtomicBoolean();
        Progress progress = reading.progress();
        int threads = reading.threads();
        ExecutorService pool = pool(threads);
        Semaphore room = new Semaphore(threads + 1);
        List<Future<Part>> futures = new ArrayList<>();
        Part whole = export.part(shared.fresh());
        int[] merged = {0};
        // The buffers of parsed chunks, filled again: at most threads + 2 are ever in use, so the inflated text
        // is not garbage of the chunk's size per chunk.
        Queue<byte[]> spare = new ConcurrentLinkedQueue<>();
        MessageDigest sha = ExportStream.sha256Digest();
        try (InputStream stored = Files.newInputStream(path);
             DigestInputStream hashed = new DigestInputStream(new ExportStream.Counting(stored, progress::at), sha);
             InputStream text = new GZIPInputStream(hashed, ExportStream.BUFFER)) {
            byte[] head = text.readNBytes(Math.max(chunk, 1 << 20) + 1);
            int start = Chunks.dataStart(head, head.length);
            if (start < 0) {
                return Optional.empty();
            }
            byte[] b = head;
            int from = start;
            int filled = head.length;
            boolean end = head.length < Math.max(chunk, 1 << 20) + 1;
            while (!stop.get()) {
                // The cut: the byte after the first line feed at or past length - 1, if a byte follows it; as Chunks.cuts,
                // whose smaller first chunks it makes too.
                int length = (int) Chunks.length(chunk, futures.size());
                int cut = -1;
                while (cut < 0) {
                    for (int i = from + length - 1; i < filled - 1; i++) {
                        if (b[i] == '\n') {
                            cut = i + 1;
                            break;
                        }
                    }
                    if (cut >= 0 || end) {
                        break;
                    }
                    if (filled - from > chunk + ExportStream.MAX_RECORD_CHARS) {
                        return Optional.empty(); // a line longer than the one pass allows: it says where
                    }
                    if (filled == b.length) {
                        b = Arrays.copyOf(b, b.length * 2);
                    }
                    int n = text.read(b, filled, b.length - filled);
                    if (n < 0) {
                        end = true;
                    } else {
                        filled += n;
                    }
                }
                // The chunk keeps this buffer; the rest of it is copied to the next one.
                byte[] piece = b;
                int pieceFrom = from;
                int pieceTo = cut < 0 ? filled : cut;
                room.acquire();
                futures.add(pool.submit(() -> {
                    try {
                        return part(router, piece, pieceFrom, pieceTo, stop::get);
                    } catch (Exception | OutOfMemoryError e) {
                        stop.set(true);
                        throw e;
                    } finally {
                        spare.add(piece);
                        room.release();
                    }
                }));
                while (merged[0] < futures.size() && futures.get(merged[0]).isDone() && !stop.get()) {
                    merge(whole, futures, merged[0]++, stop);
                }
                if (cut < 0) {
                    break;
                }
                int size = Math.max(chunk + (chunk >> 3), filled - cut) + 1;
                byte[] next = spare.poll();
                if (next == null || next.length < size) {
                    next = new byte[size];
                }
                // A spare may be this very buffer, parsed already: arraycopy moves overlapping bytes correctly.
                System.arraycopy(b, cut, next, 0, filled - cut);
                filled -= cut;
                from = 0;
                b = next;
            }
            while (merged[0] < futures.size() && !stop.get()) {
                await(futures.get(merged[0]), () -> { });
                merge(whole, futures, merged[0]++, stop);
            }
            if (stop.get()) {
                return Optional.empty();
            }
            hashed.transferTo(OutputStream.nullOutputStream()); // what the inflater never needed, a trailer
            Part file = export.part(shared);
            file.merge(whole);
            progress.chunked(futures.size());
            return Optional.of(file.end(export.file, HexFormat.of().formatHex(sha.digest()), export.coverage));
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty(); // a broken gzip stream: the one pass says where
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
    }

    private static ExecutorService pool(int threads) {
        return Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "rollout-chunk");
            t.setDaemon(true);
            return t;
        });
    }

    private Optional<Provenance> inChunks(FileChannel channel, RowRouter router, long[] cuts) throws IOException {
        long longest = longest(cuts);
        if (longest > Integer.MAX_VALUE - 16) {
            return Optional.empty(); // a chunk beyond an array, one line of gigabytes: the one pass says what it is
        }
        int chunks = cuts.length - 1;
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong parsed = new AtomicLong(cuts[0]);
        InOrder read = new InOrder(chunks);
        ExecutorService pool = pool(Math.min(reading.threads(), chunks));
        try {
            List<Future<Part>> futures = new ArrayList<>(chunks);
            for (int c = 0; c < chunks; c++) {
                int index = c;
                long from = cuts[c];
                long to = cuts[c + 1];
                futures.add(pool.submit(() -> {
                    try {
                        return chunk(channel, router, index, from, to, longest, read, parsed, stop::get);
                    } catch (Exception | OutOfMemoryError e) {
                        stop.set(true); // the others and the hashing stop early: the file is read in one pass
                        throw e;
                    }
                }));
            }
            Progress progress = reading.progress();
            // The file's own accumulators, so a failing chunk leaves the shared ones untouched. Chunks are merged
            // in file order as they finish, also while the file is hashed, so finished ones do not pile up.
            Part whole = export.part(shared.fresh());
            int merged = 0;
            // The hash, of exactly the bytes parsed: what precedes the first row from the file, then each chunk's
            // bytes in file order from the buffer its thread read them into, so the file is read once.
            MessageDigest sha = ExportStream.sha256Digest();
            Chunks.hash(channel, 0, cuts[0], sha);
            for (int c = 0; c < chunks && !stop.get(); c++) {
                Future<Part> future = futures.get(c);
                byte[] b = read.await(c, () -> stop.get() || future.isDone());
                if (b == null) {
                    break; // it failed before it had its bytes
                }
                sha.update(b, 0, (int) (cuts[c + 1] - cuts[c]));
                read.hashed(c);
                while (merged < chunks && futures.get(merged).isDone() && !stop.get()) {
                    merge(whole, futures, merged++, stop);
                }
                progress.at(parsed.get());
            }
            while (merged < chunks && !stop.get()) {
                await(futures.get(merged), () -> progress.at(parsed.get()));
                merge(whole, futures, merged++, stop);
                progress.at(parsed.get());
            }
            if (stop.get()) {
                return Optional.empty(); // a chunk failed: a quote, a bad cell, anything the one pass words
            }
            Part file = export.part(shared);
            file.merge(whole);
            progress.chunked(chunks);
            return Optional.of(file.end(export.file, HexFormat.of().formatHex(sha.digest()), export.coverage));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
    }

    /** The length of the longest chunk between {@code cuts}. */
    private static long longest(long[] cuts) {
        long longest = 0;
        for (int c = 0; c + 1 < cuts.length; c++) {
            longest = Math.max(longest, cuts[c + 1] - cuts[c]);
        }
        return longest;
    }

    /**
     * The chunks' bytes handed to the hashing thread in file order, each in the buffer its pool
     * thread read it into, which that thread reads its next chunk into only once it is hashed.
     */
    private static final class InOrder {
        /** Chunk c's bytes from index 0, from its read until its hash. */
        private final byte[][] bytes;
        /** How many chunks, from the first, are hashed. */
        private int hashed;

        InOrder(int chunks) {
            bytes = new byte[chunks][];
        }

        synchronized void read(int c, byte[] b) {
            bytes[c] = b;
            notifyAll();
        }

        /** Chunk {@code c}'s bytes once read, or null once {@code never} says they will not be. */
        synchronized byte[] await(int c, BooleanSupplier never) throws InterruptedException {
            while (bytes[c] == null) {
                if (never.getAsBoolean()) {
                    return null;
                }
                wait(10); // a failing chunk sets a flag, not this monitor: look again soon
            }
            return bytes[c];
        }

        synchronized void hashed(int c) {
            bytes[c] = null;
            hashed = c + 1;
            notifyAll();
        }

        /** Until chunk {@code c} is hashed, or {@code stop} says it never will be. */
        synchronized void awaitHash(int c, BooleanSupplier stop) throws InterruptedException {
            while (hashed <= c && !stop.getAsBoolean()) {
                wait(10);
            }
        }
    }

    /** Merges finished chunk {@code c} into {@code whole} and lets it go; a failed chunk sets {@code stop} instead. */
    private static void merge(Part whole, List<Future<Part>> futures, int c, AtomicBoolean stop) {
        Part part = result(futures.get(c));
        futures.set(c, null); // the future holds the chunk's accumulators
        if (part == null) {
            stop.set(true);
        } else {
            whole.merge(part);
        }
    }

    /**
     * Chunk {@code index}, read whole, handed to the hashing thread and parsed on a pool thread
     * into accumulators of its own; the buffer is not read into again before the hash has it.
     * The buffer is made once per thread for the file's longest chunk ({@code longest}, which
     * {@link #inChunks} has checked fits an array), not again for each larger chunk of the ramp.
     */
    private Part chunk(FileChannel channel, RowRouter router, int index, long from, long to, long longest, InOrder read,
                       AtomicLong parsed, BooleanSupplier stop) throws IOException, InterruptedException {
        int length = (int) (to - from);
        byte[] b = buffer.get();
        if (b.length < length + 8) {
            b = new byte[(int) longest + 8]; // eight bytes to spare: the scanner reads whole words
            buffer.set(b);
        }
        ByteBuffer bytes = ByteBuffer.wrap(b, 0, length);
        while (bytes.position() < length) {
            if (stop.getAsBoolean()) {
                throw new CancellationException("another chunk failed");
            }
            bytes.limit(Math.min(length, bytes.position() + READ));
            int n = channel.read(bytes, from + bytes.position());
            if (n < 0) {
                // The file shrank while it was read: the chunk fails, and the one-pass reread sees one consistent file.
                throw new IOException("the file ended at byte " + (from + bytes.position()) + ", before the chunk's end at " + to);
            }
            parsed.addAndGet(n);
        }
        read.read(index, b);
        try {
            return part(router, b, 0, length, stop);
        } finally {
            read.awaitHash(index, stop);
        }
    }

    /** The rows of {@code b[from, to)}, whole lines of a plain export, into accumulators of their own. */
    private Part part(RowRouter router, byte[] b, int from, int to, BooleanSupplier stop) {
        Part part = export.part(shared.fresh());
        Row row = rows.get();
        if (row == null) {
            row = Row.sliced(export.file, router.names(), export.data.missing());
            rows.set(row);
        }
        SliceScan.rows(b, from, to, export.data.delimiter(), router, part, row, stop);
        return part;
    }

    /** Waits for {@code future}, telling progress every 200 ms. */
    private static void await(Future<Part> future, Runnable tick) {
        while (true) {
            try {
                future.get(200, TimeUnit.MILLISECONDS);
                return;
            } catch (TimeoutException e) {
                tick.run();
            } catch (ExecutionException | CancellationException e) {
                return; // result() says what happened
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * A finished chunk's accumulators, or null when it failed or was stopped — out of memory
     * included: one chunk's label matrix or values may not fit beside the others', and the one
     * pass needs less. Any other Error is not the input's fault and goes on up.
     */
    private static Part result(Future<Part> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error error && !(error instanceof OutOfMemoryError)) {
                throw error;
            }
            return null;
        } catch (CancellationException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
