package dev.rollout.cli;

/** A command that has the common options, so errors can be printed in the format it asked for. */
interface WithCommonOptions {
    CommonOptions common();
}
