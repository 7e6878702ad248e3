package io.iperf3j;

/**
 * How sure a {@link Why.Verdict} is, from the margins behind it (docs/design/why.md): {@link #key()} is its value in
 * {@code end.iperf3j_why}, and the text block's first line says it unless it is {@link #CLEAR}.
 */
public enum Confidence {
    /** The figures point to the cause well past every threshold, and nothing that would decide was unseen. */
    CLEAR("clear"),
    /** The cause's rule held, but near its threshold, or with a figure that would decide not seen. */
    LIKELY("likely"),
    /** Two causes held about as much; the verdict names both, the first ahead ({@link Why.Verdict#closeTo()}). */
    CLOSE("close");

    private final String key;

    Confidence(String key) {
        this.key = key;
    }

    /** The JSON value: {@code clear}, {@code likely}, {@code close}. */
    public String key() {
        return key;
    }

    /** The confidence whose {@link #key()} is {@code key}. */
    public static Confidence ofKey(String key) {
        for (Confidence c : values()) {
            if (c.key.equals(key)) {
                return c;
            }
        }
        throw new IllegalArgumentException("no confidence " + key);
    }
}
