package bench;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.NumberInput;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * jackson-dataformat-csv 2.23.0, streaming: CsvFactory parser + nextToken().
 * args: file threads [chars|string]
 *   chars  (default): fields read via getTextCharacters()/getTextOffset()/getTextLength(),
 *                     latency via NumberInput.parseDouble(char[],int,int,true)
 *   string          : fields read via getText(), latency via NumberInput.parseDouble(String,true)
 * First range: CsvSchema.emptySchema().withHeader(); later ranges: same 5 columns, no header row.
 */
public final class JacksonCsvMain {
    static final CsvFactory FACTORY = new CsvFactory();
    static final CsvSchema WITH_HEADER = CsvSchema.emptySchema().withHeader();
    static final CsvSchema NO_HEADER = CsvSchema.builder()
            .addColumn("ts").addColumn("model_version").addColumn("y_true").addColumn("y_pred").addColumn("latency_ms")
            .build().withoutHeader();
    static boolean chars = true;

    public static void main(String[] args) throws Exception {
        chars = args.length < 3 || !args[2].equals("string");
        Common.main(chars ? "jackson-csv-chars" : "jackson-csv-string", args, JacksonCsvMain::run);
    }

    static void run(Path path, long start, long end, boolean hasHeader, Common.Acc acc) throws Exception {
        InputStream in = (start == 0 && end == Files.size(path)) ? Files.newInputStream(path) : Common.range(path, start, end);
        try (CsvParser p = FACTORY.createParser(in)) {
            p.setSchema(hasHeader ? WITH_HEADER : NO_HEADER);
            if (chars) loopChars(p, acc); else loopString(p, acc);
        }
    }

    static void loopChars(CsvParser p, Common.Acc acc) throws Exception {
        int col = 0, variant = 0, yTrue = 0, yPred = 0;
        double lat = 0;
        JsonToken t;
        while ((t = p.nextToken()) != null) {
            if (t == JsonToken.VALUE_STRING) {
                switch (col++) {
                    case 1: variant = Common.variant(p.getTextCharacters(), p.getTextOffset(), p.getTextLength()); break;
                    case 2: yTrue = Common.label(p.getTextCharacters(), p.getTextOffset(), p.getTextLength()); break;
                    case 3: yPred = Common.label(p.getTextCharacters(), p.getTextOffset(), p.getTextLength()); break;
                    case 4: lat = NumberInput.parseDouble(p.getTextCharacters(), p.getTextOffset(), p.getTextLength(), true); break;
                    default: break;
                }
            } else if (t == JsonToken.START_OBJECT) {
                col = 0;
            } else if (t == JsonToken.END_OBJECT) {
                if (col != 5) throw new IllegalStateException("expected 5 fields, got " + col + " at " + p.currentLocation());
                acc.add(variant, yTrue, yPred, lat);
            }
        }
    }

    static void loopString(CsvParser p, Common.Acc acc) throws Exception {
        int col = 0, variant = 0, yTrue = 0, yPred = 0;
        double lat = 0;
        JsonToken t;
        while ((t = p.nextToken()) != null) {
            if (t == JsonToken.VALUE_STRING) {
                switch (col++) {
                    case 1: variant = Common.variant(p.getText()); break;
                    case 2: yTrue = Common.label(p.getText()); break;
                    case 3: yPred = Common.label(p.getText()); break;
                    case 4: lat = NumberInput.parseDouble(p.getText(), true); break;
                    default: break;
                }
            } else if (t == JsonToken.START_OBJECT) {
                col = 0;
            } else if (t == JsonToken.END_OBJECT) {
                if (col != 5) throw new IllegalStateException("expected 5 fields, got " + col + " at " + p.currentLocation());
                acc.add(variant, yTrue, yPred, lat);
            }
        }
    }
}
