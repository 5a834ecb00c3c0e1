package dev.rollout.metrics.csv;

import dev.rollout.metrics.Cells;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A second look at an export after the parser or the decoder failed, to say where: it
 * follows RFC 4180 character by character (quotes, doubled quotes, separators, CR, LF,
 * CRLF) and reports the line and field of the first byte that is not UTF-8 or is NUL, of text after
 * a closing quote, of a quote that is never closed, or of the field in which a record
 * grows past {@link ExportStream#MAX_RECORD_CHARS}. The parser only knows "somewhere in
 * this record" and the decoder "somewhere in this 64 KiB buffer". A file that is UTF-16 is
 * said to be that, at its start. Never used on the
 * normal path: it reads the file again.
 */
final class CsvScanner {

    /**
     * What went wrong, and where: 1-based line as an editor counts it, 0-based field; with the
     * header as this scan read it, since the reader may have failed before it had one (the
     * decoder works a buffer ahead of the parser).
     */
    record Problem(Kind kind, long line, int field, int badByte, List<String> header) {

        /** "column latency" for a field under a header name, else null. */
        String column() {
            return line > 1 && field < header.size() ? "column " + Cells.shown(header.get(field)) : null;
        }
    }

    enum Kind { MALFORMED_UTF8, NUL, UTF16, TEXT_AFTER_QUOTE, UNCLOSED_QUOTE, RECORD_TOO_LONG }

    private final char delimiter;
    private long line = 1;
    private int field;
    private boolean afterCr;
    private boolean atFieldStart = true;
    private boolean inQuotes;
    private boolean quoteInQuotes;
    private boolean afterClosingQuote;
    private long quoteLine;
    private int quoteField;
    private boolean first = true;
    private long recordChars;
    private long fieldLine = 1;
    /** The header's names while the first record is read; a name is cut off at 1 KiB, it only names a column. */
    private final List<String> header = new ArrayList<>();
    private final StringBuilder name = new StringBuilder();
    private boolean inHeader = true;

    private CsvScanner(char delimiter) {
        this.delimiter = delimiter;
    }

    /** The first problem in {@code path}, if this scan can find one. */
    static Optional<Problem> find(Path path, char delimiter) {
        try (InputStream in = ExportStream.decompressed(path)) {
            return new CsvScanner(delimiter).scan(in);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static Optional<Problem> find(InputStream in, char delimiter) throws IOException {
        return new CsvScanner(delimiter).scan(in);
    }

    private Optional<Problem> scan(InputStream in) throws IOException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer bytes = ByteBuffer.allocate(ExportStream.BUFFER);
        CharBuffer chars = CharBuffer.allocate(ExportStream.BUFFER);
        boolean eof = false;
        boolean start = true;
        while (true) {
            if (!eof) {
                int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
                if (n < 0) {
                    eof = true;
                } else {
                    bytes.position(bytes.position() + n);
                }
            }
            if (start) {
                start = false;
                if (utf16(bytes.array(), bytes.position())) {
                    return Optional.of(new Problem(Kind.UTF16, 1, -1, -1, header)); // the whole file: no column
                }
            }
            bytes.flip();
            CoderResult result;
            do {
                result = decoder.decode(bytes, chars, eof);
                chars.flip();
                while (chars.hasRemaining()) {
                    Problem p = accept(chars.get());
                    if (p != null) {
                        return Optional.of(p);
                    }
                }
                chars.clear();
            } while (result.isOverflow());
            if (result.isError()) {
                return Optional.of(new Problem(Kind.MALFORMED_UTF8, line, field, bytes.get(bytes.position()) & 0xff, header));
            }
            if (eof) {
                return inQuotes && !quoteInQuotes
                        ? Optional.of(new Problem(Kind.UNCLOSED_QUOTE, quoteLine, quoteField, -1, header))
                        : Optional.empty();
            }
            bytes.compact();
        }
    }

    /**
     * Whether the file's first {@code n} bytes are UTF-16: a byte order mark (FF FE or FE FF),
     * or text in which every other byte is zero, the way ASCII and Latin-1 text looks in UTF-16
     * without one. Said as such, rather than as a first byte that is not UTF-8 or a NUL byte.
     */
    static boolean utf16(byte[] b, int n) {
        if (n >= 2 && (b[0] == (byte) 0xFF && b[1] == (byte) 0xFE || b[0] == (byte) 0xFE && b[1] == (byte) 0xFF)) {
            return true;
        }
        int pairs = Math.min(n, 1024) / 2;
        boolean little = pairs > 0;
        boolean big = pairs > 0;
        for (int i = 0; i < pairs; i++) {
            boolean evenZero = b[2 * i] == 0;
            boolean oddZero = b[2 * i + 1] == 0;
            little &= !evenZero && oddZero;
            big &= evenZero && !oddZero;
        }
        return little || big;
    }

    /** Takes one character; keeps the header's names while in the first record. */
    private Problem accept(char c) {
        boolean quoted = inQuotes;
        Problem p = step(c);
        if (inHeader) {
            boolean separator = !quoted && !inQuotes && (c == delimiter || c == '\r' || c == '\n');
            if (separator) {
                header.add(name.toString().trim());
                name.setLength(0);
                inHeader = c == delimiter;
            } else if (c != '"' && name.length() < 1024 && !(c == '\uFEFF' && header.isEmpty() && name.length() == 0)) {
                name.append(c);
            }
        }
        return p;
    }

    /** Follows one character; a problem when it is text right after a closing quote. */
    private Problem step(char c) {
        if (first) {
            first = false;
            if (c == '\uFEFF') {
                return null;
            }
        }
        long lineOfChar = line;
        if (c == '\0') {
            return new Problem(Kind.NUL, line, field, 0, header);
        }
        if (++recordChars > ExportStream.MAX_RECORD_CHARS) {
            return new Problem(Kind.RECORD_TOO_LONG, fieldLine, field, -1, header);
        }
        // Physical lines, quoted line breaks included, CRLF once: how the parser and an editor count them.
        if (c == '\n' && !afterCr || c == '\r') {
            line++;
        }
        afterCr = c == '\r';
        if (quoteInQuotes) {
            quoteInQuotes = false;
            if (c == '"') {
                return null; // "" inside quotes: an escaped quote
            }
            inQuotes = false;
            afterClosingQuote = true;
        }
        if (inQuotes) {
            if (c == '"') {
                quoteInQuotes = true;
            }
            return null;
        }
        if (c == '\r' || c == '\n') {
            field = 0;
            atFieldStart = true;
            afterClosingQuote = false;
            recordChars = 0;
            fieldLine = line;
            return null;
        }
        if (c == delimiter) {
            field++;
            atFieldStart = true;
            afterClosingQuote = false;
            fieldLine = line;
            return null;
        }
        if (afterClosingQuote) {
            return new Problem(Kind.TEXT_AFTER_QUOTE, lineOfChar, field, -1, header);
        }
        if (c == '"' && atFieldStart) {
            inQuotes = true;
            quoteLine = lineOfChar;
            quoteField = field;
        }
        atFieldStart = false;
        return null;
    }
}
