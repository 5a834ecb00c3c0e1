package dev.rollout.metrics;

import dev.rollout.spec.MetricSource.Average;
import dev.rollout.spec.MetricSource.ClassificationMetric;
import dev.rollout.spec.RolloutSpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * scikit-learn's edge cases, with values worked out by hand from its definitions (the
 * reference files cover the ordinary cases).
 */
class ClassificationTest {

    @TempDir
    Path tmp;
    Exports exports;

    @BeforeEach
    void setUp() {
        exports = new Exports(tmp);
    }

    @Test
    void binaryScoresThePositiveLabelAndIsZeroWhenItIsAbsent() throws Exception {
        RolloutSpec spec = Specs.spec()
                .classification("p", "y", "q", ClassificationMetric.PRECISION, Average.BINARY, "1")
                .classification("r", "y", "q", ClassificationMetric.RECALL, Average.BINARY, "1")
                .classification("f", "y", "q", ClassificationMetric.F1, Average.BINARY, "1")
                .build();
        MetricsReport r = Exports.read(spec, exports.write("a.csv", "y,q\n1,1\n1,0\n0,1\n0,0\n0,0\n"));
        assertEquals(0.5, r.measurement("p").orElseThrow().candidate().orElseThrow());
        assertEquals(0.5, r.measurement("r").orElseThrow().candidate().orElseThrow());
        assertEquals(0.5, r.measurement("f").orElseThrow().candidate().orElseThrow());
        // Only label 0 present: scikit-learn scores labels=[1], which has no support and no predictions: 0.
        MetricsReport none = Exports.read(spec, exports.write("b.csv", "y,q\n0,0\n0,0\n"));
        assertEquals(0.0, none.measurement("f").orElseThrow().candidate().orElseThrow());
    }

    @Test
    void macroAveragesOverLabelsThatAreOnlyPredicted() throws Exception {
        // Labels {a, b, c}: c is only predicted. Precision a = 1/1, b = 1/2, c = 0/1 -> macro 0.5.
        // Recall a = 1/2, b = 1/2, c = 0 (no support, zero division) -> macro 1/3; weighted by support (2, 2, 0) -> 0.5.
        // scikit-learn 1.2.1 prints 0.5, 0.3333333333333333, 0.5, 0.5.
        RolloutSpec spec = Specs.spec()
                .classification("pm", "y", "q", ClassificationMetric.PRECISION, Average.MACRO)
                .classification("rm", "y", "q", ClassificationMetric.RECALL, Average.MACRO)
                .classification("rw", "y", "q", ClassificationMetric.RECALL, Average.WEIGHTED)
                .classification("acc", "y", "q", ClassificationMetric.ACCURACY, Average.BINARY)
                .build();
        MetricsReport r = Exports.read(spec, exports.write("m.csv", "y,q\na,a\na,b\nb,b\n b ,c\n"));
        assertEquals(0.5, r.measurement("pm").orElseThrow().candidate().orElseThrow());
        assertEquals(0.3333333333333333, r.measurement("rm").orElseThrow().candidate().orElseThrow());
        assertEquals(0.5, r.measurement("rw").orElseThrow().candidate().orElseThrow());
        assertEquals(0.5, r.measurement("acc").orElseThrow().candidate().orElseThrow());
    }

    @Test
    void manyLabelsGrowTheMatrixWhereverTheyFirstAppear() throws Exception {
        // The fifth label arrives in the actual column of a full 4x4 matrix (once an index out of bounds).
        RolloutSpec spec = Specs.spec()
                .classification("acc", "y", "q", ClassificationMetric.ACCURACY, Average.BINARY)
                .classification("rm", "y", "q", ClassificationMetric.RECALL, Average.MACRO)
                .build();
        MetricsReport r = Exports.read(spec, exports.write("many.csv", "y,q\na,a\nb,b\nc,c\nd,d\ne,e\nf,x\ng,g\nh,h\ni,i\n"));
        // scikit-learn: accuracy 8/9; recall per label a..i, x = 1 x8, f 0, x 0 (no support) -> macro 8/10.
        assertEquals(0.8888888888888888, r.measurement("acc").orElseThrow().candidate().orElseThrow());
        assertEquals(0.8, r.measurement("rm").orElseThrow().candidate().orElseThrow());
    }

