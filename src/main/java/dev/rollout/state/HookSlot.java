package dev.rollout.state;

import java.io.IOException;
import java.util.Optional;

/**
 * Where a backend keeps the record of the apply hook running under its lock (the hooks
 * package writes and reads what is in it): read and written only by the lock holder, so it
 * needs no lock of its own. A file beside the lock file for the file backend; a row of its
 * own for a database.
 */
public interface HookSlot {

    /** The record left there, or empty; an {@link IOException} whose message says why it cannot be one. */
    Optional<byte[]> read() throws IOException;

    /** Replaces the record, durably before it returns: a rollout killed the moment after must leave it. */
    void write(byte[] record) throws IOException;

    /** Removes the record; best effort (a record left behind is found, checked and removed by the next holder). */
    void clear();

    /** Where the record is, for a person to remove it by hand: no secret in it. */
    String location();
}
