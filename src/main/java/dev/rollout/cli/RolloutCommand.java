package dev.rollout.cli;

import picocli.CommandLine.Command;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.IVersionProvider;

/** The top-level {@code rollout} command: only subcommands. */
@Command(name = "rollout", mixinStandardHelpOptions = true, versionProvider = RolloutCommand.Version.class,
        scope = picocli.CommandLine.ScopeType.INHERIT,
        description = "Release machine-learning models in stages: a spec in Git, CSV exports in, a decision out.",
        footer = {"", "Exit codes: 0 success/PROMOTE, 1 bad input or I/O error, 2 usage error, 3 HOLD, 4 ROLLBACK,"
                + " 5 conflict (lock timeout, --if-stage mismatch, rolled back, candidate changed)."})
public final class RolloutCommand {

    /**
     * The subcommands by name, in the order help lists them. Added by {@link Cli#build}, not
     * by the annotation, so a run builds only the one it runs: picocli's model of all eleven
     * is a third of a short command's start-up.
     */
    static final Map<String, Class<?>> SUBCOMMANDS = subcommands();

    private static Map<String, Class<?>> subcommands() {
        Map<String, Class<?>> m = new LinkedHashMap<>();
        m.put("plan", PlanCommand.class);
        m.put("evaluate", EvaluateCommand.class);
        m.put("advance", AdvanceCommand.class);
        m.put("rollback", RollbackCommand.class);
        m.put("status", StatusCommand.class);
        m.put("history", HistoryCommand.class);
        m.put("approve", ApproveCommand.class);
        m.put("report", ReportCommand.class);
        m.put("state", StateCommand.class);
        m.put("init", InitCommand.class);
        m.put("schema", SchemaCommand.class);
        m.put("completion", CompletionCommand.class);
        return Collections.unmodifiableMap(m);
    }

    /**
     * What build this is, for a bug report or a pipeline's log: the version, the commit and
     * time it was built from and at (filtered into version.properties by the build), the Java
     * that runs it, and the optional engines it would find ({@link Engines#line}).
     */
    static final class Version implements IVersionProvider {
        private final Env env;

        Version(Env env) {
            this.env = env;
        }

        @Override
        public String[] getVersion() throws Exception {
            java.util.Properties p = new java.util.Properties();
            try (var in = RolloutCommand.class.getResourceAsStream("/dev/rollout/version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"rollout " + p.getProperty("version", "unknown"),
                "commit " + p.getProperty("commit", "unknown") + ", built " + p.getProperty("built", "unknown"),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ", "
                        + System.getProperty("java.home") + ")",
                Engines.line(env)};
        }
    }
}
