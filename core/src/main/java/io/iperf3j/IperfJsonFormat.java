package io.iperf3j;

/** The form of an iperf3 JSON output, as {@link IperfJsonReader} found it. */
public enum IperfJsonFormat {
    /** {@code -J}: one pretty document per test. */
    JSON,
    /** {@code --json-stream} (iperf3 3.17+): one {@code {"event":..., "data":...}} object per line. */
    JSON_STREAM,
    /**
     * {@code --json-stream-full-output} (iperf3 3.20+; its release notes call it {@code --json-stream-full}):
     * the events, then the whole {@code -J} document.
     */
    JSON_STREAM_FULL
}
