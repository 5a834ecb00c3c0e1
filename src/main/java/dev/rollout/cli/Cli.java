package dev.rollout.cli;

import dev.rollout.RolloutException;
import picocli.CommandLine;
import picocli.CommandLine.IFactory;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Constructor;
import java.util.Arrays;

/**
 * Builds the command line and maps every failure to an exit code and one message, in one
 * place: a {@link RolloutException} to its kind's code (1 or 5) and its located message,
 * anything else to 1 as an internal error. With {@code -o json} the error is a JSON document
 * on stdout too, so a script always has one document to parse.
 */
public final class Cli {

    private Cli() {
    }

    /** Runs the CLI with {@code env}; returns the exit code. Used by {@link Main} and by tests. */
    public static int run(Env env, String... args) {
        CommandLine cl = build(env);
        return cl.execute(args);
    }

    public static CommandLine build(Env env) {
        CommandLine cl = new CommandLine(new RolloutCommand(), new EnvFactory(env));
        cl.setOut(env.out());
        cl.setErr(env.err());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> handle(env, e, commandLine));
        cl.setParameterExceptionHandler((e, args) -> {
            if (wantsJson(args)) {
                env.out().println(Printer.toJson(new Views.ErrorView(new Views.ErrorBody(2, e.getMessage()))));
                env.out().flush();
            }
            env.err().println("rollout: " + e.getMessage());
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
        env.err().println("rollout: " + message);
        if (verbose) {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            env.err().print(trace);
        }
        env.err().flush();
        return code;
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
