package io.iperf3j.export;

/** What a metrics file holds. */
public enum MetricsFileFormat {
    /** One JSON object per event, appended ({@code schema_version} 1). */
    JSONL,
    /** The latest Prometheus text exposition, the whole file replaced atomically at each event. */
    PROMETHEUS;

    /**
     * Parses {@code jsonl} or {@code prometheus} (exact, lower case; surrounding blanks ignored).
     *
     * @throws IllegalArgumentException for anything else
     */
    public static MetricsFileFormat parse(String text) {
        return switch (text.trim()) {
            case "jsonl" -> JSONL;
            case "prometheus" -> PROMETHEUS;
            default -> throw new IllegalArgumentException("must be one of jsonl or prometheus");
        };
    }
}
