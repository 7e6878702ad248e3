package io.iperf3j.internal.output;

/** How a test reports: iperf3's human text, one {@code -J} document, or {@code --json-stream} lines. */
public enum OutputMode {
    TEXT, JSON, JSON_STREAM;

    public boolean json() {
        return this != TEXT;
    }
}
