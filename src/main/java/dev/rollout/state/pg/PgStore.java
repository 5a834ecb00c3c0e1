package dev.rollout.state.pg;

import dev.rollout.RolloutException;
import dev.rollout.RolloutException.Location;
import dev.rollout.state.StateBackend;
import dev.rollout.state.StateRepository;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One PostgreSQL schema holding many rollouts (Terraform's {@code pg} backend, one row per
 * workspace): the connections to it, its tables, created on first use, and the mapping of the
 * driver's failures to exit codes. Each operation opens a connection of its own and closes it
 * (no pool: a session lock must stay on the session that took it); none is shared between threads.
 */
public final class PgStore implements StateRepository {

    /** The version of the tables this rollout reads and writes; a newer one is refused, an older one migrated by a later release. */
    static final int SCHEMA_VERSION = 1;

    private final PgUrl url;
    private final StateBackend.Options options;
    private final Duration lease;
    private volatile boolean ready;

    /**
     * @param longestHold the longest this process may hold a row lock while it waits on itself (its
     *                    longest apply hook): the lease, unless the URL sets one, is that plus a minute
     */
    public PgStore(PgUrl url, StateBackend.Options options, Duration longestHold) {
        this.url = url;
        this.options = options;
        this.lease = url.lease().orElse(longestHold.plusMinutes(1));
        if (lease.compareTo(longestHold) <= 0) {
            throw RolloutException.input(Location.file(url.shown()), "lease " + dev.rollout.spec.DurationText.format(lease)
                    + " must be longer than the hooks' timeout " + dev.rollout.spec.DurationText.format(longestHold)
                    + ": the server would end the session, and free the lock, while an apply hook still runs");
        }
    }

    /** The rollout {@code name} of this store. */
    public PgBackend open(String name, StateBackend.Options options) {
        return new PgBackend(this, name, options);
    }

    PgUrl url() {
        return url;
    }

    Duration lease() {
        return lease;
    }

    /** {@code table} of this store's schema, as SQL names it. */
    String table(String table) {
        return url.schema() + "." + table;
    }