    @Test
    void aRowWithAnEmptyLabelIsMissingForThatMetric() throws Exception {
        RolloutSpec spec = Specs.spec().classification("acc", "y", "q", ClassificationMetric.ACCURACY, Average.BINARY).build();
        Measurement m = Exports.read(spec, exports.write("e.csv", "y,q\n1,1\n,1\n0,\n0,1\n")).measurement("acc").orElseThrow();
        assertEquals(0.5, m.candidate().orElseThrow());
        assertEquals(2, m.candidateSamples());
        assertEquals(2, m.candidateMissing());
    }

    @Test
    void aucCountsATiedPairAsOneHalf() throws Exception {
        RolloutSpec spec = Specs.spec().auc("auc", "y", "s", "1").build();
        // Pairs (pos, neg): (0.8, 0.3) win, (0.8, 0.5) win, (0.5, 0.3) win, (0.5, 0.5) tie -> 3.5 / 4.
        MetricsReport r = Exports.read(spec, exports.write("t.csv", "y,s\n1,0.8\n1,0.5\n0,0.5\n0,0.3\n"));
        assertEquals(0.875, r.measurement("auc").orElseThrow().candidate().orElseThrow());
    }

    @Test
    void aucTreatsEveryLabelButThePositiveAsNegative() throws Exception {
        RolloutSpec spec = Specs.spec().auc("auc", "y", "s", "cat").build();
        MetricsReport r = Exports.read(spec, exports.write("t.csv", "y,s\ncat,0.9\ndog,0.1\nbird,0.95\n"));
        assertEquals(0.5, r.measurement("auc").orElseThrow().candidate().orElseThrow());
    }

    @Test
    void aucOfOneClassIsUndefinedWithANote() throws Exception {
        RolloutSpec spec = Specs.spec().auc("auc", "y", "s", "1").build();
        Measurement m = Exports.read(spec, exports.write("o.csv", "y,s\n0,0.8\n0,0.5\n0,NaN\n")).measurement("auc").orElseThrow();
        assertTrue(m.candidate().isEmpty());
        assertEquals(2, m.candidateSamples());
        assertEquals(1, m.candidateMissing());
        assertEquals(List.of("auc is undefined: only one class in the labels ('0'): none of the candidate's 2 rows has the"
                + " positive label '1'", "1 of the candidate's 3 rows left out: 'y' or 's' is missing (empty, NaN or nan)"),
                m.notes());
    }

    @Test
    void aNaNLabelIsMissingNotAClass() throws Exception {
        // Issue 11: NaN in y_pred was counted as a third class (accuracy 1/4 and "binary needs at most two labels").
        RolloutSpec spec = Specs.spec()
                .classification("acc", "y", "q", ClassificationMetric.ACCURACY, Average.BINARY)
                .classification("f1", "y", "q", ClassificationMetric.F1, Average.BINARY, null)
                .build();
        MetricsReport r = Exports.read(spec, exports.write("n.csv", "y,q\nbenign,benign\nmalignant,NaN\nbenign,nan\n"
                + "malignant,malignant\nbenign,malignant\n"));
        Measurement acc = r.measurement("acc").orElseThrow();
        assertEquals(2.0 / 3, acc.candidate().orElseThrow(), "scikit-learn on the three rows with both labels");
        assertEquals(3, acc.candidateSamples());
        assertEquals(2, acc.candidateMissing());
        assertTrue(acc.notes().contains("2 of the candidate's 5 rows left out: 'y' or 'q' is missing (empty, NaN or nan)"),
                acc.notes().toString());
        // f1_score(['benign','malignant','benign'], ['benign','malignant','malignant'], pos_label='malignant') = 2/3
        assertEquals(2.0 / 3, r.measurement("f1").orElseThrow().candidate().orElseThrow(), 1e-15);
    }

