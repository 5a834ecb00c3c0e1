package dev.rollout;

/**
 * The one escaping of text that a person reads on a terminal: every string from a spec, an
 * export, the state, the history, an option or the environment goes through
 * {@link #escaped} before it is printed as text. A line break in a {@code --reason} would
 * otherwise forge a row of {@code history}, an ESC sequence clear the screen or set the
 * window title, and a bidi override make a line read differently from what it holds. JSON
 * output needs none of this: Jackson escapes control characters itself.
 */
public final class ControlCharacters {

    private ControlCharacters() {
    }

    /**
     * {@code s} with line breaks and tabs as {@code \n}, {@code \r}, {@code \t}, and every other
     * C0 or C1 control character, DEL, line or paragraph separator and bidi embedding, override,
     * isolate or mark as {@code \}{@code uXXXX}. Backslashes stay as they are: the result is one line
     * that cannot do anything but be read.
     */
    public static String escaped(String s) {
        int i = 0;
        while (i < s.length() && !escapes(s.charAt(i))) {
            i++;
        }
        if (i == s.length()) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length() + 8).append(s, 0, i);
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (escapes(c)) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }

    private static boolean escapes(char c) {
        return Character.isISOControl(c) // C0, DEL, C1
                || c == '\u2028' || c == '\u2029' // line and paragraph separators
                || c >= '\u202A' && c <= '\u202E' // bidi embeddings and overrides
                || c >= '\u2066' && c <= '\u2069' // bidi isolates
                || c == '\u200E' || c == '\u200F' || c == '\u061C'; // bidi marks: the rest of "Trojan Source"
    }
}
