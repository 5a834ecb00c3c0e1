package dev.rollout.cli;

import dev.rollout.ControlCharacters;
import dev.rollout.RolloutException;
import dev.rollout.spec.SpecWarmUp;
import picocli.CommandLine;
import picocli.CommandLine.IFactory;

import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.util.Arrays;
import java.util.Map;

/**
 * Builds the command line and maps every failure to an exit code and one message, in one
 * place: a {@link RolloutException} to its kind's code (1 or 5) and its located message,
 * anything else to 1 as an internal error. With {@code -o json} the error is a JSON document
 * on stdout too, so a script always has one document to parse. On stderr the message is one
 * line whatever it quotes: its control characters are escaped.
 */
public final class Cli {

    private Cli() {
    }

    /** Runs the CLI with {@code env}; returns the exit code. Used by {@link Main} and by tests. */
    public static int run(Env env, String... args) {
        String only = only(args);
        // While picocli builds its model of the command, below.
        if (only != null && SpecCommand.class.isAssignableFrom(RolloutCommand.SUBCOMMANDS.get(only))) {
            Class<?> command = RolloutCommand.SUBCOMMANDS.get(only);
            inBackground("rollout-warm-up", () -> {
                annotations(command);
                SpecWarmUp.run();
            });
        }
        if ("evaluate".equals(only) && wantsJson(args)) {
            inBackground("rollout-json", () -> Printer.prepare(Views.EvaluateView.class));
        }
        CommandLine cl = build(env, only, asksVersion(args));
        return cl.execute(args);
    }

    /**
     * Runs {@code work} on a daemon thread beside this one: what the run would otherwise do in
     * series later (see {@link #annotations}, {@link SpecWarmUp}, {@link Printer#prepare}).
     * Reflection and class initialization are safe from two threads; a thread that comes second
     * waits for the first or takes its result.
     */
    private static void inBackground(String name, Runnable work) {
        Thread t = new Thread(work, name);
        t.setDaemon(true);
        t.start();
    }

    /**
     * Reads the annotations of {@code type} and of its mixins, which picocli's model of the
     * command reads in a moment: the JDK parses each annotation once and makes a proxy class per
     * annotation type, 35 ms of the 60 to 100 ms picocli takes for a command here.
     */
    private static void annotations(Class<?> type) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            c.getDeclaredAnnotations();
            for (java.lang.reflect.Field f : c.getDeclaredFields()) {
                if (f.isAnnotationPresent(CommandLine.Mixin.class)) {
                    annotations(f.getType());
                }
                f.getDeclaredAnnotations();
            }
            for (java.lang.reflect.Method m : c.getDeclaredMethods()) {
                m.getDeclaredAnnotations();
            }
        }
    }

    /**
     * Whether the run may print the version. The root's options are inherited by every
     * subcommand, and picocli copies the version into each one it adds, asking the provider:
     * a run that cannot print it should not read the build's properties and look for engines.
     */
    static boolean asksVersion(String[] args) {
        for (String a : args) {
            if (a.equals("-V") || a.equals("--version") || a.startsWith("-") && !a.startsWith("--") && a.length() > 2
                    && a.indexOf('V') > 0) {
                return true;
            }
        }
        return false;
    }

    /** The whole command line, every subcommand in it (help, completion scripts). */
    public static CommandLine build(Env env) {
        return build(env, null);
    }

    /**
     * The subcommand {@code args} run, when the first argument names one that needs no
     * sibling: {@code completion} describes them all, and anything else (an option, a typo
     * that deserves suggestions, {@code --help}) gets the whole command line.
     */
    static String only(String[] args) {
        if (args.length == 0 || args[0].equals("completion") || !RolloutCommand.SUBCOMMANDS.containsKey(args[0])) {
            return null;
        }
        return args[0];
    }

    static CommandLine build(Env env, String only) {
        return build(env, only, true);
    }

    private static CommandLine build(Env env, String only, boolean version) {
        EnvFactory factory = new EnvFactory(env);
        CommandLine cl = new CommandLine(new RolloutCommand(), factory);
        if (!version) {
            cl.getCommandSpec().versionProvider(() -> new String[0]);
        }
        for (Map.Entry<String, Class<?>> sub : RolloutCommand.SUBCOMMANDS.entrySet()) {
            if (only == null || only.equals(sub.getKey())) {
                try {
                    cl.addSubcommand(sub.getKey(), new CommandLine(factory.create(sub.getValue()), factory));
                } catch (Exception e) {
                    throw new IllegalStateException("cannot create the " + sub.getKey() + " command", e);
                }
            }
        }
        cl.setOut(env.out());
        cl.setErr(env.err());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> handle(env, e, commandLine));
        cl.setParameterExceptionHandler((e, args) -> {
            if (wantsJson(args)) {
                env.out().println(Printer.toJson(new Views.ErrorView(new Views.ErrorBody(2, e.getMessage()))));
                env.out().flush();
            }
            env.err().println("rollout: " + ControlCharacters.escaped(e.getMessage()));
            CommandLine.UnmatchedArgumentException.printSuggestions(e, env.err());
            env.err().println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for more information.");
            env.err().flush();
            return 2;
        });
        return cl;
    }

    private static int handle(Env env, Exception e, CommandLine commandLine) {
        boolean json = false;
        boolean verbose = false;
        if (commandLine.getCommand() instanceof WithCommonOptions w && w.common() != null) {
            json = "json".equalsIgnoreCase(w.common().output);
            verbose = w.common().verbose;
        }
        int code;
        String message;
        if (e instanceof RolloutException re) {
            code = re.kind().exitCode();
            message = re.describe();
        } else {
            code = 1;
            message = "internal error: " + e + (verbose ? "" : " (run with --verbose for the stack trace)");
        }
        if (json) {
            env.out().println(Printer.toJson(new Views.ErrorView(new Views.ErrorBody(code, message))));
            env.out().flush();
        }
        env.err().println("rollout: " + ControlCharacters.escaped(message));
        if (verbose) {
            trace(env.err(), e, "");
        }
        env.err().flush();
        return code;
    }

    /** The stack trace, each message on one escaped line like the error itself (printStackTrace would print it raw). */
    private static void trace(PrintWriter err, Throwable t, String prefix) {
        err.println(prefix + ControlCharacters.escaped(t.toString()));
        for (StackTraceElement frame : t.getStackTrace()) {
            err.println("    at " + frame);
        }
        if (t.getCause() != null && t.getCause() != t) {
            trace(err, t.getCause(), "Caused by: ");
        }
    }

    private static boolean wantsJson(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-ojson") || a.equals("--output=json")
                    || ((a.equals("-o") || a.equals("--output")) && i + 1 < args.length && args[i + 1].equals("json"))) {
                return true;
            }
        }
        return false;
    }

    /** Creates commands with the {@link Env} they need; everything else the default way. */
    private record EnvFactory(Env env) implements IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            boolean takesEnv = Arrays.stream(cls.getDeclaredConstructors())
                    .anyMatch(c -> c.getParameterCount() == 1 && c.getParameterTypes()[0] == Env.class);
            if (takesEnv) {
                Constructor<K> c = cls.getDeclaredConstructor(Env.class);
                c.setAccessible(true);
                return c.newInstance(env);
            }
            return CommandLine.defaultFactory().create(cls);
        }
    }

}
