package io.iperf3j.report.internal;

import io.iperf3j.IperfJsonLimits;

import java.time.Duration;

/**
 * Explicit limits on what a report reads, so a wrong file fails fast with a message instead of
 * exhausting memory. An hour at {@code -i 0.1} with {@code -P 8} is 36 000 intervals and 9 series
 * per side: far inside every limit.
 */
public final class InputLimits {
    /** Largest input file (a -J document, a --json-stream file, or tests.jsonl). */
    public static final long MAX_FILE_BYTES = IperfJsonLimits.DEFAULT.maxBytes();
    /** Most intervals in one view. */
    public static final int MAX_INTERVALS = IperfJsonLimits.DEFAULT.maxIntervals();
    /** Most series (sums and streams) in one view. */
    public static final int MAX_SERIES = 260;
    /** Most tests listed in a session's tests.jsonl. */
    public static final int MAX_SESSION_TESTS = 10_000;
    /**
     * Most tests (distinct ids) in a scheduled session's history ({@link HistoryReader}): a rotating mesh of 200 hosts both
     * ways is 39 800 (issue 69).
     */
    public static final int MAX_HISTORY_TESTS = 50_000;
    /**
     * Most points of all a history's tests together (about 110 bytes each, so ~110 MB): past it each test's limit
     * ({@link #MAX_HISTORY_POINTS}) is halved until they fit (2 000 tests keep 500 points, 40 000 tests 14).
     */
    public static final long MAX_HISTORY_POINTS_TOTAL = 1_000_000;
    /** Most tests (series) in a history read from Prometheus: one answer per metric holds them all. */
    public static final int MAX_PROMETHEUS_HISTORY_TESTS = 1_000;
    /**
     * Most points per test in a history: past it, neighbouring points are merged two by two (each point
     * then stands for 2, 4, 8 … consecutive runs), so a history of any length holds at most this many.
     */
    public static final int MAX_HISTORY_POINTS = 500;
    /** Longest line of a history's tests.jsonl (a line is a few hundred bytes). */
    public static final int MAX_HISTORY_LINE_CHARS = 64 * 1024;
    /** Most rotated files ({@code tests.jsonl.1} … {@code .N}) read with a history. */
    public static final int MAX_HISTORY_ROTATED = 99;
    /**
     * Largest answer of Prometheus to one range query (one metric of a history): 1 000 tests of 500 samples
     * are ~20 MB.
     */
    public static final long MAX_PROMETHEUS_ANSWER_BYTES = 32L << 20;
    /** Longest wait for one Prometheus request: connecting, the answer and its body. */
    public static final Duration PROMETHEUS_TIMEOUT = Duration.ofSeconds(10);
    /** Most pairs (a --bidir test's halves are two) on one side of {@code report --compare}. */
    public static final int MAX_COMPARE_PAIRS = 20_000;
    /**
     * Most runs on one side of {@code report --compare} (a double each, kept for the medians: 8 MB): a week of a
     * 100-test plan every 15 minutes is 67 200.
     */
    public static final int MAX_COMPARE_RUNS = 1_000_000;
    /**
     * Most series per query of {@code report --compare prometheus+http://…} (a test's series, one per test and
     * repeat): with {@link #MAX_PROMETHEUS_COMPARE_SAMPLES} each, an answer within {@link #MAX_PROMETHEUS_ANSWER_BYTES}.
     */
    public static final int MAX_PROMETHEUS_COMPARE_SERIES = 1_000;
    /**
     * Most samples per series of {@code report --compare prometheus+http://…} (the query's step is the range over
     * 999: 4 s for an hour, 87 s for a day), so a side holds at most 1 000 000 runs, {@link #MAX_COMPARE_RUNS}.
     */
    public static final int MAX_PROMETHEUS_COMPARE_SAMPLES = 1_000;
    /** Most inputs on one report. */
    public static final int MAX_INPUTS = 1_000;
    /** Most points in one phase's latency CDF ({@code end.latency.loaded.cdf}; iperf3j writes 12). */
    public static final int MAX_CDF_POINTS = IperfJsonLimits.DEFAULT.maxCdfPoints();
    /** Longest error or label text kept (longer text is cut, marked with an ellipsis). */
    public static final int MAX_TEXT_CHARS = 4_096;
    /**
     * Longest server text kept ({@code server_output_text} of {@code --get-server-output}; an hour of
     * one-second lines is ~0.3 MB per stream). The raw JSON on the page keeps all of it.
     */
    public static final int MAX_SERVER_TEXT_CHARS = 1 << 20;

    private InputLimits() {
    }
}
