package io.iperf3j;

/**
 * Explicit bounds on what {@link IperfJsonReader} accepts; each is checked before the memory is spent:
 * bytes, nesting depth and string length by Jackson's {@code StreamReadConstraints}, the rest by
 * counters. Input over a bound is {@link IperfJsonRead.Reason#OVER_LIMIT}. {@code maxBytes} counts
 * the chars of the input decoded as UTF-8 (a file's size in bytes is also checked before it is opened).
 *
 * @param maxBytes the whole input
 * @param maxRuns tests in one input (documents of {@code -J}, {@code start} events of a stream)
 * @param maxIntervals intervals of one run (and of its server's output)
 * @param maxStreams streams of one interval or of {@code start.connected}
 * @param maxDepth JSON nesting depth
 * @param maxStringChars one JSON string (e.g. {@code server_output_text})
 * @param maxCdfPoints points of one latency phase's {@code cdf}
 */
public record IperfJsonLimits(long maxBytes, int maxRuns, int maxIntervals, int maxStreams, int maxDepth,
                              int maxStringChars, int maxCdfPoints) {
    /** For files from elsewhere: 1 GiB, 64 runs, 1 000 000 intervals, 256 streams (-P 128 bidir), depth 32,
     *  strings of 16 Mi chars, 1 000 CDF points. */
    public static final IperfJsonLimits DEFAULT = new IperfJsonLimits(1L << 30, 64, 1_000_000, 256, 32, 16 << 20, 1_000);
    /** For iperf3j's own documents ({@link IperfResult#run()}): {@link #DEFAULT} without a bound on bytes and intervals. */
    public static final IperfJsonLimits TRUSTED = new IperfJsonLimits(Long.MAX_VALUE, 64, Integer.MAX_VALUE, 256, 32,
            16 << 20, 1_000);

    /** @throws IllegalArgumentException when a bound is not positive */
    public IperfJsonLimits {
        if (maxBytes <= 0 || maxRuns <= 0 || maxIntervals <= 0 || maxStreams <= 0 || maxDepth <= 0
                || maxStringChars <= 0 || maxCdfPoints <= 0) {
            throw new IllegalArgumentException("every limit must be positive");
        }
    }

    /** These limits with another {@link #maxRuns()}. */
    public IperfJsonLimits withMaxRuns(int n) {
        return new IperfJsonLimits(maxBytes, n, maxIntervals, maxStreams, maxDepth, maxStringChars, maxCdfPoints);
    }

    /** These limits with another {@link #maxBytes()}. */
    public IperfJsonLimits withMaxBytes(long n) {
        return new IperfJsonLimits(n, maxRuns, maxIntervals, maxStreams, maxDepth, maxStringChars, maxCdfPoints);
    }
}
