package dev.rollout.state;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL server per test JVM (the binary comes with the test dependency, so a
 * fresh machine runs these tests), started on first use on 127.0.0.1 and a free port, stopped
 * by the JVM's shutdown hook. The superuser {@code postgres} logs in without a password; the role
 * {@link #USER} needs {@link #PASSWORD}, so that the tests can show a password is never shown.
 * Each test takes a schema of its own ({@link #freshUrl}), so tests share the server, not state.
 */
public final class PgServer {

    public static final String USER = "ana";
    public static final String PASSWORD = "s3cret-Hunter2";

    private static EmbeddedPostgres server;
    private static final AtomicInteger SCHEMAS = new AtomicInteger();

    private PgServer() {
    }

    public static synchronized int port() {
        if (server == null) {
            try {
                server = EmbeddedPostgres.builder()
                        .setServerConfig("listen_addresses", "127.0.0.1")
                        .setServerConfig("max_connections", "200")
                        .setDataDirectoryCustomizer(dir -> {
                            try {
                                Files.writeString(dir.toPath().resolve("pg_hba.conf"),
                                        "local all all trust\n"
                                                + "host all postgres 127.0.0.1/32 trust\n"
                                                + "host all all 127.0.0.1/32 scram-sha-256\n");
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        })
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the test PostgreSQL server", e);
            }
            try (Connection c = admin(); Statement s = c.createStatement()) {
                s.execute("CREATE ROLE " + USER + " LOGIN PASSWORD '" + PASSWORD + "'");
                s.execute("GRANT ALL ON DATABASE postgres TO " + USER);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot set up the test server", e);
            }
        }
        return server.getPort();
    }

    /** A superuser session of the test server, for a test to look behind the backend's back. */
    public static Connection admin() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        return new org.postgresql.Driver().connect("jdbc:postgresql://127.0.0.1:" + port() + "/postgres", p);
    }

    /** A schema no other test uses. */
    public static String freshSchema() {
        return "t" + ProcessHandle.current().pid() + "_" + SCHEMAS.incrementAndGet();
    }

    /** The URL of a schema of its own, as {@link #USER} with the password in the URL. */
    public static String freshUrl() {
        return url(freshSchema());
    }

    public static String url(String schema) {
        return "postgresql://" + USER + ":" + PASSWORD + "@127.0.0.1:" + port() + "/postgres?schema=" + schema;
    }
}
