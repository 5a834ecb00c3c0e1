package dev.rollout.metrics.csv;

import dev.rollout.RolloutException;
import dev.rollout.RolloutException.Location;
import org.apache.commons.csv.CSVException;

import java.io.EOFException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.ZipException;

/**
 * What went wrong reading an export, as one line a person can act on: the file, the line
 * and, where it can be found again, the field and column. The parser and the decoder know
 * the place only roughly; a regular file is scanned again, character by character.
 */
final class CsvErrors {

    private CsvErrors() {
    }

    /** {@code e}, met at or after {@code line} of {@code path}, as an input error. */
    static RolloutException failure(Path path, char delimiter, Throwable e, long line) {
        return failure(path.toString(), Optional.of(path), delimiter, e, line);
    }

    /** {@code e}, met at or after {@code line} of the export named {@code file}; {@code path} when it is a file. */
    static RolloutException failure(String file, Optional<Path> path, char delimiter, Throwable e, long line) {
        int at = (int) Math.min(line, Integer.MAX_VALUE);
        if (e instanceof NoSuchFileException) {
            return RolloutException.input(Location.file(file), "no such file");
        }
        if (e instanceof AccessDeniedException) {
            return RolloutException.input(Location.file(file), "permission denied");
        }
        if (e instanceof CharacterCodingException || e instanceof ExportStream.RecordTooLong || e instanceof ExportStream.NulByte
                || e instanceof CSVException) {
            // The parser and the decoder know the place only roughly: look again, character by character.
            // A pipe cannot be read again (a second look would read the rest of the stream and blame that).
            boolean again = path.filter(Files::isRegularFile).isPresent();
            Optional<CsvScanner.Problem> found = again ? CsvScanner.find(path.get(), delimiter) : Optional.empty();
            if (found.isPresent()) {
                CsvScanner.Problem p = found.get();
                String message = switch (p.kind()) {
                    case MALFORMED_UTF8 -> String.format(Locale.ROOT,
                            "byte 0x%02X is not UTF-8; save the export as UTF-8 (it looks like Latin-1 or Windows-1252)", p.badByte());
                    case UTF16 -> "file is UTF-16; export it as UTF-8";
                    case NUL -> "a NUL byte (0x00), which no CSV text holds; is the file binary, or padded with zeros?";
                    case TEXT_AFTER_QUOTE -> "not valid CSV: text after a closing quote; quote the whole field, and write a quote inside it as \"\"";
                    case UNCLOSED_QUOTE -> "not valid CSV: a quoted field is not closed: the file ends before its closing '\"'";
                    case RECORD_TOO_LONG -> e.getMessage() != null && e instanceof ExportStream.RecordTooLong ? e.getMessage()
                            : new ExportStream.RecordTooLong().getMessage();
                };
                return RolloutException.input(Location.of(file, (int) Math.min(p.line(), Integer.MAX_VALUE), p.field() + 1,
                        p.column()), message);
            }
            String message = e instanceof CharacterCodingException ? "not valid UTF-8; save the export as UTF-8"
                    : e instanceof CSVException ? "not valid CSV: " + firstLine(e.getMessage()) : e.getMessage();
            if (!again) {
                message += " (at or after this line: a pipe cannot be read again to find the exact place)";
            }
            return RolloutException.input(Location.of(file, at, 0, null), message);
        }
        if (e instanceof ZipException || e instanceof EOFException && path.filter(ExportStream::gzipped).isPresent()) {
            return RolloutException.input(Location.of(file, at, 0, null),
                    "not a valid gzip file (" + firstLine(e.getMessage()) + "); is it truncated, or not gzipped despite its name?");
        }
        return RolloutException.input(Location.file(file), "cannot read: " + firstLine(String.valueOf(e.getMessage())));
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
