package dev.rollout.spec;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Commands the spec declares, the only thing a spec ever makes rollout run.
 *
 * @param apply   moves the real traffic; runs before the state moves, and a failure stops the move
 * @param notifyHook told of every recorded event; a failure is only a warning
 * @param timeout how long either may run before it is killed
 */
public record HooksSpec(Optional<Command> apply, Optional<Command> notifyHook, Duration timeout) {

    public static final HooksSpec NONE = new HooksSpec(Optional.empty(), Optional.empty(), Duration.ofMinutes(5));

    /** An argv list, run as it is, or one string run by {@code sh -c}. */
    public record Command(List<String> argv, boolean shell) {
        public Command {
            argv = List.copyOf(argv);
        }

        /** What to start: the argv, or {@code sh -c STRING}. */
        public List<String> processArgs() {
            return shell ? List.of("/bin/sh", "-c", argv.get(0)) : argv;
        }

        public String display() {
            return shell ? argv.get(0) : String.join(" ", argv);
        }
    }
}
