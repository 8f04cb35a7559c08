package org.osteonode.observe;

/**
 * A peer's text (an AE title, an error message built from what it sent) as a log value: in double quotes, with
 * backslashes and quotes escaped, so that it cannot end its value early or pass for another key. Control
 * characters are replaced by the log pattern itself (logback.xml), for every message.
 */
public final class LogText {
    private LogText() {
    }

    public static String quoted(String text) {
        if (text == null) {
            return "\"\"";
        }
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
