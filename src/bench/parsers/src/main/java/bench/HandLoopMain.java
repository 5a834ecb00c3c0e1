package bench;

import com.fasterxml.jackson.core.io.NumberInput;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * No library: 1 MiB byte[] buffer, split on ',' and '\n', labels/variant checked as single bytes.
 * args: file threads [digits|string]
 *   digits (default): latency parsed by hand from the byte slice: integer mantissa / 10^fracDigits
 *                     (exactly rounded, identical to Double.parseDouble, when mantissa < 2^53 and
 *                     fracDigits <= 22); anything else (exponent, >15 digits) falls back to
 *                     NumberInput.parseDouble(String, true).
 *   string          : latency via NumberInput.parseDouble(new String(slice, ISO_8859_1), true).
 * No quote handling at all; every line must have exactly 5 fields, else an error with line number.
 */
public final class HandLoopMain {
    static boolean digits = true;
    static final double[] POW10 = new double[23];
    static { double d = 1; for (int i = 0; i < POW10.length; i++) { POW10[i] = d; d *= 10; } }

    public static void main(String[] args) throws Exception {
        digits = args.length < 3 || !args[2].equals("string");
        Common.main(digits ? "handloop-digits" : "handloop-string", args, HandLoopMain::run);
    }

    static void run(Path p, long start, long end, boolean hasHeader, Common.Acc acc) throws Exception {
        byte[] buf = new byte[1 << 20];
        int len = 0;
        long line = 0;          // line number within this byte range (1-based after increment)
        boolean skip = hasHeader;
        try (InputStream in = (start == 0 && end == Files.size(p)) ? Files.newInputStream(p) : Common.range(p, start, end)) {
            boolean eof = false;
            while (!eof) {
                int r = in.read(buf, len, buf.length - len);
                if (r < 0) {
                    eof = true;
                    if (len == 0) break;
                    if (buf[len - 1] != '\n') {           // final line without LF: terminate it
                        if (len == buf.length) throw new IllegalStateException("line too long");
                        buf[len++] = '\n';
                    }
                } else {
                    len += r;
                }
                int pos = 0;
                while (true) {
                    // find end of line
                    int nl = -1;
                    for (int i = pos; i < len; i++) if (buf[i] == '\n') { nl = i; break; }
                    if (nl < 0) break;
                    line++;
                    if (skip) { skip = false; pos = nl + 1; continue; }
                    int eol = (nl > pos && buf[nl - 1] == '\r') ? nl - 1 : nl;
                    parseLine(buf, pos, eol, acc, line, start);
                    pos = nl + 1;
                }
                if (pos == 0 && len == buf.length) throw new IllegalStateException("line longer than buffer at line " + (line + 1));
                System.arraycopy(buf, pos, buf, 0, len - pos);
                len -= pos;
            }
        }
    }

    static void parseLine(byte[] b, int s, int e, Common.Acc acc, long line, long rangeStart) {
        // field 0: ts (skipped)
        int c0 = indexOfComma(b, s, e);
        int c1 = c0 < 0 ? -1 : indexOfComma(b, c0 + 1, e);
        int c2 = c1 < 0 ? -1 : indexOfComma(b, c1 + 1, e);
        int c3 = c2 < 0 ? -1 : indexOfComma(b, c2 + 1, e);
        if (c3 < 0) throw err("fewer than 5 fields", line, rangeStart);
        // field 1: model_version, exactly "41" or "42"
        int variant;
        if (c1 - c0 == 3 && b[c0 + 1] == '4' && (b[c0 + 2] == '1' || b[c0 + 2] == '2')) variant = b[c0 + 2] - '1';
        else throw err("bad model_version", line, rangeStart);
        // fields 2,3: single byte labels
        if (c2 - c1 != 2 || c3 - c2 != 2) throw err("bad label", line, rangeStart);
        int yt = b[c1 + 1] - '0', yp = b[c2 + 1] - '0';
        if (yt < 0 || yt > 2 || yp < 0 || yp > 2) throw err("bad label", line, rangeStart);
        // field 4: latency up to end of line
        int ls = c3 + 1;
        double lat = digits ? parseDigits(b, ls, e, line, rangeStart)
                            : NumberInput.parseDouble(new String(b, ls, e - ls, StandardCharsets.ISO_8859_1), true);
        acc.add(variant, yt, yp, lat);
    }

    static int indexOfComma(byte[] b, int s, int e) {
        for (int i = s; i < e; i++) if (b[i] == ',') return i;
        return -1;
    }

    static double parseDigits(byte[] b, int s, int e, long line, long rangeStart) {
        int i = s;
        boolean neg = false;
        if (i < e && b[i] == '-') { neg = true; i++; }
        long m = 0;
        int nd = 0, frac = -1;
        for (; i < e; i++) {
            int c = b[i];
            if (c >= '0' && c <= '9') { m = m * 10 + (c - '0'); nd++; if (frac >= 0) frac++; }
            else if (c == '.' && frac < 0) frac = 0;
            else break;
        }
        if (i == e && nd > 0 && nd <= 15 && (frac < 0 || frac <= 22)) {
            double v = frac > 0 ? m / POW10[frac] : (double) m;
            return neg ? -v : v;
        }
        if (i < e && b[i] == ',') throw err("more than 5 fields", line, rangeStart);
        try {
            return NumberInput.parseDouble(new String(b, s, e - s, StandardCharsets.ISO_8859_1), true);
        } catch (NumberFormatException ex) {
            throw err("bad latency '" + new String(b, s, e - s, StandardCharsets.ISO_8859_1) + "'", line, rangeStart);
        }
    }

    static IllegalStateException err(String msg, long line, long rangeStart) {
        return new IllegalStateException(msg + " at line " + line + " of byte range starting at " + rangeStart);
    }
}