    @Test
    void aLabelNAStaysALabelUnlessDataMissingListsIt() throws Exception {
        Path p = exports.write("na.csv", "y,q,s\nNA,NA,0.9\nEU,NA,0.2\nEU,EU,0.4\n");
        Specs base = Specs.spec().classification("acc", "y", "q", ClassificationMetric.ACCURACY, Average.BINARY);
        Measurement label = Exports.read(base.build(), p).measurement("acc").orElseThrow();
        assertEquals(2.0 / 3, label.candidate().orElseThrow(), "NA is a region here");
        assertEquals(0, label.candidateMissing());
        Specs listed = Specs.spec().missing("", "NA").classification("acc", "y", "q", ClassificationMetric.ACCURACY,
                Average.BINARY).auc("auc", "y", "s", null);
        MetricsReport r = Exports.read(listed.build(), p);
        assertEquals(1.0, r.measurement("acc").orElseThrow().candidate().orElseThrow());
        assertEquals(2, r.measurement("acc").orElseThrow().candidateMissing());
        assertEquals(1, r.measurement("auc").orElseThrow().candidateMissing(), "a listed word is missing in a label column");
        assertTrue(r.measurement("acc").orElseThrow().notes().get(0).endsWith("is missing (empty or NA)"),
                r.measurement("acc").orElseThrow().notes().toString());
    }

    @Test
    void aucWithoutPositiveTakesTheGreaterLabelAsScikitLearnDoes() throws Exception {
        RolloutSpec spec = Specs.spec().auc("auc", "y", "s", null).build();
        // roc_auc_score(['b','m','m','b'], [0.1, 0.9, 0.3, 0.3]) = 0.875: 'm' > 'b' is positive.
        Measurement strings = Exports.read(spec, exports.write("s.csv", "y,s\nbenign,0.1\nmalignant,0.9\nmalignant,0.3\n"
                + "benign,0.3\n")).measurement("auc").orElseThrow();
        assertEquals(0.875, strings.candidate().orElseThrow());
        assertEquals(Optional.of("malignant"), strings.positive());
        assertTrue(strings.notes().get(0).startsWith("positive label 'malignant': the greater of the two labels (benign,"
                + " malignant)"), strings.notes().toString());
        // Numbers compare as numbers: 10 > 9, though "10" < "9" as strings. roc_auc_score([9, 10, 10], [.2, .8, .1]) = 0.5
        Measurement numbers = Exports.read(spec, exports.write("n.csv", "y,s\n9,0.2\n10,0.8\n10.0,0.1\n"))
                .measurement("auc").orElseThrow();
        assertEquals(0.5, numbers.candidate().orElseThrow());
        assertEquals(Optional.of("10"), numbers.positive());
        Measurement three = Exports.read(spec, exports.write("t.csv", "y,s\na,0.2\nb,0.8\nc,0.1\n"))
                .measurement("auc").orElseThrow();
        assertTrue(three.candidate().isEmpty());
        assertEquals(List.of("auc is undefined: no positive label: the labels hold 3 classes (a, b, c); set positive to the"
                + " one that counts"), three.notes());
        // More than two labels and one of them 1: the default positive '1' against the rest, as before.
        Measurement multi = Exports.read(spec, exports.write("m.csv", "y,s\n0,0.2\n1,0.8\n2,0.1\n")).measurement("auc")
                .orElseThrow();
        assertEquals(1.0, multi.candidate().orElseThrow());
        assertEquals(Optional.of("1"), multi.positive());
    }

    @Test
    void binaryWithoutPositiveTakesOneWhenItIsALabelElseTheGreater() throws Exception {
        RolloutSpec spec = Specs.spec().classification("r", "y", "q", ClassificationMetric.RECALL, Average.BINARY, null).build();
        // recall_score([1, 2, 2], [1, 2, 1]) = 1.0 with scikit-learn's pos_label=1 (the greater label, 2, would give 0.5).
        Measurement one = Exports.read(spec, exports.write("o.csv", "y,q\n1,1\n2,2\n2,1\n")).measurement("r").orElseThrow();
        assertEquals(1.0, one.candidate().orElseThrow());
        assertEquals(Optional.of("1"), one.positive());
        assertTrue(one.notes().isEmpty(), "1 is scikit-learn's default: nothing to explain");
        Measurement yes = Exports.read(spec, exports.write("y.csv", "y,q\nyes,yes\nno,yes\nyes,no\n")).measurement("r")
                .orElseThrow();
        assertEquals(0.5, yes.candidate().orElseThrow(), "recall_score(..., pos_label='yes')");
        assertEquals(Optional.of("yes"), yes.positive());
    }

