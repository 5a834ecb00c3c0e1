package dev.rollout.hooks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The processes of one hook run: the hook and everything it started. Java cannot put a child
 * in a new process group, so the hook is started through {@code setsid} when the system has
 * it (Linux: util-linux), which makes the hook the leader of its own session and process group;
 * Ctrl-C at a terminal then reaches rollout, which ends the group, and never the hook alone.
 * Every hook process also inherits {@value #ID_VARIABLE}, a random id, so that a process that
 * left the group, or a group whose leader has exited, is still found.
 *
 * <p>On Linux the members are read from {@code /proc} (process group and environment). Without
 * {@code /proc} only the hook process and its descendants are known, and a hook left by a
 * killed rollout only while the hook process itself lives.
 *
 * <p>A command source ({@code metrics/command}) runs its command in a group of its own the same way.
 */
public final class HookGroup {

    /** In every hook process's environment: the id of this hook run. */
    static final String ID_VARIABLE = "ROLLOUT_HOOK_ID";

    private static final Path PROC = Path.of("/proc");
    private static final Duration KILL_WAIT = Duration.ofSeconds(5);
    private static final long POLL_MS = 20;
    private static final Optional<Path> SETSID = Stream.of("/usr/bin/setsid", "/bin/setsid", "/usr/local/bin/setsid")
            .map(Path::of).filter(Files::isExecutable).findFirst();

    private final String id;
    private final boolean ownGroup;
    private volatile long leaderPid;
    private volatile Optional<ProcessHandle> leader;

    private HookGroup(String id, boolean ownGroup, long leaderPid, Optional<ProcessHandle> leader) {
        this.id = id;
        this.ownGroup = ownGroup;
        this.leaderPid = leaderPid;
        this.leader = leader;
    }

    /** A hook about to start, with a new id; in a group of its own when {@code setsid} exists. */
    public static HookGroup forNewHook() {
        return new HookGroup(UUID.randomUUID().toString(), SETSID.isPresent(), 0, Optional.empty());
    }

    /**
     * The processes of a hook that another rollout started: its id, and its leader when the pid
     * still names the process that started at {@code start} (a pid may have been reused since).
     */
    static HookGroup leftBehind(String id, boolean ownGroup, Optional<Long> pid, Optional<Instant> start) {
        Optional<ProcessHandle> leader = pid.flatMap(ProcessHandle::of)
                .filter(h -> start.isPresent() && h.info().startInstant().equals(start));
        return new HookGroup(id, ownGroup, pid.orElse(0L), leader);
    }

    String id() {
        return id;
    }

    boolean ownGroup() {
        return ownGroup;
    }

    /** The hook's argv, through {@code setsid} when the hook gets a group of its own. */
    public List<String> command(List<String> argv) {
        if (!ownGroup) {
            return argv;
        }
        List<String> command = new ArrayList<>();
        command.add(SETSID.orElseThrow().toString());
        command.addAll(argv);
        return command;
    }

    /** The hook process has started; it leads the group (setsid does not fork: the child of a JVM leads no group). */
    public void started(Process process) {
        this.leaderPid = process.pid();
        this.leader = Optional.of(process.toHandle());
    }

    /** {@code process group 123} when the hook leads one, else {@code pid 123}. */
    static String describe(boolean ownGroup, long pid) {
        return (ownGroup ? "process group " : "pid ") + pid;
    }

    public String describe() {
        return describe(ownGroup, leaderPid);
    }

    /** How ending the group went: how many processes were signalled, and whether none is left. */
    public record End(int signalled, boolean ended) {
    }

    /**
     * Ends every process of the hook: SIGTERM, {@code grace} to exit, then SIGKILL, then waits
     * (a few seconds at most) until none is left. Processes that appear meanwhile (a fork in
     * flight) are signalled too.
     */
    public End end(Duration grace) {
        Set<Long> signalled = new HashSet<>();
        long graceEnd = System.nanoTime() + grace.toNanos();
        boolean kill = false;
        long killEnd = 0;
        while (true) {
            List<ProcessHandle> members = members();
            if (members.isEmpty()) {
                return new End(signalled.size(), true);
            }
            if (!kill && System.nanoTime() - graceEnd > 0) {
                kill = true;
                killEnd = System.nanoTime() + KILL_WAIT.toNanos();
            }
            if (kill && System.nanoTime() - killEnd > 0) {
                return new End(signalled.size(), false);
            }
            for (ProcessHandle p : members) {
                // A handle remembers the start time it was found with: a reused pid is not signalled.
                if (kill) {
                    p.destroyForcibly();
                    signalled.add(p.pid());
                } else if (signalled.add(p.pid())) {
                    p.destroy();
                }
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new End(signalled.size(), members().isEmpty());
            }
        }
    }

    /** Whether this system shows every process's group and environment (Linux {@code /proc}). */
    static boolean seesProcesses() {
        return Files.isReadable(PROC.resolve("self/stat"));
    }

    /** The live processes of the hook (a zombie has ended; it only waits to be reaped). */
    List<ProcessHandle> members() {
        if (!seesProcesses()) {
            return leader.filter(ProcessHandle::isAlive)
                    .map(h -> Stream.concat(Stream.of(h), h.descendants()).filter(ProcessHandle::isAlive).toList())
                    .orElse(List.of());
        }
        long self = ProcessHandle.current().pid();
        List<Long> carriers = new ArrayList<>();
        List<Long> inGroup = new ArrayList<>();
        // isAlive checks the start time too: a leader that has died does not lend its pid to a stranger.
        Optional<ProcessHandle> liveLeader = leader.filter(ProcessHandle::isAlive);
        boolean groupIsOurs = liveLeader.isPresent();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(PROC, p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path p : dir) {
                long pid = Long.parseLong(p.getFileName().toString());
                Optional<Long> group = liveProcessGroup(p);
                if (pid == self || group.isEmpty()) {
                    continue;
                }
                boolean inOurGroup = ownGroup && leaderPid > 0 && group.get() == leaderPid;
                boolean isLeader = liveLeader.map(h -> h.pid() == pid).orElse(false);
                if (isLeader || carriesId(p)) {
                    carriers.add(pid);
                    groupIsOurs |= inOurGroup;
                } else if (inOurGroup) {
                    inGroup.add(pid);
                }
            }
        } catch (IOException e) {
            // /proc vanished under us: report what was found
        }
        if (groupIsOurs) {
            // The group is this hook's (its leader, or a member with the id): a member that cleared its environment is in it too.
            carriers.addAll(inGroup);
        }
        return carriers.stream()
                .map(pid -> liveLeader.filter(h -> h.pid() == pid).or(() -> ProcessHandle.of(pid)))
                .flatMap(Optional::stream).toList();
    }

    /** The process group of a running process, from {@code /proc/<pid>/stat}; empty for a zombie or a process gone. */
    private static Optional<Long> liveProcessGroup(Path proc) {
        try {
            String stat = Files.readString(proc.resolve("stat"), StandardCharsets.ISO_8859_1);
            // The command name in parentheses may itself contain ") ": the fields follow the last one.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            if (fields[0].equals("Z") || fields[0].equals("X")) {
                return Optional.empty();
            }
            return Optional.of(Long.parseLong(fields[2]));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private boolean carriesId(Path proc) {
        byte[] environ;
        try {
            environ = Files.readAllBytes(proc.resolve("environ"));
        } catch (IOException | SecurityException e) {
            // another user's process: not one this rollout started
            return false;
        }
        byte[] wanted = (ID_VARIABLE + "=" + id).getBytes(StandardCharsets.ISO_8859_1);
        int start = 0;
        for (int i = 0; i <= environ.length; i++) {
            if (i == environ.length || environ[i] == 0) {
                if (i - start == wanted.length && Arrays.equals(environ, start, i, wanted, 0, wanted.length)) {
                    return true;
                }
                start = i + 1;
            }
        }
        return false;
    }

    /** The environment a hook gets besides its own variables. */
    public Map<String, String> environment() {
        return Map.of(ID_VARIABLE, id);
    }
}
