package dev.rollout.state;

import java.util.Optional;

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
        return holdOnThread(store.open(key, new StateBackend.Options(java.time.Duration.ofSeconds(5),
                java.time.Clock.systemUTC(), command, Optional.empty())));
    }

    @Override
    protected Optional<String> secret() {
        return Optional.of("hunter2");
    }
}
