import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/** The benchmark's CSV log as zstd Parquet, typed as a warehouse holds it: java -cp target/lib/duckdb_jdbc-*.jar src/bench/ToParquet.java IN.csv OUT.parquet */
public class ToParquet {
    public static void main(String[] args) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("COPY (SELECT * FROM read_csv('" + args[0].replace("'", "''") + "', header = true, types = {"
                    + "'ts': 'TIMESTAMPTZ', 'model_version': 'VARCHAR', 'y_true': 'VARCHAR', 'y_pred': 'VARCHAR', 'latency_ms': 'DOUBLE'}))"
                    + " TO '" + args[1].replace("'", "''") + "' (FORMAT parquet, COMPRESSION zstd)");
        }
    }
}
