package dev.rollout;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class ControlCharactersTest {

    @Test
    void lineBreaksTabsAndEveryControlOrBidiCharacterAreEscaped() {
        assertEquals("a\\nb\\r\\tc", ControlCharacters.escaped("a\nb\r\tc"));
        assertEquals("\\u0000\\u001b[2J\\u007f\\u0085\\u009b", ControlCharacters.escaped("\0\u001b[2J\u007f\u0085\u009b"));
        assertEquals("\\u2028\\u2029\\u202a\\u202e\\u2066\\u2069\\u200e\\u200f\\u061c",
                ControlCharacters.escaped("\u2028\u2029\u202A\u202E\u2066\u2069\u200E\u200F\u061C"));
    }

    @Test
    void printableTextIsReturnedAsItIs() {
        String text = "ünï \\n 😀 ﷽ a\\u001b";
        assertSame(text, ControlCharacters.escaped(text));
    }
}
