package dev.rollout.spec;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * What reading a spec sets up once per run, for a warm-up thread to set up: the spec
 * loader's patterns (compiled interpreted, about 12 ms), the YAML parser's classes and factory,
 * and the JDK's SHA-256 provider (the security providers' first lookup alone is about 10 ms).
 * The command line's warm-up ({@code cli.Cli}) runs it while picocli builds its model of the
 * command, 60 to 100 ms of the main thread; the spec's reading then finds them ready or waits for
 * them, and never does them twice (a class is initialized once, whichever thread gets there first).
 */
public final class SpecWarmUp {

    private SpecWarmUp() {
    }

    /** Sets them up on this thread (the caller's warm-up thread). */
    public static void run() {
        try {
            SpecLoader.NAME.matcher("warm-up").matches();
            YamlTreeReader.read("(warm-up)", "a: 1\nb: [x, {c: d}]\n");
            MessageDigest.getInstance("SHA-256").digest(new byte[64]);
        } catch (RuntimeException | NoSuchAlgorithmException e) {
            // only a warm-up: the spec's own reading says what is wrong
        }
    }
}
