package io.iperf3j.internal.options;

/** {@code --server-log[=text|json]}: none, today's logfmt lines, or one JSON object per line. */
public enum ServerLogFormat {
    /** No {@code --server-log}. */
    OFF,
    /** {@code --server-log} or {@code --server-log=text}. */
    TEXT,
    /** {@code --server-log=json}. */
    JSON
}
