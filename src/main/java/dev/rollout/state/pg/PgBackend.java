package dev.rollout.state.pg;

import dev.rollout.RolloutException;
import dev.rollout.RolloutException.Location;
import dev.rollout.lifecycle.HistoryEvent;
import dev.rollout.lifecycle.RolloutState;
import dev.rollout.state.HookSlot;
import dev.rollout.state.LockHolder;
import dev.rollout.state.LockWait;
import dev.rollout.state.StateBackend;
import dev.rollout.state.StateCodec;
import dev.rollout.state.Update;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One rollout's row of a {@link PgStore}: its state document and its history rows.
 *
 * <p>A write is one transaction: {@code lock_timeout} set to {@code --lock-timeout}, the row
 * locked {@code FOR UPDATE} (the server queues the waiters), re-read, the change decided (the
 * apply hook runs here, under the lock), the serial compared-and-set, the events inserted, commit.
 * A writer killed before its commit leaves nothing; one frozen (SIGSTOP, a partitioned host) loses
 * its session, and so its lock, after the lease it set on its own session
 * ({@code idle_in_transaction_session_timeout}); continued, it finds its transaction gone.
 */
public final class PgBackend implements StateBackend {

    private final PgStore store;
    private final String name;
    private final Options options;
    /** The session holding the row lock while a change decides, on the thread that runs it; null otherwise. */
    private volatile Connection locked;

    PgBackend(PgStore store, String name, Options options) {
        this.store = Objects.requireNonNull(store, "store");
        this.name = Objects.requireNonNull(name, "name");
        this.options = Objects.requireNonNull(options, "options");
    }

    @Override
    public String location() {
        return store.url().shown() + "#" + name;
    }

    @Override
    public HookSlot hookSlot() {
        return new PgHookSlot(store, name, location(), () -> locked);
    }

    // ------------------------------------------------------------------ reading

    @Override
    public Optional<RolloutState> read() {
        try (Connection c = store.connect(options.command())) {
            return read(c, false);
        } catch (SQLException e) {
            throw store.failure(e, "cannot read the state");
        }
    }

    private Optional<RolloutState> read(Connection c, boolean forUpdate) throws SQLException {
        String sql = "SELECT doc::text FROM " + store.table("state") + " WHERE name = ?";
        if (forUpdate) {
            // lock_timeout 0 means "wait for ever" to the server: --lock-timeout 0 means "do not wait".
            sql += options.lockTimeout().isZero() ? " FOR UPDATE NOWAIT" : " FOR UPDATE";
        }
        try (PreparedStatement q = c.prepareStatement(sql)) {
            q.setString(1, name);
            try (ResultSet rs = q.executeQuery()) {
                String doc = rs.next() ? rs.getString(1) : null;
                if (doc == null) {
                    return Optional.empty();
                }
                return options.requireRollout(Optional.of(StateCodec.decodeState(doc.getBytes(StandardCharsets.UTF_8),
                        location(), () -> "")), location());
            }
        }
    }

