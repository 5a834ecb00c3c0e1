package dev.rollout.state;

import dev.rollout.lifecycle.HistoryEvent;
import dev.rollout.lifecycle.RolloutState;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A store of rollouts held in memory (Terraform's {@code statemgr} fake): the second backend,
 * which shows what a backend has to do and passes {@link StateBackendContract} like the file
 * backend. Its {@code url} may carry a password, as a database URL would: {@link StateBackend#location()}
 * leaves it out.
 */
public final class InMemoryStore implements StateRepository {

    private final String url;
    private final Map<String, Slot> slots = new TreeMap<>();

    /** @param url e.g. {@code memory://ana:secret@test}; the part before {@code @} is never shown */
    public InMemoryStore(String url) {
        this.url = url;
    }

    /** One rollout's state and events, replaced together: a reader without the lock sees one write or the next. */
    private record Snapshot(Optional<RolloutState> state, List<HistoryEvent> events) {
    }

    private static final class Slot {
        final ReentrantLock lock = new ReentrantLock();
        volatile Snapshot snapshot = new Snapshot(Optional.empty(), List.of());
        volatile LockHolder holder;
        volatile byte[] hookRecord;
    }

    /** The backend of the rollout stored under {@code key}. */
    public StateBackend open(String key, StateBackend.Options options) {
        Slot slot;
        synchronized (slots) {
            slot = slots.computeIfAbsent(key, k -> new Slot());
        }
        return new Backend(key, slot, options);
    }

    @Override
    public List<Held> rollouts(Consumer<String> skipped) {
        List<Held> held = new ArrayList<>();
        synchronized (slots) {
            slots.forEach((key, slot) -> {
                if (slot.snapshot.state().isPresent()) {
                    held.add(new Held(key, new Backend(key, slot, new StateBackend.Options(Duration.ofSeconds(5),
                            Clock.systemUTC(), "rollout status", Optional.empty()))));
                }
            });
        }
        return held;
    }

    /** The url without its user information, which may hold a password. */
    private String shown() {
        int at = url.indexOf('@');
        int scheme = url.indexOf("://");
        return at < 0 || scheme < 0 ? url : url.substring(0, scheme + 3) + url.substring(at + 1);
    }

    private final class Backend implements StateBackend {
        private final String key;
        private final Slot slot;
        private final Options options;

        Backend(String key, Slot slot, Options options) {
            this.key = key;
            this.slot = slot;
            this.options = Objects.requireNonNull(options);
        }

        @Override
        public Optional<RolloutState> read() {
            return options.requireRollout(slot.snapshot.state(), location());
        }

        @Override
        public List<HistoryEvent> history(Consumer<String> warnings) {
            Snapshot s = slot.snapshot;
            options.requireRollout(s.state(), location());
            return s.events();
        }

        @Override
        public <T> T update(Function<Optional<RolloutState>, Update<T>> change) {
            Objects.requireNonNull(change, "change");
            long deadline = LockWait.deadline(options.lockTimeout());
            LockWait.acquire(() -> slot.lock.tryLock() ? slot.lock : null, deadline, options.lockTimeout(), location(),
                    () -> Optional.ofNullable(slot.holder).map(LockHolder::describe).orElse("another writer"));
            try {
                slot.holder = LockHolder.thisProcess(options.command(), options.clock());
                Optional<RolloutState> current = read();
                Update<T> update = Objects.requireNonNull(change.apply(current), "the change returned no update");
                if (update.newState().isPresent()) {
                    update.verify(current);
                    List<HistoryEvent> events = new ArrayList<>(slot.snapshot.events());
                    events.addAll(update.events());
                    slot.snapshot = new Snapshot(update.newState(), List.copyOf(events));
                }
                return update.result();
            } finally {
                slot.holder = null;
                slot.lock.unlock();
            }
        }

        @Override
        public void adopt(RolloutState state, List<HistoryEvent> history) {
            update(current -> {
                if (current.isPresent()) {
                    throw StateBackend.alreadyHeld(location(), current.get());
                }
                slot.snapshot = new Snapshot(Optional.of(state), List.copyOf(history));
                return Update.none(null);
            });
        }

        @Override
        public String location() {
            return shown() + "#" + key;
        }

        @Override
        public HookSlot hookSlot() {
            return new HookSlot() {
                @Override
                public Optional<byte[]> read() {
                    return Optional.ofNullable(slot.hookRecord).map(byte[]::clone);
                }

                @Override
                public void write(byte[] record) {
                    slot.hookRecord = record.clone();
                }

                @Override
                public void clear() {
                    slot.hookRecord = null;
                }

                @Override
                public String location() {
                    return Backend.this.location() + " (hook record)";
                }
            };
        }
    }
}
