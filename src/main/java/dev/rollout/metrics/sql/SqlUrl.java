package dev.rollout.metrics.sql;

import java.util.regex.Pattern;

/** JDBC URLs as output, messages and history show them: a password in one is never shown. */
final class SqlUrl {

    private static final Pattern USER_INFO = Pattern.compile("(//[^/:@?;]*):[^@/]*@");
    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)((?:password|pwd|secret|token)=)[^&;]*");

    private SqlUrl() {
    }

    /** {@code url} with the password of {@code user:password@} and of {@code password=} parameters replaced. */
    static String shown(String url) {
        return redacted(url);
    }

    /** Any text (a driver's message may repeat the URL) with the same replacements. */
    static String redacted(String text) {
        if (text == null) {
            return "";
        }
        return PASSWORD_PARAMETER.matcher(USER_INFO.matcher(text).replaceAll("$1:***@")).replaceAll("$1***");
    }
}
