package dev.rollout.state;

import com.fasterxml.jackson.core.JsonProcessingException;

import java.io.IOException;

/** What an I/O failure was, in words a message can end with: every backend reports its failures this way. */
public final class IoReason {

    private IoReason() {
    }

    public static String of(IOException e) {
        String m = e.getMessage();
        String kind = e.getClass().getSimpleName();
        if (e instanceof JsonProcessingException j) {
            return firstLine(j.getOriginalMessage());
        }
        if (m == null) {
            return kind;
        }
        // NIO messages are often just the path ("AccessDeniedException: /x/y"): say what happened.
        return kind.endsWith("Exception") && !kind.equals("IOException")
                ? kind.substring(0, kind.length() - "Exception".length()).replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase()
                        + ": " + m
                : m;
    }

    public static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
