package dev.rollout.state.pg;

import dev.rollout.state.HookSlot;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The rollout's row of the {@code hook} table: the record of the apply hook running under the
 * row lock. Written on a session of its own, autocommitted, so that it outlives a holder
 * killed while the hook runs (the holder's own transaction is rolled back then).
 */
final class PgHookSlot implements HookSlot {

    private final PgStore store;
    private final String name;
    private final String location;
    private final Supplier<Connection> lockHolder;

    /** @param lockHolder the session holding the row lock now, if any: a read under the lock needs no session of its own */
    PgHookSlot(PgStore store, String name, String backendLocation, Supplier<Connection> lockHolder) {
        this.store = store;
        this.lockHolder = lockHolder;
        this.name = name;
        this.location = backendLocation + " (table " + store.table("hook") + ")";
    }

    @Override
    public Optional<byte[]> read() throws IOException {
        Connection holding = lockHolder.get();
        try {
            if (holding != null) {
                // Under the lock (where the runner reads it first of all): no new session inside the critical section.
                return read(holding);
            }
            try (Connection c = store.connect("hook record")) {
                return read(c);
            }
        } catch (SQLException e) {
            throw new IOException(store.failure(e, "cannot read the hook record").getMessage(), e);
        }
    }

    private Optional<byte[]> read(Connection c) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT record FROM " + store.table("hook") + " WHERE name = ?")) {
            q.setString(1, name);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
            }
        }
    }

    @Override
    public void write(byte[] record) throws IOException {
        try (Connection c = store.connect("hook record");
             PreparedStatement u = c.prepareStatement("INSERT INTO " + store.table("hook") + " (name, record) VALUES (?, ?)"
                     + " ON CONFLICT (name) DO UPDATE SET record = EXCLUDED.record")) {
            u.setString(1, name);
            u.setBytes(2, record);
            u.executeUpdate();
        } catch (SQLException e) {
            throw new IOException(store.failure(e, "cannot write the hook record").getMessage(), e);
        }
    }

    @Override
    public void clear() {
        try (Connection c = store.connect("hook record");
             PreparedStatement d = c.prepareStatement("DELETE FROM " + store.table("hook") + " WHERE name = ?")) {
            d.setString(1, name);
            d.executeUpdate();
        } catch (SQLException | RuntimeException e) {
            // The next holder finds it, finds no process of the hook and says so: safe, only noisy.
        }
    }

    @Override
    public String location() {
        return location;
    }
}
