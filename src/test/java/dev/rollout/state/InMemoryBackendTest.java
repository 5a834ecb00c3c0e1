package dev.rollout.state;

import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** The in-memory backend keeps the promises of every backend. */
class InMemoryBackendTest extends StateBackendContract {

    private final InMemoryStore store = new InMemoryStore("memory://ana:hunter2@test");

    @Override
    protected StateBackend backend(String key, StateBackend.Options options) {
        return store.open(key, options);
    }

    @Override
    protected StateRepository repository(StateBackend.Options options) {
        return store;
    }

    @Override
    protected Holder holdLock(String key, String command) throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        StateBackend other = store.open(key, new StateBackend.Options(java.time.Duration.ofSeconds(5),
                java.time.Clock.systemUTC(), command, Optional.empty()));
        Thread thread = new Thread(() -> other.update(current -> {
            holding.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Update.none(null);
        }));
        thread.start();
        if (!holding.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("the holder never got the lock");
        }
        return new Holder() {
            @Override
            public long pid() {
                return ProcessHandle.current().pid();
            }

            @Override
            public void close() throws InterruptedException {
                release.countDown();
                thread.join(10_000);
            }
        };
    }

    @Override
    protected Optional<String> secret() {
        return Optional.of("hunter2");
    }
}
