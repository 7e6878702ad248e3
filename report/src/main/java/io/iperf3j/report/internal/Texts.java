package io.iperf3j.report.internal;

/** Bounds on text kept from inputs (labels, error messages). */
final class Texts {
    private Texts() {
    }

    static String cut(String text) {
        if (text == null || text.length() <= InputLimits.MAX_TEXT_CHARS) {
            return text;
        }
        return text.substring(0, InputLimits.MAX_TEXT_CHARS) + "…";
    }
}
