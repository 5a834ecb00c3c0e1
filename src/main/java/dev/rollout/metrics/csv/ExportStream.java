package dev.rollout.metrics.csv;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.FilterReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.function.LongConsumer;
import java.util.zip.GZIPInputStream;

/**
 * The characters of one export: file bytes, hashed as stored (SHA-256, for the audit
 * trail), gunzipped when the name ends in {@code .gz}, decoded as strict UTF-8 (a malformed
 * byte is an error, never a silent U+FFFD; so is a NUL byte), without a leading byte order mark, and cut off
 * when one record grows past {@link #MAX_RECORD_CHARS} — a missing closing quote would
 * otherwise read the rest of a multi-gigabyte file into one field until the heap runs out.
 */
public final class ExportStream implements Closeable {

    /** Big buffers: exports are read once, front to back, and are often gigabytes. */
    static final int BUFFER = 1 << 16;

    /** {@link #head}'s buffers: a header line, and the one pass's parser reads 8 KiB ahead. */
    private static final int HEAD_BUFFER = 1 << 13;

    /** No sane metrics record is a mebibyte long; a runaway quoted field is. */
    public static final int MAX_RECORD_CHARS = 1 << 20;

    private final DigestInputStream digest;
    private final MessageDigest sha;
    private final RecordLimit reader;

    private ExportStream(DigestInputStream digest, MessageDigest sha, RecordLimit reader) {
        this.digest = digest;
        this.sha = sha;
        this.reader = reader;
    }

    static ExportStream open(Path path) throws IOException {
        return open(path, n -> { });
    }

    /** Opens {@code path}, telling {@code bytesRead} the running count of bytes read from the file. */
    static ExportStream open(Path path, LongConsumer bytesRead) throws IOException {
        return open(path, bytesRead, BUFFER, true);
    }

    /** The bytes {@code raw} as an export, hashed as they arrive; the stream is closed with it. */
    static ExportStream of(InputStream raw, boolean gzipped, LongConsumer bytesRead) throws IOException {
        return of(raw, gzipped, bytesRead, BUFFER, true);
    }

    /**
     * {@code path} for its header only, as the chunked read parses it (the file is hashed from
     * the chunks): in small buffers and not hashed, where the whole read's big buffers would
     * decode, check and hash 64 KiB, still in the interpreter, before the first chunk starts.
     */
    static ExportStream head(Path path) throws IOException {
        return open(path, n -> { }, HEAD_BUFFER, false);
    }

    private static ExportStream open(Path path, LongConsumer bytesRead, int buffer, boolean hash) throws IOException {
        InputStream raw = bytes(path);
        try {
            return of(raw, gzipped(path), bytesRead, buffer, hash);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /** {@code raw} as an export in buffers of {@code buffer} bytes, its stored bytes hashed if {@code hash}. */
    private static ExportStream of(InputStream raw, boolean gzipped, LongConsumer bytesRead, int buffer, boolean hash)
            throws IOException {
        InputStream stored = new BufferedInputStream(new Counting(raw, bytesRead), buffer);
        MessageDigest sha = hash ? sha256Digest() : null;
        DigestInputStream digest = hash ? new DigestInputStream(stored, sha) : null;
        InputStream read = hash ? digest : stored;
        BufferedReader text = decoded(gzipped ? new GZIPInputStream(read, buffer) : read, buffer);
        skipByteOrderMark(text);
        return new ExportStream(digest, sha, new RecordLimit(text));
    }

    /** A fresh SHA-256 digest: an export's hash in the audit trail, whichever way it is read. */
    static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static BufferedReader decoded(InputStream bytes, int buffer) {
        return new BufferedReader(new InputStreamReader(new NoNul(bytes), StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)), buffer);
    }

    /** The decompressed bytes of {@code path}, for a second look after an error. */
    static InputStream decompressed(Path path) throws IOException {
        InputStream raw = new BufferedInputStream(bytes(path), BUFFER);
        try {
            return gzipped(path) ? new GZIPInputStream(raw, BUFFER) : raw;
        } catch (IOException e) {
            raw.close();
            throw e;
        }
    }

    /**
     * The file's bytes. A pipe ({@code --metrics <(zcat log.csv.gz)}, {@code /dev/stdin}) through
     * FileInputStream: the channel stream behind Files.newInputStream asks a pipe for its
     * position and fails with "Illegal seek".
     */
    private static InputStream bytes(Path path) throws IOException {
        if (Files.exists(path) && !Files.isRegularFile(path) && !Files.isDirectory(path)) {
            return new java.io.FileInputStream(path.toFile());
        }
        return Files.newInputStream(path);
    }

    static boolean gzipped(Path path) {
        return path.toString().toLowerCase(Locale.ROOT).endsWith(".gz");
    }

    private static void skipByteOrderMark(BufferedReader text) throws IOException {
        text.mark(1);
        if (text.read() != '\uFEFF') {
            text.reset();
        }
    }

    Reader reader() {
        return reader;
    }

    /** A new record starts: its length counts from here. */
    void startRecord() {
        reader.count = 0;
    }

    /** The SHA-256 of every byte of the file, including what the parser never needed (a gzip trailer). */
    String sha256() throws IOException {
        if (digest == null) {
            throw new IllegalStateException("a header read or a chunk of an export is not hashed");
        }
        digest.transferTo(OutputStream.nullOutputStream());
        return HexFormat.of().formatHex(sha.digest());
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }

    /** Counts the bytes read from the file as stored. */
    static final class Counting extends FilterInputStream {
        private final LongConsumer bytesRead;
        private long count;

        Counting(InputStream in, LongConsumer bytesRead) {
            super(in);
            this.bytesRead = bytesRead;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                bytesRead.accept(++count);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                bytesRead.accept(count += n);
            }
            return n;
        }
    }

    /** Thrown at the first NUL byte of the text; the second look ({@link CsvScanner}) says where it is. */
    static final class NulByte extends IOException {
        NulByte() {
            super("a NUL byte (0x00)");
        }
    }

    /**
     * Refuses a NUL byte, which no CSV text holds: the cells were trimmed of it ({@code a\0}
     * counted as {@code a}), and a run of them is what UTF-16 or a zero-padded file looks like.
     * On the decompressed bytes, eight at a time, before the decoder: in UTF-8 a zero byte is
     * always U+0000 and never part of another character, so no per-cell work is needed.
     */
    private static final class NoNul extends FilterInputStream {
        NoNul(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b == 0) {
                throw new NulByte();
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0 && Chunks.hasNul(buffer, offset, offset + n)) {
                throw new NulByte();
            }
            return n;
        }
    }

    /** Thrown when one record is longer than {@link #MAX_RECORD_CHARS}. */
    static final class RecordTooLong extends IOException {
        RecordTooLong() {
            super("a record longer than " + String.format(Locale.ROOT, "%,d", MAX_RECORD_CHARS)
                    + " characters; is a quote not closed?");
        }
    }

    /**
     * Counts the characters handed to the parser since the last record began. The parser
     * reads ahead a few kilobytes, so the count is approximate by that much — far below the limit.
     */
    private static final class RecordLimit extends FilterReader {
        long count;

        RecordLimit(Reader in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int c = super.read();
            if (c >= 0 && ++count > MAX_RECORD_CHARS) {
                throw new RecordTooLong();
            }
            return c;
        }

        @Override
        public int read(char[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0 && (count += n) > MAX_RECORD_CHARS) {
                throw new RecordTooLong();
            }
            return n;
        }
    }
}
