package bench;

import com.fasterxml.jackson.core.io.NumberInput;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import static java.nio.charset.StandardCharsets.UTF_8;

/** FastCSV 4.4.0, plain CsvRecord API (default builder: strict field counts, strict quotes). */
public final class FastCsvRecordMain {
    public static void main(String[] args) throws Exception {
        Common.main("fastcsv-record", args, FastCsvRecordMain::run);
    }

    static void run(Path p, long start, long end, boolean hasHeader, Common.Acc acc) throws Exception {
        InputStream in = (start == 0 && end == Files.size(p)) ? Files.newInputStream(p) : Common.range(p, start, end);
        try (CsvReader<CsvRecord> reader = CsvReader.builder().ofCsvRecord(in, UTF_8)) {
            boolean skip = hasHeader;
            for (CsvRecord rec : reader) {
                if (skip) { skip = false; continue; }   // header row
                acc.add(Common.variant(rec.getField(1)), Common.label(rec.getField(2)), Common.label(rec.getField(3)),
                        NumberInput.parseDouble(rec.getField(4), true));
            }
        }
    }
}
