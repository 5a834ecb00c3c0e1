package dev.rollout.state.pg;

import dev.rollout.RolloutException;
import dev.rollout.spec.DurationText;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code postgresql://[USER[:PASSWORD]@]HOST[:PORT]/DATABASE[?schema=S&sslmode=…&lease=…]} state
 * URL (libpq's form; {@code postgres://} too), and the JDBC connection it names. The password
 * (from the URL or {@code PGPASSWORD}) is kept here and nowhere else: {@link #shown()} has none.
 * Without one, pgjdbc reads {@code PGPASSFILE} or {@code ~/.pgpass} itself.
 *
 * @param lease how long the server keeps a frozen writer's session idle in its transaction before it
 *              ends it and frees the row lock; empty: the longest hook plus a minute (see {@link PgBackend})
 */
public record PgUrl(String host, int port, String database, String schema, Optional<String> user,
                    Optional<String> password, Map<String, String> driverParameters, Optional<Duration> lease,
                    Duration connectTimeout) {

    private static final Pattern URL = Pattern.compile(
            "postgres(?:ql)?://(?:([^:@/]*)(?::([^@/]*))?@)?(\\[[^\\]]+\\]|[^:/?#\\[]+)(?::(\\d{1,5}))?/([^/?#]+)(?:\\?([^#]*))?");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    /** libpq's parameters that pgjdbc knows under the same name or one of its own. */
    private static final Map<String, String> DRIVER_NAMES = Map.of(
            "sslmode", "sslmode", "sslrootcert", "sslrootcert", "sslcert", "sslcert", "sslkey", "sslkey",
            "target_session_attrs", "targetServerType");

    public PgUrl {
        driverParameters = Map.copyOf(driverParameters);
    }

    /** Whether {@code where} is a PostgreSQL URL rather than a path (no driver class is touched). */
    public static boolean is(String where) {
        String lower = where.toLowerCase(Locale.ROOT);
        return lower.startsWith("postgresql://") || lower.startsWith("postgres://");
    }

    /** The URL {@code text}, with {@code PGUSER}/{@code PGPASSWORD} of {@code env} where it has none; exit 1 naming what is wrong. */
    public static PgUrl parse(String text, Map<String, String> env) {
        Matcher m = URL.matcher(text.trim());
        if (!m.matches()) {
            throw bad(text, "not postgresql://[USER[:PASSWORD]@]HOST[:PORT]/DATABASE[?schema=S]");
        }
        Optional<String> user = Optional.ofNullable(m.group(1)).map(PgUrl::decode).filter(s -> !s.isEmpty())
                .or(() -> Optional.ofNullable(env.get("PGUSER")).filter(s -> !s.isEmpty()));
        Optional<String> password = Optional.ofNullable(m.group(2)).map(PgUrl::decode).filter(s -> !s.isEmpty())
                .or(() -> Optional.ofNullable(env.get("PGPASSWORD")).filter(s -> !s.isEmpty()));
        String host = m.group(3);
        int port = m.group(4) == null ? 5432 : Integer.parseInt(m.group(4));
        if (port < 1 || port > 65535) {
            throw bad(text, "port " + port + " is not 1-65535");
        }
        String database = decode(m.group(5));
        String schema = "rollout";
        Optional<Duration> lease = Optional.empty();
        Duration connectTimeout = Duration.ofSeconds(10);
        Map<String, String> driver = new LinkedHashMap<>();
        if (m.group(6) != null && !m.group(6).isEmpty()) {
            for (String pair : m.group(6).split("&")) {
                int eq = pair.indexOf('=');
                String key = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                switch (key) {
                    case "schema" -> {
                        if (!IDENTIFIER.matcher(value).matches()) {
                            throw bad(text, "schema '" + value + "' is not a lower-case SQL name ([a-z_][a-z0-9_]*)");
                        }
                        schema = value;
                    }
                    case "lease" -> lease = Optional.of(duration(text, key, value));
                    case "connect_timeout" -> connectTimeout = duration(text, key, value.matches("\\d+") ? value + "s" : value);
                    default -> {
                        String name = DRIVER_NAMES.get(key);
                        if (name == null) {
                            throw bad(text, "unknown parameter '" + key + "' (known: schema, lease, connect_timeout, "
                                    + String.join(", ", DRIVER_NAMES.keySet().stream().sorted().toList()) + ")");
                        }
                        driver.put(name, value);
                    }
                }
            }
        }
        return new PgUrl(host, port, database, schema, user, password, driver, lease, connectTimeout);
    }

    private static Duration duration(String text, String key, String value) {
        Duration d = DurationText.parse(value).orElseThrow(() -> bad(text, key + " '" + value + "' is not a duration (10s, 2m)"));
        if (d.isNegative() || d.isZero()) {
            throw bad(text, key + " must be longer than 0s");
        }
        return d;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static RolloutException bad(String text, String why) {
        return RolloutException.input("--state " + redact(text) + ": " + why);
    }

    /** {@code text} with whatever stands between {@code user:} and {@code @} replaced: for a URL that did not even parse. */
    static String redact(String text) {
        return text.replaceFirst("^(postgres(?:ql)?://[^:@/]*):[^@/]*@", "$1:***@");
    }

    /** The store as messages and the JSON {@code state} field show it: no password, ever. */
    public String shown() {
        return "postgresql://" + user.map(u -> u + "@").orElse("") + host + ":" + port + "/" + database + "?schema=" + schema;
    }

    String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    /** What the driver is given: never logged; the password only here. */
    Properties properties(String applicationName, Duration socketTimeout) {
        Properties p = new Properties();
        user.ifPresent(u -> p.setProperty("user", u));
        password.ifPresent(pw -> p.setProperty("password", pw));
        p.setProperty("ApplicationName", applicationName);
        p.setProperty("connectTimeout", Long.toString(Math.max(1, connectTimeout.toSeconds())));
        p.setProperty("loginTimeout", Long.toString(Math.max(1, connectTimeout.toSeconds())));
        p.setProperty("socketTimeout", Long.toString(Math.max(1, socketTimeout.toSeconds())));
        p.setProperty("tcpKeepAlive", "true");
        // One session of our own, no server-side prepared statement cache to go stale behind a pooler.
        p.setProperty("prepareThreshold", "0");
        p.putAll(driverParameters);
        return p;
    }

    /** A message of the driver or server with the password cut out, should one ever quote it. */
    String scrub(String message) {
        String m = message == null ? "" : message;
        return password.map(pw -> m.replace(pw, "***")).orElse(m);
    }
}
