package dev.rollout.state;

import dev.rollout.RolloutException;
import dev.rollout.state.pg.PgStore;
import dev.rollout.state.pg.PgUrl;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A separate JVM for the process-level tests of the PostgreSQL backend; the parent gives it the URL.
 * <ul>
 *   <li>{@code loop URL NAME WORKER}: one update (so class loading is over), prints "started",
 *       then updates until killed;</li>
 *   <li>{@code hold URL NAME MILLIS COMMAND}: takes the lock, prints "locked", holds it MILLIS, writes nothing;</li>
 *   <li>{@code slow URL NAME MILLIS}: takes the lock, prints "locked", waits MILLIS (an apply hook that long), then
 *       tries to write the next serial; prints "committed" or the failure, and exits 1 on one.</li>
 * </ul>
 */
public final class PgWorker {

    private PgWorker() {
    }

    public static void main(String[] args) {
        String command = args[0].equals("hold") ? args[4] : "rollout approve (PgWorker " + args[0] + ")";
        StateBackend.Options options = new StateBackend.Options(Duration.ofSeconds(120), Clock.systemUTC(), command,
                Optional.empty());
        StateBackend backend = new PgStore(PgUrl.parse(args[1], Map.of()), options, Duration.ofSeconds(1)).open(args[2], options);
        switch (args[0]) {
            case "loop" -> {
                backend.update(Fixtures.increment(args[3], 0, 0));
                System.out.println("started");
                System.out.flush();
                for (int i = 1; ; i++) {
                    backend.update(Fixtures.increment(args[3], i, 0));
                }
            }
            case "hold" -> backend.update(current -> {
                System.out.println("locked");
                System.out.flush();
                sleep(Long.parseLong(args[3]));
                return Update.none(null);
            });
            case "slow" -> {
                try {
                    backend.update(current -> {
                        System.out.println("locked");
                        System.out.flush();
                        sleep(Long.parseLong(args[3]));
                        return Fixtures.increment("slow", 0, 0).apply(current);
                    });
                    System.out.println("committed");
                } catch (RolloutException e) {
                    System.out.println(e.describe());
                    System.exit(1);
                }
            }
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
