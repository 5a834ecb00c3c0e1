package dev.rollout.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * How many of each variant's mature predictions in the window found their late label: the
 * label metrics are computed from the labeled ones only.
 *
 * @param baselineMature   the baseline's predictions in the window old enough to be judged
 * @param baselineLabeled  those of them with a label
 * @param labels           labels read, over every label file
 * @param matureUntil      the window's end minus {@code maturity}
 */
public record LabelCoverage(long baselineMature, long baselineLabeled, long candidateMature, long candidateLabeled,
                            long labels, List<String> files, Duration maturity, Instant matureUntil, double minCoverage) {

    public LabelCoverage {
        files = List.copyOf(files);
    }

    /** labeled / mature; NaN without a mature prediction. */
    static double share(long labeled, long mature) {
        return mature == 0 ? Double.NaN : (double) labeled / mature;
    }

    public double baseline() {
        return share(baselineLabeled, baselineMature);
    }

    public double candidate() {
        return share(candidateLabeled, candidateMature);
    }
}
