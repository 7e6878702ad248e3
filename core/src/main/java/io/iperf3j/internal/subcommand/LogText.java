package io.iperf3j.internal.subcommand;

/**
 * Text that came from the network (a request's target, a query value, a user name from a token)
 * made safe to put in a log line: no character of it can end the line, start another or move a
 * terminal's cursor. Used by the server's operator log, the exporter's log, and the session's messages that quote a
 * host's words (a process's name, an agent's error, a tarball's entry).
 *
 * <p>Escaped: the C0 controls and DEL as {@code \n}, {@code \r}, {@code \t} or {@code \xNN}; the
 * C1 controls (U+0080-U+009F, NEL among them) and the Unicode line and paragraph separators
 * (U+2028, U+2029) as {@code \x{NNNN}}; the backslash itself as two, so an escape in the log
 * always stands for one character. Everything else, other Unicode text included, stands as it is.
 * Unpaired surrogates are written as {@code \x{NNNN}} too, so the log stays valid UTF-16 text.
 *
 * <p>Limits: none on the length (callers bound what they log); the result is at most eight times as
 * long as the text.
 *
 * <p>Why not a library (commons-text's {@code StringEscapeUtils}, Guava's escapers): their Java and
 * JSON escapers leave U+2028, the C1 controls or DEL alone, or escape all of non-ASCII, and the rule
 * here is one loop.
 */
public final class LogText {
    private LogText() {
    }

    /** The text with its control characters escaped, on one line; null stays null. */
    public static String escape(String text) {
        if (text == null || clean(text)) {
            return text;
        }
        StringBuilder sb = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\x%02x", (int) c));
                    } else if (needsEscape(text, i)) {
                        sb.append(String.format("\\x{%04x}", (int) c));
                    } else {
                        sb.append(c);
                        if (Character.isHighSurrogate(c)) {
                            sb.append(text.charAt(++i)); // its low half, checked by needsEscape
                        }
                    }
                }
            }
        }
        return sb.toString();
    }

    private static boolean clean(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\\' || needsEscape(text, i)) {
                return false;
            }
            if (Character.isHighSurrogate(c)) {
                i++;
            }
        }
        return true;
    }

    /** C1 controls, U+2028/U+2029 and unpaired surrogates (a high one is fine if a low one follows). */
    private static boolean needsEscape(String text, int i) {
        char c = text.charAt(i);
        if ((c >= 0x80 && c <= 0x9f) || c == 0x2028 || c == 0x2029) {
            return true;
        }
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1));
        }
        return Character.isLowSurrogate(c);
    }
}
