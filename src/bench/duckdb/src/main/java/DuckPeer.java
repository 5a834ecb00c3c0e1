import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * The DuckDB peer of src/bench/run.sh: DuckDB's in-process SQL (JDBC) computing what
 * bench.yaml asks, per variant: accuracy, weighted recall, weighted F1 (scikit-learn's
 * definitions, zero_division 0) and p95 latency (numpy's linear percentile = quantile_cont),
 * printed as peer.py prints them: {"41": {"accuracy": ..., "rows": ...}, ...}.
 *
 *   java -cp 'target/bench/duckdb/classes:target/bench/duckdb/lib/*' DuckPeer LOG.csv
 *   java -cp ... DuckPeer --parquet LOG.csv OUT.parquet     # the same rows as Parquet, for the Parquet row
 */
public final class DuckPeer {

    public static void main(String[] args) throws SQLException {
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement st = db.createStatement()) {
            if (args.length == 3 && args[0].equals("--parquet")) {
                st.execute("COPY (SELECT * FROM read_csv(" + literal(args[1]) + ")) TO " + literal(args[2]) + " (FORMAT parquet)");
                return;
            }
            // One scan of the file into a table, as one would load a log to query it; the labels compared as text.
            st.execute("CREATE TEMP TABLE t AS SELECT CAST(model_version AS VARCHAR) AS v, CAST(y_true AS VARCHAR) AS yt,"
                    + " CAST(y_pred AS VARCHAR) AS yp, CAST(latency_ms AS DOUBLE) AS l FROM read_csv(" + literal(args[0]) + ")");
            String sql = """
                WITH base AS (
                  SELECT v, count(*) AS n, avg(CASE WHEN yt = yp THEN 1.0::DOUBLE ELSE 0.0::DOUBLE END) AS acc,
                         quantile_cont(l, 0.95) AS p95
                  FROM t GROUP BY v),
                sup AS (SELECT v, yt AS c, count(*)::DOUBLE AS s, sum(CASE WHEN yt = yp THEN 1 ELSE 0 END)::DOUBLE AS tp
                        FROM t GROUP BY v, yt),
                pred AS (SELECT v, yp AS c, count(*)::DOUBLE AS p FROM t GROUP BY v, yp),
                cls AS (SELECT sup.v, s, tp, coalesce(pred.p, 0) AS p FROM sup LEFT JOIN pred ON sup.v = pred.v AND sup.c = pred.c)
                SELECT base.v, base.n, base.acc, base.p95,
                       sum(cls.tp) / base.n AS recall,
                       sum(CASE WHEN cls.s + cls.p = 0 THEN 0 ELSE cls.s * 2 * cls.tp / (cls.s + cls.p) END) / base.n AS f1
                FROM base JOIN cls ON base.v = cls.v
                GROUP BY base.v, base.n, base.acc, base.p95 ORDER BY base.v
                """;
            StringBuilder out = new StringBuilder("{");
            try (ResultSet r = st.executeQuery(sql)) {
                while (r.next()) {
                    if (out.length() > 1) {
                        out.append(", ");
                    }
                    out.append(String.format(Locale.ROOT,
                            "\"%s\": {\"accuracy\": %s, \"recall\": %s, \"f1\": %s, \"latency_p95\": %s, \"rows\": %d}",
                            r.getString(1), Double.toString(r.getDouble(3)), Double.toString(r.getDouble(5)),
                            Double.toString(r.getDouble(6)), Double.toString(r.getDouble(4)), r.getLong(2)));
                }
            }
            System.out.println(out.append('}'));
        }
    }

    private static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }
}
