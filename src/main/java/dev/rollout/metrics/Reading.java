package dev.rollout.metrics;

/**
 * How exports are read. A plain (not gzipped) export of at least two chunks is cut into
 * chunks of about {@code chunkBytes} at line boundaries and its chunks are parsed on up to
 * {@code threads} threads, then merged in file order. Where the chunks are cut depends only on
 * the file and {@code chunkBytes}, never on {@code threads}, so the same file gives the same
 * bits on any machine. A file with a quote character anywhere, a gzipped file, and a file in
 * which a chunk meets any problem are read in one pass instead, which also reports the
 * problem with its exact line.
 *
 * @param threads    parsing threads for one export, at least 1
 * @param chunkBytes chunk size in bytes; 0 reads every export in one pass
 * @param progress   told how far each export has been read
 */
public record Reading(int threads, long chunkBytes, Progress progress) {

    /** Large enough that starting a chunk costs nothing next to parsing it, small enough to balance 2 to 64 cores. */
    public static final long CHUNK_BYTES = 8L << 20;

    public Reading {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, found " + threads);
        }
        if (chunkBytes < 0) {
            throw new IllegalArgumentException("chunkBytes must not be negative, found " + chunkBytes);
        }
    }

    /** Every core, 8 MiB chunks, no progress. */
    public static Reading defaults() {
        return new Reading(Runtime.getRuntime().availableProcessors(), CHUNK_BYTES, Progress.NONE);
    }

    /**
     * Told how far the exports have been read, always on the thread that called
     * {@link Source#measure}: bytes of the file as stored (compressed bytes for gzip).
     */
    public interface Progress {

        Progress NONE = new Progress() {
            @Override
            public void start(String file, long bytes) {
            }

            @Override
            public void at(long bytesRead) {
            }

            @Override
            public void end() {
            }
        };

        /**
         * Reading {@code file} begins; it has {@code bytes} bytes (-1: unknown, a pipe). Said again for the same file
         * when a parallel read gives up and the file is read from the start in one pass.
         */
        void start(String file, long bytes);

        /** {@code bytesRead} bytes of the current file have been parsed; called often, cheap to ignore. */
        void at(long bytesRead);

        /**
         * The current file was read in {@code chunks} chunks in parallel; not called when it was
         * read in one pass (small, gzipped, quoted, or a chunk met a problem).
         */
        default void chunked(int chunks) {
        }

        /** The current file is read (or failed). */
        void end();
    }
}
