package io.iperf3j.internal.output;

/**
 * How a test reports: iperf3's human text, one {@code -J} document, {@code --json-stream}
 * lines, or {@code --json-stream} lines followed by the whole document
 * ({@code --json-stream-full-output}, iperf3 3.20+).
 */
public enum OutputMode {
    TEXT, JSON, JSON_STREAM, JSON_STREAM_FULL;

    public boolean json() {
        return this != TEXT;
    }

    /** Whether events are printed as they happen, one JSON line each. */
    public boolean streams() {
        return this == JSON_STREAM || this == JSON_STREAM_FULL;
    }

    /** The mode a side's options ask for. */
    public static OutputMode of(boolean json, boolean jsonStream, boolean fullOutput) {
        if (jsonStream) {
            return fullOutput ? JSON_STREAM_FULL : JSON_STREAM;
        }
        return json ? JSON : TEXT;
    }
}