    @Test
    void labelsEqualAsNumbersAreOneClass() throws Exception {
        // pandas reads 1, 01 and 1.0 as the number 1: scikit-learn sees accuracy 1 and one positive class.
        RolloutSpec spec = Specs.spec()
                .classification("acc", "y", "q", ClassificationMetric.ACCURACY, Average.BINARY)
                .classification("p", "y", "q", ClassificationMetric.PRECISION, Average.BINARY, "1")
                .classification("m", "y", "q", ClassificationMetric.RECALL, Average.MACRO)
                .build();
        MetricsReport r = Exports.read(spec, exports.write("l.csv", "y,q\n1,1.0\n01,1\n0,0.0\n1,0\n"));
        assertEquals(0.75, r.measurement("acc").orElseThrow().candidate().orElseThrow());
        assertEquals(1.0, r.measurement("p").orElseThrow().candidate().orElseThrow());
        assertEquals(0.8333333333333333, r.measurement("m").orElseThrow().candidate().orElseThrow(), "(2/3 + 1) / 2");
        RolloutSpec macro = Specs.spec().classification("m", "y", "q", ClassificationMetric.RECALL, Average.MACRO).build();
        Measurement four = Exports.read(macro, exports.write("f.csv", "y,q\n1,1.0\n0,0.0\n2,2.0\n10,1e1\n"))
                .measurement("m").orElseThrow();
        assertEquals(1.0, four.candidate().orElseThrow(), "four classes, each recalled");
    }

    @Test
    void aucNeverSaysOneClassWhenThereAreTwo() throws Exception {
        RolloutSpec spec = Specs.spec().auc("auc", "y", "s", "1").build();
        Measurement m = Exports.read(spec, exports.write("two.csv", "y,s\n0,0.8\n2,0.5\n")).measurement("auc").orElseThrow();
        assertTrue(m.candidate().isEmpty());
        assertEquals(List.of("auc is undefined: none of the candidate's 2 rows has the positive label '1' (the labels are"
                + " 0, 2)"), m.notes());
    }

    @Test
    void labelsSortInPythonsCodePointOrder() {
        // U+1F600 (a surrogate pair in UTF-16) sorts after U+FF5E in Python, before it in String.compareTo.
        String emoji = "\uD83D\uDE00";
        String fullwidth = "\uFF5E";
        assertTrue(emoji.compareTo(fullwidth) < 0);
        assertTrue(ConfusionMatrix.compareCodePoints(emoji, fullwidth) > 0);
        assertTrue(ConfusionMatrix.compareCodePoints("a", "ab") < 0);
        assertEquals(0, ConfusionMatrix.compareCodePoints("dog", "dog"));
    }

    @Test
    void regressionErrorsFollowScikitLearnIncludingZeroActuals() throws Exception {
        RolloutSpec spec = Specs.spec()
                .regression("mae", "y", "p", dev.rollout.spec.MetricSource.RegressionMetric.MAE)
                .regression("rmse", "y", "p", dev.rollout.spec.MetricSource.RegressionMetric.RMSE)
                .regression("mape", "y", "p", dev.rollout.spec.MetricSource.RegressionMetric.MAPE)
                .build();
        MetricsReport r = Exports.read(spec, exports.write("r.csv", "y,p\n2,1\n4,7\n0,0\n,3\n"));
        assertEquals(4.0 / 3, r.measurement("mae").orElseThrow().candidate().orElseThrow(), 1e-15);
        assertEquals(Math.sqrt(10.0 / 3), r.measurement("rmse").orElseThrow().candidate().orElseThrow(), 1e-15);
        assertEquals((0.5 + 0.75 + 0) / 3, r.measurement("mape").orElseThrow().candidate().orElseThrow(), 1e-15,
                "a fraction, and 0/eps = 0 for a zero actual predicted exactly");
        assertEquals(1, r.measurement("mae").orElseThrow().candidateMissing());
    }
}