    /** The rollouts with a state in the schema (a row of a rollout never written is not one), by name. */
    @Override
    public List<Held> rollouts(Consumer<String> skipped) {
        List<Held> held = new ArrayList<>();
        try (Connection c = connect(options.command());
             PreparedStatement q = c.prepareStatement("SELECT name FROM " + table("state") + " WHERE doc IS NOT NULL ORDER BY name")) {
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    held.add(new Held(rs.getString(1), open(rs.getString(1), options.anyRollout())));
                }
            }
        } catch (SQLException e) {
            throw failure(e, "cannot list the rollouts");
        }
        return held;
    }

    // ------------------------------------------------------------------ connections

    /**
     * A new session, autocommit, with the schema ready. Named after this process in
     * {@code application_name} (cut at the server's 63 bytes), which {@code pg_stat_activity} shows to any role.
     */
    Connection connect(String command) {
        String app = ("rollout " + command.replaceFirst("^rollout ", "") + " pid=" + ProcessHandle.current().pid());
        if (app.length() > 60) {
            app = app.substring(0, 60);
        }
        // Every statement is bounded by the lock timeout or is quick; a server that stops answering must not hang us.
        Duration socket = options.lockTimeout().plus(lease).plusMinutes(1);
        Connection c;
        try {
            c = new org.postgresql.Driver().connect(url.jdbcUrl(), url.properties(app, socket));
        } catch (SQLException e) {
            throw failure(e, "cannot connect");
        }
        if (c == null) {
            throw RolloutException.input(Location.file(url.shown()), "the driver does not take this URL");
        }
        try {
            if (!ready) {
                prepareSchema(c);
                ready = true;
            }
            return c;
        } catch (SQLException | RuntimeException e) {
            closeQuietly(c);
            throw e instanceof SQLException s ? failure(s, "cannot prepare the schema " + url.schema()) : (RuntimeException) e;
        }
    }

    static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            // closing a session that broke: nothing to do
        }
    }

    // ------------------------------------------------------------------ schema

    /**
     * Checks the schema version and creates what is missing, in one transaction under a lock of
     * its own so that sixteen first writers create it once. A table a DBA created beforehand is
     * used as it is (only the missing ones are created: a role without CREATE can use them).
     */
    private void prepareSchema(Connection c) throws SQLException {
        if (version(c) == SCHEMA_VERSION) {
            return;
        }
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
                lock.setString(1, "rollout schema " + url.schema());
                lock.execute();
            }
            Map<String, String> missing = new LinkedHashMap<>();
            String sch = url.schema();
            if (!exists(c, "SELECT to_regnamespace(?) IS NOT NULL", sch)) {
                missing.put("schema", "CREATE SCHEMA " + sch);
            }
            for (Map.Entry<String, String> t : tables().entrySet()) {
                if (!missing.containsKey("schema") && exists(c, "SELECT to_regclass(?) IS NOT NULL", table(t.getKey()))) {
                    continue;
                }
                missing.put(t.getKey(), "CREATE TABLE " + table(t.getKey()) + " (" + t.getValue().replace("%s", sch) + ")");
            }
            for (String ddl : missing.values()) {
                s.execute(ddl);
            }
            s.execute("INSERT INTO " + table("meta") + " (key, value) VALUES ('schema_version', '" + SCHEMA_VERSION
                    + "') ON CONFLICT (key) DO NOTHING");
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
        version(c);
    }

    /**
     * The tables of schema version 1 by name, their columns as SQL ({@code %s} standing for the
     * schema), in the order they are created (a reference needs its table): what a DBA creates
     * beforehand for a role without CREATE.
     */
    public static Map<String, String> tables() {
        Map<String, String> t = new LinkedHashMap<>();
        t.put("meta", "key text PRIMARY KEY, value text NOT NULL");
        // status, stage and serial repeat the document so that a dashboard can SELECT them.
        t.put("state", "name text PRIMARY KEY, lineage text, serial bigint NOT NULL DEFAULT 0 CHECK (serial >= 0),"
                + " status text, stage text, spec_digest text, doc jsonb, updated_at timestamptz");
        // The key is the second fence: two writes of one serial cannot both commit, whatever the lock did.
        t.put("history", "name text NOT NULL REFERENCES %s.state (name), serial bigint NOT NULL, seq int NOT NULL,"
                + " at timestamptz NOT NULL, event text NOT NULL, lineage text, doc jsonb NOT NULL, PRIMARY KEY (name, serial, seq)");
        t.put("hook", "name text PRIMARY KEY, record bytea NOT NULL");
        // Who a session is, written before it waits for a row lock; a waiter that gives up reads it without the lock.
        t.put("holder", "pid int PRIMARY KEY, backend_start timestamptz NOT NULL, info text NOT NULL");
        return t;
    }

    /** The version the schema says it is; 0 when it has none yet; a newer one than this rollout knows is refused. */
    private int version(Connection c) throws SQLException {
        String v;
        try (PreparedStatement q = c.prepareStatement("SELECT value FROM " + table("meta") + " WHERE key = 'schema_version'")) {
            try (ResultSet rs = q.executeQuery()) {
                v = rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState()) || "3F000".equals(e.getSQLState())) {
                return 0;
            }
            throw e;
        }
        if (v == null) {
            return 0;
        }
        int version;
        try {
            version = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw RolloutException.input(Location.file(url.shown()), "the schema " + url.schema()
                    + " has schema_version '" + v + "' in its meta table, not a number");
        }
        if (version != SCHEMA_VERSION) {
            throw RolloutException.input(Location.file(url.shown()), "the schema " + url.schema() + " is version " + version
                    + "; this rollout knows version " + SCHEMA_VERSION
                    + (version > SCHEMA_VERSION ? " (was it written by a newer rollout? use that one)" : ""));
        }
        return version;
    }

    private static boolean exists(Connection c, String sql, String name) throws SQLException {
        try (PreparedStatement q = c.prepareStatement(sql)) {
            q.setString(1, name);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    // ------------------------------------------------------------------ failures

    /**
     * The driver's or server's failure as one line naming the store without its password: exit 1
     * for a server that cannot be reached, a login refused, a database that does not exist.
     */
    RolloutException failure(SQLException e, String doing) {
        String code = e.getSQLState() == null ? "" : e.getSQLState();
        String reason = url.scrub(dev.rollout.state.IoReason.firstLine(e.getMessage()));
        String what;
        // 08004: the driver's own refusal, e.g. a server asking for a password none was given.
        if (code.startsWith("28") || code.equals("08004")) {
            what = "the server refused the login: " + reason;
        } else if (code.startsWith("08")) {
            what = "cannot reach the state store: " + reason;
        } else if (code.equals("3D000")) {
            what = "no such database: " + reason;
        } else if (code.equals("42501")) {
            what = "permission denied (see README, Shared state, for the grants): " + reason;
        } else {
            what = doing + ": " + reason + (code.isEmpty() ? "" : " (SQLSTATE " + code + ")");
        }
        return new RolloutException(RolloutException.Kind.INPUT, Location.file(url.shown()), what, e);
    }
}
