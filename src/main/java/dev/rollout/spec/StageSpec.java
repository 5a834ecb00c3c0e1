package dev.rollout.spec;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One stage of a rollout.
 *
 * @param traffic       percent of live traffic on the candidate, 0..100
 * @param minSamples    rows per variant the window needs before the stage can decide
 * @param bake          minimum time in the stage before it may advance ({@link Duration#ZERO}: none)
 * @param segment       labels naming the audience (region, cohort, module); empty when all
 * @param approval      leaving this stage needs a recorded approval
 * @param promoteAfter  the newest this many evaluations in the stage must all say PROMOTE before it may advance
 * @param rollbackAfter this many evaluations in a row must say ROLLBACK before one decides it
 * @param deadline      the stage must be left within this time of entering it, or its evaluations roll back
 * @param splitCheck    whether the exports must show the stage's split (the stage's own, else the spec's top-level one)
 */
public record StageSpec(String name, int traffic, long minSamples, Duration bake,
                        Map<String, String> segment, boolean approval,
                        int promoteAfter, int rollbackAfter, Optional<Duration> deadline, Optional<SplitCheck> splitCheck) {
    public StageSpec {
        segment = Map.copyOf(segment);
    }

    /** A stage as specs wrote it before promoteAfter, rollbackAfter and deadline: one evaluation decides, no deadline. */
    public StageSpec(String name, int traffic, long minSamples, Duration bake, Map<String, String> segment, boolean approval) {
        this(name, traffic, minSamples, bake, segment, approval, 1, 1, Optional.empty(), Optional.empty());
    }

    /**
     * The environment variable an apply hook reads a segment label from: {@code cohort-id}
     * gives {@code ROLLOUT_SEGMENT_COHORT_ID}. Not one to one, so the spec refuses two keys
     * of a stage that give the same variable.
     */
    public static String segmentVariable(String key) {
        return "ROLLOUT_SEGMENT_" + key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    /**
     * Why the stage's time is up, when it is: entered at {@code enteredAt}, still in it at {@code now}.
     * The judge and {@code advance} say it in the same words.
     */
    public Optional<String> deadlinePassed(Instant enteredAt, Instant now) {
        return deadline.filter(d -> Duration.between(enteredAt, now).compareTo(d) >= 0)
                .map(d -> name + " entered " + minutes(enteredAt) + ", deadline " + hours(d) + " passed");
    }

    /** {@code 48h} rather than {@code 2d}: a deadline is counted from the entry's hour, and read that way. */
    private static String hours(Duration d) {
        boolean whole = d.toHours() > 0 && d.toMinutesPart() == 0 && d.toSecondsPart() == 0 && d.toNanosPart() == 0;
        return whole ? d.toHours() + "h" : DurationText.format(d);
    }

    /** {@code 2026-03-02T09:00Z}: to the minute, to the second only when it has seconds. */
    private static String minutes(Instant at) {
        Instant whole = at.truncatedTo(ChronoUnit.SECONDS);
        String pattern = whole.atOffset(ZoneOffset.UTC).getSecond() == 0 ? "yyyy-MM-dd'T'HH:mm'Z'" : "yyyy-MM-dd'T'HH:mm:ss'Z'";
        return DateTimeFormatter.ofPattern(pattern, Locale.ROOT).withZone(ZoneOffset.UTC).format(whole);
    }
}
