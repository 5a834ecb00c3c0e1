package bench;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import de.siegmar.fastcsv.reader.AbstractBaseCsvCallbackHandler;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import static java.nio.charset.StandardCharsets.UTF_8;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Strictness probe: parses a (small) file with exactly the library configuration used by the benchmark mains
 * and dumps what the library itself hands back (records/fields + line info), or the exception it throws.
 * args: commons|fastcsv-record|fastcsv-callback|fastcsv-record-noUnclosed|fastcsv-callback-noUnclosed|jackson|jackson-failOnMissingColumns file
 */
public final class Probe {
    public static void main(String[] args) throws Exception {
        Path p = Path.of(args[1]);
        try {
            switch (args[0]) {
                case "commons": commons(p); break;
                case "fastcsv-record": fastRecord(p, CsvReader.builder()); break;
                case "fastcsv-callback": fastCallback(p, CsvReader.builder()); break;
                case "fastcsv-record-noUnclosed": fastRecord(p, CsvReader.builder().allowUnclosedQuote(false)); break;
                case "fastcsv-callback-noUnclosed": fastCallback(p, CsvReader.builder().allowUnclosedQuote(false)); break;
                case "jackson": jackson(p, false); break;
                case "jackson-failOnMissingColumns": jackson(p, true); break;
                default: throw new IllegalArgumentException(args[0]);
            }
            System.out.println("=> no exception");
        } catch (Exception e) {
            System.out.println("=> " + e.getClass().getName() + ": " + e.getMessage()
                    + (e.getCause() != null ? "  [cause: " + e.getCause() + "]" : ""));
        }
    }

    static void commons(Path p) throws Exception {
        try (CSVParser parser = CSVParser.parse(new BufferedReader(new InputStreamReader(Files.newInputStream(p), UTF_8.newDecoder()), 1 << 16),
                CommonsCsvMain.WITH_HEADER)) {
            for (CSVRecord r : parser) {
                System.out.println("record " + r.getRecordNumber() + " (parser line " + parser.getCurrentLineNumber()
                        + ", consistent=" + r.isConsistent() + ") " + r.size() + " fields " + r.toList());
            }
        }
    }

    static void fastRecord(Path p, CsvReader.CsvReaderBuilder b) throws Exception {
        try (CsvReader<CsvRecord> reader = b.ofCsvRecord(Files.newInputStream(p), UTF_8)) {
            for (CsvRecord r : reader) {
                System.out.println("line " + r.getStartingLineNumber() + " " + r.getFieldCount() + " fields " + r.getFields());
            }
        }
    }

    static void fastCallback(Path p, CsvReader.CsvReaderBuilder b) throws Exception {
        final class Dump extends AbstractBaseCsvCallbackHandler<Void> {
            final List<String> fields = new ArrayList<>();
            @Override protected void handleField(int idx, char[] buf, int off, int len, boolean quoted) {
                fields.add(new String(buf, off, len) + (quoted ? "(q)" : ""));
            }
            @Override protected Void buildRecord() {
                System.out.println("line " + getStartingLineNumber() + " " + getRecordType() + " " + getFieldCount() + " fields " + fields);
                fields.clear();
                return null;
            }
        }
        try (CsvReader<Void> reader = b.build(new Dump(), Files.newInputStream(p), UTF_8)) {
            for (Void ignored : reader) { }
        }
    }

    static void jackson(Path p, boolean failOnMissing) throws Exception {
        try (CsvParser parser = JacksonCsvMain.FACTORY.createParser(Files.newInputStream(p))) {
            parser.setSchema(JacksonCsvMain.WITH_HEADER);
            if (failOnMissing) parser.enable(CsvParser.Feature.FAIL_ON_MISSING_COLUMNS);
            List<String> row = new ArrayList<>();
            JsonToken t;
            while ((t = parser.nextToken()) != null) {
                if (t == JsonToken.START_OBJECT) row.clear();
                else if (t == JsonToken.VALUE_STRING) row.add(parser.currentName() + "=" + parser.getText());
                else if (t == JsonToken.END_OBJECT) System.out.println("row ending at line " + parser.currentLocation().getLineNr() + " " + row.size() + " fields " + row);
                else if (t != JsonToken.FIELD_NAME) System.out.println("token " + t);
            }
        }
    }
}
