package dev.rollout.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The characters of an export, for the CSV parser: strict UTF-8 (a bad byte is an error
 * naming its line, never a silent U+FFFD), a leading BOM dropped, and no field longer than
 * a limit, so one 100 MB cell cannot exhaust memory (the CSV parser itself has no limit).
 * It follows RFC 4180 quoting just enough to know where a field ends.
 */
final class ExportTextReader extends Reader {

    /** Raised for a bad byte or an over-long field, with the line it is on. */
    static final class Problem extends IOException {
        final long line;

        Problem(long line, String message) {
            super(message);
            this.line = line;
        }
    }

    private final InputStream in;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteBuffer bytes = ByteBuffer.allocate(1 << 16);
    private final CharBuffer chars = CharBuffer.allocate(1 << 16);
    private final char delimiter;
    private final int maxField;
    private boolean eof;
    private boolean first = true;
    private long line = 1;
    private boolean quoted;
    private int fieldLength;

    ExportTextReader(InputStream in, char delimiter, int maxField) {
        this.in = in;
        this.delimiter = delimiter;
        this.maxField = maxField;
        bytes.flip();
        chars.flip();
    }

    @Override
    public int read(char[] buf, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (!chars.hasRemaining()) {
            if (!fill()) {
                return -1;
            }
        }
        int n = Math.min(len, chars.remaining());
        chars.get(buf, off, n);
        for (int i = off; i < off + n; i++) {
            track(buf[i]);
        }
        return n;
    }

    /** Line and field bookkeeping for one character handed to the parser. */
    private void track(char c) throws Problem {
        if (c == '"') {
            quoted = !quoted;
        } else if (!quoted && (c == delimiter || c == '\n')) {
            fieldLength = 0;
            if (c == '\n') {
                line++;
            }
            return;
        } else if (c == '\n') {
            line++;
        }
        if (++fieldLength > maxField) {
            throw new Problem(line, "a field longer than " + (maxField >> 20) + " MiB; is this a metric export?");
        }
    }

    private boolean fill() throws IOException {
        chars.clear();
        while (true) {
            CoderResult r = decoder.decode(bytes, chars, eof);
            if (r.isError()) {
                chars.flip();
                // The characters decoded before the bad byte are all there; count their lines.
                long at = line;
                for (int i = chars.position(); i < chars.limit(); i++) {
                    if (chars.get(i) == '\n') {
                        at++;
                    }
                }
                throw new Problem(at, "not valid UTF-8 (save the export as UTF-8)");
            }
            if (chars.position() > 0 || (eof && !bytes.hasRemaining())) {
                break;
            }
            bytes.compact();
            int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
            if (n < 0) {
                eof = true;
            } else {
                bytes.position(bytes.position() + n);
            }
            bytes.flip();
        }
        if (eof && !bytes.hasRemaining()) {
            decoder.flush(chars);
        }
        chars.flip();
        if (first && chars.hasRemaining()) {
            first = false;
            if (chars.get(chars.position()) == '\uFEFF') {
                chars.get();
            }
        }
        return chars.hasRemaining();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
