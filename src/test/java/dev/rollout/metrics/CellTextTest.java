package dev.rollout.metrics;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CellTextTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(textBlock = """
            12,         12
            -12.5,      -12.5
            +5,         5
            5.,         5
            .5,         0.5
            007,        7
            1e3,        1000
            1.5E-3,     0.0015
            -0,         -0.0
            0.1,        0.1
            1.7976931348623157e308, 1.7976931348623157e308
            4.9e-324,   4.9e-324
            """)
    void plainDecimalAndScientificNumbersParseExactlyLikeJava(String cell, double expected) {
        assertEquals(expected, CellText.number(cell));
        assertEquals(Double.parseDouble(cell), CellText.number(cell), "correctly rounded, as Double.parseDouble");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Infinity", "-Infinity", "inf", "0x1p3", "1d", "1f", "1e309", "-1e309", "1,5", "1_000", "--1",
            "e5", ".", "+", "1e", "1e+", "1.2.3", "twelve", "١٢"})
    void anythingElseIsNotANumber(String cell) {
        assertThrows(NumberFormatException.class, () -> CellText.number(cell));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "NaN", "nan", "NAN"})
    void emptyAndNaNAreMissing(String cell) {
        assertTrue(Double.isNaN(CellText.number(cell)));
        assertTrue(Double.isNaN(CellText.truthy(cell)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(textBlock = """
            1, 1
            true, 1
            TRUE, 1
            Yes, 1
            1.0, 1
            0, 0
            false, 0
            No, 0
            0.0, 0
            """)
    void rateCellsAreTruthyOrFalsy(String cell, double expected) {
        assertEquals(expected, CellText.truthy(cell));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2", "maybe", "y", "t", "on", "-1"})
    void otherRateCellsAreErrors(String cell) {
        assertThrows(NumberFormatException.class, () -> CellText.truthy(cell));
    }
}
