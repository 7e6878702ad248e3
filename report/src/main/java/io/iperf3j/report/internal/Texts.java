package io.iperf3j.report.internal;

/** Bounds on text kept from inputs (labels, error messages). */
final class Texts {
    private Texts() {
    }

    static String cut(String text) {
        return cut(text, InputLimits.MAX_TEXT_CHARS);
    }

    /** The text, or its first {@code max} characters and an ellipsis. */
    static String cut(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        return text.substring(0, max) + "…";
    }
}
