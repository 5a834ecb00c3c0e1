package bench;

import com.fasterxml.jackson.core.io.NumberInput;
import de.siegmar.fastcsv.reader.AbstractBaseCsvCallbackHandler;
import de.siegmar.fastcsv.reader.CsvReader;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * FastCSV 4.4.0 zero-copy API: custom AbstractBaseCsvCallbackHandler receiving (char[] buf, int offset, int len)
 * per field; buildRecord() returns null so every record is "consumed" by the handler.
 * Note: FastCSV skips its own field-count consistency check for records whose buildRecord() returns null,
 * so the handler checks the field count itself.
 */
public final class FastCsvCallbackMain {
    public static void main(String[] args) throws Exception {
        Common.main("fastcsv-callback", args, FastCsvCallbackMain::run);
    }

    static final class Handler extends AbstractBaseCsvCallbackHandler<Void> {
        private final Common.Acc acc;
        private boolean skipHeader;
        private int variant, yTrue, yPred;
        private double latency;

        Handler(Common.Acc acc, boolean skipHeader) {
            this.acc = acc;
            this.skipHeader = skipHeader;
        }

        @Override
        protected void handleField(int idx, char[] buf, int off, int len, boolean quoted) {
            if (skipHeader) return;
            switch (idx) {
                case 0: break;
                case 1: variant = Common.variant(buf, off, len); break;
                case 2: yTrue = Common.label(buf, off, len); break;
                case 3: yPred = Common.label(buf, off, len); break;
                case 4: latency = NumberInput.parseDouble(buf, off, len, true); break;
                default: break; // counted, rejected in buildRecord()
            }
        }

        @Override
        protected Void buildRecord() {
            if (skipHeader) { skipHeader = false; return null; }
            if (getRecordType() != de.siegmar.fastcsv.reader.RecordType.DATA) return null; // empty line / comment
            if (getFieldCount() != 5) {
                throw new IllegalStateException("expected 5 fields, got " + getFieldCount()
                        + " (starting line " + getStartingLineNumber() + ")");
            }
            acc.add(variant, yTrue, yPred, latency);
            return null;
        }
    }

    static void run(Path p, long start, long end, boolean hasHeader, Common.Acc acc) throws Exception {
        InputStream in = (start == 0 && end == Files.size(p)) ? Files.newInputStream(p) : Common.range(p, start, end);
        try (CsvReader<Void> reader = CsvReader.builder().build(new Handler(acc, hasHeader), in, UTF_8)) {
            for (Void ignored : reader) {
                // never reached: buildRecord() always returns null, so iteration consumes the whole input
            }
        }
    }
}
