package dev.rollout.metrics.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rollout.RolloutException;
import dev.rollout.metrics.Measurement;
import dev.rollout.spec.MetricSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.function.BiFunction;

/**
 * The series of one instant query's answer, sorted by variant: the baseline's and the
 * candidate's are those whose {@code variantLabel} has the variant's value. Exactly one series
 * per variant gives a value; none, several, NaN or an infinity gives none, and says why.
 *
 * @param count   series in the answer
 * @param matched series that belong to the baseline or the candidate
 */
record Series(Measurement measurement, long count, long matched) {

    /** Series shown by label value in a note; more are counted. */
    private static final int SHOWN = 5;

    static Series of(MetricSpec metric, JsonNode body, String label, String baseline, String candidate,
                     BiFunction<MetricSpec, String, RolloutException> error) {
        JsonNode data = body.path("data");
        String type = data.path("resultType").asText("");
        if (!type.equals("vector")) {
            throw error.apply(metric, "the query returns " + (type.isEmpty() ? "no result type" : "a " + type)
                    + ", not an instant vector with one series per " + label + " (such as sum by (" + label + ") (…))");
        }
        List<String> baselineValues = new ArrayList<>();
        List<String> candidateValues = new ArrayList<>();
        List<String> others = new ArrayList<>();
        JsonNode result = data.path("result");
        for (JsonNode series : result) {
            JsonNode value = series.path("metric").get(label);
            String text = series.path("value").path(1).asText("");
            if (value == null) {
                others.add("no " + label);
            } else if (value.asText().equals(baseline)) {
                baselineValues.add(text);
            } else if (value.asText().equals(candidate)) {
                candidateValues.add(text);
            } else {
                others.add(label + "=\"" + value.asText() + "\"");
            }
        }
        List<String> notes = new ArrayList<>();
        OptionalDouble b;
        OptionalDouble c;
        if (result.isEmpty()) {
            notes.add("the query returned no series: no data in the window (a misspelt metric or label name gives none too)");
            b = OptionalDouble.empty();
            c = OptionalDouble.empty();
        } else {
            String found = others.isEmpty() ? "" : "; other series: " + shown(others);
            b = value("baseline", label, baseline, baselineValues, found, notes);
            c = value("candidate", label, candidate, candidateValues, found, notes);
            if (!others.isEmpty() && b.isPresent() && c.isPresent()) {
                notes.add(others.size() + " series of neither variant left out: " + shown(others));
            }
        }
        Measurement m = new Measurement(metric.name(), b, c, b.isPresent() ? 1 : 0, c.isPresent() ? 1 : 0, 0, 0, notes);
        return new Series(m, result.size(), baselineValues.size() + candidateValues.size());
    }

    /** The variant's value when exactly one series holds a number; else a note says what was found. */
    private static OptionalDouble value(String variant, String label, String version, List<String> texts, String found,
                                        List<String> notes) {
        String which = label + "=\"" + version + "\" (the " + variant + ")";
        if (texts.isEmpty()) {
            notes.add("no series with " + which + found);
            return OptionalDouble.empty();
        }
        if (texts.size() > 1) {
            notes.add(texts.size() + " series with " + which + ": the query must give one per variant,"
                    + " such as sum by (" + label + ") (…)");
            return OptionalDouble.empty();
        }
        double v;
        try {
            // Go's spelling of the infinities, which Java's parser does not read.
            v = switch (texts.get(0)) {
                case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                default -> Double.parseDouble(texts.get(0));
            };
        } catch (NumberFormatException e) {
            notes.add("the series with " + which + " has the value '" + texts.get(0) + "', not a number");
            return OptionalDouble.empty();
        }
        if (Double.isNaN(v)) {
            notes.add("the series with " + which + " is NaN (such as 0/0: nothing counted in the window)");
            return OptionalDouble.empty();
        }
        if (Double.isInfinite(v)) {
            notes.add("the series with " + which + " is " + (v > 0 ? "+Inf" : "-Inf") + " (such as a division by zero)");
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(v);
    }

    private static String shown(List<String> labels) {
        List<String> distinct = labels.stream().distinct().toList();
        String head = String.join(", ", distinct.subList(0, Math.min(SHOWN, distinct.size())));
        return distinct.size() > SHOWN ? head + " and " + (distinct.size() - SHOWN) + " more" : head;
    }
}
