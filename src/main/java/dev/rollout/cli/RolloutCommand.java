package dev.rollout.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** The top-level {@code rollout} command: only subcommands. */
@Command(name = "rollout", mixinStandardHelpOptions = true, versionProvider = RolloutCommand.Version.class,
        scope = picocli.CommandLine.ScopeType.INHERIT,
        description = "Release machine-learning models in stages: a spec in Git, CSV exports in, a decision out.",
        subcommands = {PlanCommand.class, EvaluateCommand.class, AdvanceCommand.class, RollbackCommand.class,
                StatusCommand.class, HistoryCommand.class, ApproveCommand.class, ReportCommand.class, InitCommand.class, SchemaCommand.class, CompletionCommand.class},
        footer = {"", "Exit codes: 0 success/PROMOTE, 1 bad input or I/O error, 2 usage error, 3 HOLD, 4 ROLLBACK,"
                + " 5 conflict (lock timeout, --if-stage mismatch, rolled back, candidate changed)."})
public final class RolloutCommand {

    /** The version from the build (filtered into version.properties). */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() throws Exception {
            java.util.Properties p = new java.util.Properties();
            try (var in = RolloutCommand.class.getResourceAsStream("/dev/rollout/version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"rollout " + p.getProperty("version", "unknown")};
        }
    }
}
