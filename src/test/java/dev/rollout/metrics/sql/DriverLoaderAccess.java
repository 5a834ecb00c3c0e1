package dev.rollout.metrics.sql;

/** The driver loader's platform rule, for the packaged test in another package. */
public final class DriverLoaderAccess {

    private DriverLoaderAccess() {
    }

    public static String duckDbEntry() {
        return DriverLoader.duckDbEntry(System.getProperty("os.name"), System.getProperty("os.arch"));
    }
}
