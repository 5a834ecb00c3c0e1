package bench;

import com.fasterxml.jackson.core.io.NumberInput;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import static java.nio.charset.StandardCharsets.UTF_8;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/** Apache Commons CSV 1.14.1, CSVFormat.RFC4180, iterate CSVRecord, record.get(i). */
public final class CommonsCsvMain {
    static final CSVFormat WITH_HEADER = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get();
    static final CSVFormat NO_HEADER = CSVFormat.RFC4180;

    public static void main(String[] args) throws Exception {
        Common.main("commons-csv", args, CommonsCsvMain::run);
    }

    static void run(Path p, long start, long end, boolean hasHeader, Common.Acc acc) throws Exception {
        InputStream in = (start == 0 && end == Files.size(p)) ? Files.newInputStream(p) : Common.range(p, start, end);
        try (Reader r = new BufferedReader(new InputStreamReader(in, UTF_8.newDecoder()), 1 << 16);
             CSVParser parser = CSVParser.parse(r, hasHeader ? WITH_HEADER : NO_HEADER)) {
            for (CSVRecord rec : parser) {
                acc.add(Common.variant(rec.get(1)), Common.label(rec.get(2)), Common.label(rec.get(3)),
                        NumberInput.parseDouble(rec.get(4), true));
            }
        }
    }
}
