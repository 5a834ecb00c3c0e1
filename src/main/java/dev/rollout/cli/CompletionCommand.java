package dev.rollout.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "completion", description = "Print the shell completion script for bash or zsh, generated from the commands themselves.",
        footer = {"", "Examples:", "  source <(rollout completion bash)        # in ~/.bashrc",
                "  rollout completion zsh > \"$${fpath[1]}/_rollout\""})
final class CompletionCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "SHELL", defaultValue = "bash", description = "bash (default) or zsh.")
    String shell;

    @Spec
    CommandLine.Model.CommandSpec spec;

    private final Env env;

    CompletionCommand(Env env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        if (!shell.equals("bash") && !shell.equals("zsh")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "SHELL must be bash or zsh, not '" + shell + "'");
        }
        env.out().print(script(shell, spec.root().commandLine()));
        env.out().flush();
        return 0;
    }

    /**
     * picocli's script, which runs in bash and, through bashcompinit, in zsh; the header says
     * how to install it in each shell.
     */
    static String script(String shell, CommandLine root) {
        String header = shell.equals("zsh")
                ? "# zsh completion for rollout (generated: rollout completion zsh). Install:\n"
                + "#   rollout completion zsh > \"${fpath[1]}/_rollout\"   or   source this file from ~/.zshrc\n"
                : "# bash completion for rollout (generated: rollout completion bash). Install:\n"
                + "#   source <(rollout completion bash)   or   copy to /etc/bash_completion.d/rollout\n";
        return header + AutoComplete.bash("rollout", root);
    }
}
