package dev.rollout.state;

import dev.rollout.state.pg.PgStore;
import dev.rollout.state.pg.PgUrl;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** The PostgreSQL backend keeps the promises of every backend, on a real server, logged in with a password. */
class PgBackendTest extends StateBackendContract {

    private final String url = PgServer.freshUrl();

    private PgStore store(StateBackend.Options options) {
        return new PgStore(PgUrl.parse(url, Map.of()), options, Duration.ofMinutes(5));
    }

    @Override
    protected StateBackend backend(String key, StateBackend.Options options) {
        return store(options).open(key, options);
    }

    @Override
    protected StateRepository repository(StateBackend.Options options) {
        return store(options);
    }

    /** Another session of this process: the row lock is the session's, not the process's. */
    @Override
    protected Holder holdLock(String key, String command) throws Exception {
        return holdOnThread(backend(key, new StateBackend.Options(Duration.ofSeconds(5), Clock.systemUTC(), command,
                Optional.empty())));
    }

    @Override
    protected Optional<String> secret() {
        return Optional.of(PgServer.PASSWORD);
    }
}
