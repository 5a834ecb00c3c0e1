package dev.rollout.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * What every command about one rollout has: the common options, the spec as first
 * parameter, and the environment. The commands add their own options and a {@code call()}.
 */
abstract class SpecCommand implements Callable<Integer>, WithCommonOptions {

    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "SPEC", description = "The rollout spec (YAML).")
    Path specFile;

    final Env env;

    SpecCommand(Env env) {
        this.env = env;
    }

    @Override
    public CommonOptions common() {
        return common;
    }

    Printer printer() {
        return new Printer(env, common);
    }

    Workspace workspace(String command) {
        return Workspace.open(env, common, specFile, command);
    }
}
