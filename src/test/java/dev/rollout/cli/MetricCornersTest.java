package dev.rollout.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@code rollout evaluate} says about the corners of issue 11, through the real CLI on the
 * reference logs of src/test/resources/reference/models: the positive label it chose, the rows
 * it left out and why, the rows of other model versions, and minSamples on a long export.
 */
class MetricCornersTest {

    static final Path MODELS = Path.of("src/test/resources/reference/models");
    static final String NOW = "2026-03-02T00:00:00Z";

    @TempDir
    Path tmp;

    private Path copy(String name) throws Exception {
        Files.copy(MODELS.resolve(name), tmp.resolve(name));
        return tmp.resolve(name);
    }

    private CliRunner.Result evaluate(Path spec, Path export, String... output) {
        return new CliRunner().at(NOW).evaluateDryRun(spec, export, output);
    }

    private static JsonNode metric(JsonNode evaluation, String name) {
        for (JsonNode m : evaluation.get("metrics")) {
            if (m.get("name").asText().equals(name)) {
                return m;
            }
        }
        throw new AssertionError("no metric " + name + " in " + evaluation);
    }

    @Test
    void stringLabelsWithoutPositiveGetTheGreaterLabelAndTheOutputSaysWhich() throws Exception {
        Path spec = copy("breast_cancer.yaml");
        Path export = copy("breast_cancer.csv");
        CliRunner.Result r = evaluate(spec, export, "-o", "json");
        assertTrue(r.exit() == 0 || r.exit() == 3, r.toString());
        JsonNode e = r.json();
        JsonNode auc = metric(e, "auc");
        assertEquals("malignant", auc.get("positive").asText());
        assertTrue(auc.get("candidate").isNumber(), "two classes: an auc, never 'only one class': " + auc);
        assertTrue(auc.get("notes").toString().contains("positive label 'malignant': the greater of the two labels (benign,"
                + " malignant), as scikit-learn's roc_auc_score takes it"), auc.toString());
        assertEquals("malignant", metric(e, "f1").get("positive").asText());
        assertEquals("benign", metric(e, "recall_benign").get("positive").asText());
        assertTrue(metric(e, "accuracy").get("positive").isNull(), "accuracy has no positive label");
        // The candidate's 8 NaN predictions are left out of the label metrics only, and said so.
        JsonNode accuracy = metric(e, "accuracy");
        assertEquals(192, accuracy.get("samples").get("candidate").asLong());
        assertTrue(accuracy.get("notes").toString().contains("8 of the candidate's 200 rows left out: 'diagnosis' or"
                + " 'predicted' is missing (empty, NaN or nan)"), accuracy.toString());
        assertEquals(200, auc.get("samples").get("candidate").asLong(), "its scores are all there");

        String text = evaluate(spec, export).out();
        assertTrue(text.contains("positive label: f1 'malignant', precision 'malignant', recall_benign 'benign', auc"
                + " 'malignant', auc_benign 'benign'"), text);
        String markdown = evaluate(spec, export, "-o", "markdown").out();
        assertTrue(markdown.contains("Positive label: f1 'malignant', precision 'malignant', recall\\_benign 'benign'"), "names escaped as every Markdown cell: " + markdown);
    }

    @Test
    void rowsOfAThirdModelVersionAreCountedAndNamed() throws Exception {
        Path spec = copy("iris.yaml");
        Path export = copy("iris.csv");
        JsonNode rows = evaluate(spec, export, "-o", "json").json().get("rows");
        assertEquals(150, rows.get("baseline").asLong());
        assertEquals(150, rows.get("candidate").asLong());
        assertEquals(150, rows.get("other").asLong());
        assertEquals("150 rows in the window left out: the variant is neither the baseline 'v1' nor the candidate 'v2'"
                + " ('v3': 150); check model.candidate and data.variant", rows.get("notes").get(0).asText());
        String text = evaluate(spec, export).out();
        assertTrue(text.contains("rows in window: baseline 150, candidate 150, other variants 150"), text);
        assertTrue(text.contains("note: 150 rows in the window left out"), text);
        assertTrue(evaluate(spec, export, "-o", "markdown").out().contains("- note: 150 rows in the window left out"));

        // A typo in model.candidate shows at once: no candidate rows, and 150 rows of 'v2' that match nothing.
        Files.writeString(spec, Files.readString(spec).replace("candidate: v2", "candidate: V2"));
        JsonNode typo = evaluate(spec, export, "-o", "json").json();
        assertEquals(0, typo.get("rows").get("candidate").asLong());
        assertEquals(300, typo.get("rows").get("other").asLong());
        assertTrue(typo.get("rows").get("notes").get(0).asText().contains("('v2': 150, 'v3': 150)"), typo.toString());
    }

    @Test
    void minSamplesInALongExportCountsTheRowsOfOneMetricNotEveryLine() throws Exception {
        // linnerud.csv: 20 predictions per version, five lines each (three errors, latency, a metric the spec never reads).
        Path spec = copy("linnerud.yaml");
        Path export = copy("linnerud.csv");
        Files.writeString(spec, Files.readString(spec).replace("{name: offline, traffic: 0}",
                "{name: offline, traffic: 0, minSamples: 21}"));
        CliRunner.Result hold = evaluate(spec, export, "-o", "json");
        assertEquals(3, hold.exit(), hold.toString());
        assertEquals(20, hold.json().get("rows").get("candidate").asLong());
        assertEquals("only 20 candidate rows in the window; stage offline needs minSamples 21",
                hold.json().get("reasons").get(0).asText());
        Files.writeString(spec, Files.readString(spec).replace("minSamples: 21", "minSamples: 20"));
        CliRunner.Result enough = evaluate(spec, export, "-o", "json");
        assertFalse(enough.json().get("reasons").toString().contains("minSamples"), enough.toString());
    }
}
