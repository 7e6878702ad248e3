package io.iperf3j.report.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * What {@code iperf3j report prometheus+http://HOST:PORT} asks a Prometheus server for: the range
 * {@code [from, to]} (whole seconds) of a scheduled session's series, those matching {@code match} (label
 * matchers in braces, e.g. {@code {job="iperf3j_session"}}, or none), at a step that gives each series at
 * most {@code maxPoints} samples.
 *
 * @param input the input as given ({@code prometheus+http://…}), which error messages name
 * @param server the server's base URL ({@code http://HOST:PORT}, or with a path prefix behind a proxy)
 * @param match the label matchers in braces, empty when none
 */
public record PrometheusRange(String input, URI server, long fromSeconds, long toSeconds, String match, int maxPoints) {
    /** How an input names a Prometheus server: {@code prometheus+http://…} or {@code prometheus+https://…}. */
    public static final String PREFIX = "prometheus+";
    /** Longest {@code --match} text. */
    public static final int MAX_MATCH_CHARS = 1_024;

    /** Whether {@code input} names a Prometheus server rather than a file. */
    public static boolean names(String input) {
        return input.startsWith(PREFIX + "http://") || input.startsWith(PREFIX + "https://");
    }

    /**
     * Checks and builds a range.
     *
     * @param match the label matchers ({@code {…}}), or null for none
     * @throws InputFormatException naming the input when the URL, the range or the matchers are not usable
     */
    public static PrometheusRange of(String input, Instant from, Instant to, String match, int maxPoints)
            throws InputFormatException {
        if (!names(input)) {
            throw new InputFormatException(input + ": not a prometheus+http:// or prometheus+https:// URL");
        }
        URI server;
        try {
            server = new URI(input.substring(PREFIX.length()));
        } catch (URISyntaxException e) {
            throw new InputFormatException(input + ": not a URL: " + e.getMessage(), e);
        }
        if (server.getHost() == null || server.getRawQuery() != null || server.getRawFragment() != null
                || server.getRawUserInfo() != null) {
            throw new InputFormatException(input + ": give the server as prometheus+http://HOST:PORT[/PATH] (no user, query or fragment)");
        }
        long f = from.getEpochSecond();
        long t = to.getEpochSecond();
        if (f >= t) {
            throw new InputFormatException(input + ": the range is empty (from " + from + " to " + to + ")");
        }
        String m = match == null ? "" : match.strip();
        if (!m.isEmpty() && (m.length() > MAX_MATCH_CHARS || !m.startsWith("{") || !m.endsWith("}"))) {
            throw new InputFormatException(input + ": --match takes label matchers in braces, e.g. {job=\"iperf3j_session\"}"
                    + " (at most " + MAX_MATCH_CHARS + " characters)");
        }
        return new PrometheusRange(input, server, f, t, m, maxPoints);
    }

    /** The query step in seconds: the range over {@code maxPoints - 1} steps, rounded up, at least 1 s. */
    public long stepSeconds() {
        long span = toSeconds - fromSeconds;
        return Math.max(1, (span + maxPoints - 2) / (maxPoints - 1));
    }

    /**
     * The first step: the range's start moved later by what is left of the span after whole steps, so the last
     * step is the range's end. Why: Prometheus evaluates at start, start + step, … up to the end, and a last
     * step up to a step before the end missed the last runs (the last status shown was an earlier run's).
     */
    public long queryStartSeconds() {
        long step = stepSeconds();
        return toSeconds - (toSeconds - fromSeconds) / step * step;
    }

    /** The PromQL selector of {@code metric}'s series: the metric's name and the matchers. */
    public String selector(String metric) {
        return metric + match;
    }

    /**
     * The {@code /api/v1/query_range} URL of {@code metric}'s series: at each step, the last sample of the step
     * before it ({@code last_over_time(SELECTOR[STEPs])}). Why not the bare selector: at a step longer than the
     * scrape interval it gives the same value (the latest sample), but a session that stopped or ran between two
     * steps had no value at any step (its series stale), and its last runs and counters were lost; the step's
     * windows follow each other, so every sample is in one of them.
     */
    public URI queryUri(String metric) {
        String base = server.toString();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        String query = "last_over_time(" + selector(metric) + "[" + stepSeconds() + "s])";
        return URI.create(base + "/api/v1/query_range?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8)
                + "&start=" + queryStartSeconds() + "&end=" + toSeconds + "&step=" + stepSeconds());
    }

    /** What the page says was read. */
    public String describe() {
        return "query_range " + selector("iperf3j_session_…") + " from " + Instant.ofEpochSecond(fromSeconds) + " to "
                + Instant.ofEpochSecond(toSeconds) + ", one sample every " + stepSeconds() + " s (a run followed by the test's"
                + " next run within one step is not seen)";
    }
}