    /** Every row belongs to a committed write: the state and its history are read in one snapshot. */
    @Override
    public List<HistoryEvent> history(Consumer<String> warnings) {
        try (Connection c = store.connect(options.command())) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            read(c, false);
            List<HistoryEvent> events = new ArrayList<>();
            try (PreparedStatement q = c.prepareStatement("SELECT serial, seq, doc::text FROM " + store.table("history")
                    + " WHERE name = ? ORDER BY serial, seq")) {
                q.setString(1, name);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        try {
                            events.add(StateCodec.decodeEvent(rs.getString(3)).event());
                        } catch (IOException e) {
                            throw RolloutException.input(Location.file(location()), "history row (serial " + rs.getLong(1)
                                    + ", seq " + rs.getInt(2) + ") is not an event: " + dev.rollout.state.IoReason.of(e));
                        }
                    }
                }
            }
            c.commit();
            return events;
        } catch (SQLException e) {
            throw store.failure(e, "cannot read the history");
        }
    }

    // ------------------------------------------------------------------ writing

    @Override
    public <T> T update(Function<Optional<RolloutState>, Update<T>> change) {
        Objects.requireNonNull(change, "change");
        try (Connection c = store.connect(options.command())) {
            Optional<RolloutState> current = lockRow(c);
            Update<T> update;
            locked = c;
            try {
                update = Objects.requireNonNull(change.apply(current), "the change returned no update");
            } finally {
                locked = null;
            }
            if (update.newState().isEmpty()) {
                c.rollback();
                return update.result();
            }
            update.verify(current);
            commit(c, current, update.newState().get(), update.events());
            return update.result();
        } catch (SQLException e) {
            throw store.failure(e, "cannot write the state");
        }
    }

    @Override
    public void adopt(RolloutState state, List<HistoryEvent> history) {
        try (Connection c = store.connect(options.command())) {
            Optional<RolloutState> current = lockRow(c);
            if (current.isPresent()) {
                throw StateBackend.alreadyHeld(location(), current.get());
            }
            commit(c, current, state, history);
        } catch (SQLException e) {
            throw store.failure(e, "cannot write the state");
        }
    }

    /** Announces this session, opens the transaction and locks the row: the state as it is under the lock. */
    private Optional<RolloutState> lockRow(Connection c) throws SQLException {
        announce(c);
        c.setAutoCommit(false);
        try {
            try (Statement s = c.createStatement()) {
                if (!options.lockTimeout().isZero()) {
                    s.execute("SET LOCAL lock_timeout = " + Math.max(1, options.lockTimeout().toMillis()));
                }
                s.execute("SET LOCAL idle_in_transaction_session_timeout = " + store.lease().toMillis());
            }
            return unsafeNoLock() ? read(c, false) : read(c, true);
        } catch (SQLException e) {
            if ("55P03".equals(e.getSQLState())) {
                c.rollback();
                c.setAutoCommit(true);
                throw LockWait.lockedBy(location(), holder(c), options.lockTimeout());
            }
            throw notWritten(e);
        }
    }

    /** The compare-and-set and the events, then the commit, each failure said with whether anything was written. */
    private void commit(Connection c, Optional<RolloutState> current, RolloutState next, List<HistoryEvent> events) {
        try {
            write(c, current, next, events);
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                throw RolloutException.conflict("the state " + location() + " changed under this write (serial "
                        + next.serial() + " is already taken); nothing was written, run the command again");
            }
            throw notWritten(e);
        }
        try {
            c.commit();
        } catch (SQLException e) {
            throw commitUnknown(e, next);
        }
    }

    /**
     * Before the transaction, autocommitted: the row to lock (a sentinel of serial 0 for a new
     * rollout, race-free), and who this session is, for a writer that waits in vain.
     */
    private void announce(Connection c) throws SQLException {
        try (PreparedStatement row = c.prepareStatement("INSERT INTO " + store.table("state")
                + " (name) VALUES (?) ON CONFLICT (name) DO NOTHING");
             PreparedStatement who = c.prepareStatement("INSERT INTO " + store.table("holder")
                     + " (pid, backend_start, info) SELECT pid, backend_start, ? FROM pg_stat_activity WHERE pid = pg_backend_pid()"
                     + " ON CONFLICT (pid) DO UPDATE SET backend_start = EXCLUDED.backend_start, info = EXCLUDED.info")) {
            row.setString(1, name);
            row.executeUpdate();
            who.setString(1, LockHolder.thisProcess(options.command(), options.clock()).toJson());
            who.executeUpdate();
        }
    }

    private void write(Connection c, Optional<RolloutState> current, RolloutState next, List<HistoryEvent> events)
            throws SQLException {
        String doc;
        try {
            doc = new String(StateCodec.encodeState(next), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the state as JSON", e);
        }
        long old = current.map(RolloutState::serial).orElse(0L);
        try (PreparedStatement u = c.prepareStatement("UPDATE " + store.table("state")
                + " SET serial = ?, doc = ?::jsonb, status = ?, stage = ?, spec_digest = ?, lineage = ?, updated_at = ?"
                + " WHERE name = ?" + (unsafeNoLock() ? "" : " AND serial = ?"))) {
            u.setLong(1, next.serial());
            u.setString(2, doc);
            u.setString(3, next.status().name());
            u.setString(4, next.stage().name());
            u.setString(5, next.specDigest());
            u.setString(6, next.lineage());
            u.setTimestamp(7, Timestamp.from(next.updatedAt()));
            u.setString(8, name);
            if (!unsafeNoLock()) {
                u.setLong(9, old);
            }
            if (u.executeUpdate() != 1) {
                throw RolloutException.conflict("the state " + location() + " changed under this write (it is no longer serial "
                        + old + "); nothing was written, run the command again");
            }
        }
        try (PreparedStatement h = c.prepareStatement("INSERT INTO " + store.table("history")
                + " (name, serial, seq, at, event, lineage, doc) VALUES (?, ?, ?, ?, ?, ?, ?::jsonb)")) {
            int seq = 0;
            int rows = 0;
            long serial = -1;
            for (HistoryEvent e : events) {
                // The order inside one write; a moved history holds many writes.
                seq = e.serial() == serial ? seq + 1 : 0;
                serial = e.serial();
                rows++;
                h.setString(1, name);
                h.setLong(2, e.serial());
                h.setInt(3, seq);
                h.setTimestamp(4, Timestamp.from(e.at()));
                h.setString(5, e.event().name());
                h.setString(6, e.lineage());
                try {
                    h.setString(7, StateCodec.encodeEvent(e));
                } catch (IOException x) {
                    throw new IllegalStateException("cannot write the event as JSON", x);
                }
                h.addBatch();
            }
            if (rows > 0) {
                h.executeBatch();
            }
        } catch (java.sql.BatchUpdateException e) {
            throw e.getNextException() != null ? e.getNextException() : e;
        }
    }

    /** Who holds the row lock now, read without it: the session whose transaction locked the row, and what it said it is. */
    private String holder(Connection c) {
        try (PreparedStatement q = c.prepareStatement("SELECT a.pid, a.usename, a.application_name, h.info"
                + " FROM pg_stat_activity a LEFT JOIN " + store.table("holder") + " h ON h.pid = a.pid AND h.backend_start = a.backend_start"
                + " WHERE a.backend_xid = (SELECT xmax FROM " + store.table("state") + " WHERE name = ?)")) {
            q.setString(1, name);
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    return "another session (gone by now)";
                }
                Optional<LockHolder> said = rs.getString(4) == null ? Optional.empty() : LockHolder.fromJson(rs.getString(4));
                String server = " [server pid " + rs.getInt(1) + "]";
                return said.map(h -> h.describe() + server).orElseGet(() -> new LockHolder("?", "?", rs2(rs, 2),
                        rs2(rs, 3), "?").describe() + server);
            }
        } catch (SQLException | IOException e) {
            return "another session (cannot tell which: " + store.url().scrub(e.getMessage()) + ")";
        }
    }

    private static String rs2(ResultSet rs, int column) {
        try {
            return Objects.requireNonNullElse(rs.getString(column), "?");
        } catch (SQLException e) {
            return "?";
        }
    }

    private RolloutException notWritten(SQLException e) {
        RolloutException f = store.failure(e, "cannot write the state");
        return new RolloutException(f.kind(), f.location(), f.getMessage()
                + "; the write was not committed, the state is unchanged", e);
    }

    /** A commit whose answer was lost: whether it happened is asked again on a new session. */
    private RolloutException commitUnknown(SQLException e, RolloutState next) {
        String outcome;
        try {
            outcome = read().filter(next::equals).isPresent()
                    ? "the write was committed (serial " + next.serial() + ")"
                    : "the write was not committed, the state is unchanged";
        } catch (RolloutException again) {
            outcome = "whether the write was committed is unknown (run `rollout status` to see the serial; this write was serial "
                    + next.serial() + ")";
        }
        RolloutException f = store.failure(e, "cannot commit the state");
        return new RolloutException(f.kind(), f.location(), f.getMessage() + "; " + outcome, e);
    }

    /** The test-only switch of the file lock, for the control run that must lose or refuse writes. */
    private static boolean unsafeNoLock() {
        return "true".equals(System.getProperty("rollout.test.unsafeNoLock"))
                || "1".equals(System.getenv("ROLLOUT_TEST_UNSAFE_NO_LOCK"));
    }
}
