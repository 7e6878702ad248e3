package io.iperf3j.report.internal;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks a Prometheus server for a scheduled session's history ({@link #read}) or the runs {@code report --compare}
 * compares ({@link #answers}): one {@code /api/v1/query_range} GET per metric, one after another, each answered within
 * {@link InputLimits#PROMETHEUS_TIMEOUT} (connection, answer and body) and at most
 * {@link InputLimits#MAX_PROMETHEUS_ANSWER_BYTES}, or the read fails with a message naming the input and
 * why (the connection's failure, or Prometheus's own error text).
 *
 * <p>Why {@code java.net.http} and not a Prometheus client library: the Java ones (client_java) expose
 * metrics and do not query; the HTTP API is one documented GET with a JSON answer, which the JDK's client
 * and Jackson (already the report's) read with explicit limits, and a library would add a dependency to
 * every installation for that.
 *
 * <p>Threads: the calling thread sends each request and waits for its answer; the JDK client's own
 * selector thread moves the bytes and ends with the client, closed before {@link #read} returns.
 */
public final class PrometheusReader {
    private PrometheusReader() {
    }

    public static History read(PrometheusRange range) throws InputFormatException {
        return PrometheusHistory.build(range, answers(range, PrometheusHistory.METRICS, InputLimits.MAX_PROMETHEUS_HISTORY_TESTS),
                InputLimits.MAX_PROMETHEUS_HISTORY_TESTS);
    }

    /**
     * Each metric's answer over the range, asked one after another.
     *
     * @param maxSeries the most series an answer may hold (more fail the read)
     */
    public static Map<String, PrometheusMatrix> answers(PrometheusRange range, List<String> metrics, int maxSeries)
            throws InputFormatException {
        Map<String, PrometheusMatrix> answers = new LinkedHashMap<>();
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(InputLimits.PROMETHEUS_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build()) {
            for (String metric : metrics) {
                String what = range.input() + ": query_range " + range.selector(metric);
                byte[] body = get(http, range, metric);
                answers.put(metric, PrometheusMatrix.parse(body, what, maxSeries, range.maxPoints()));
            }
        }
        return answers;
    }

    /** The body of a 200 answer; any other status fails with Prometheus's error text when it gave one. */
    private static byte[] get(HttpClient http, PrometheusRange range, String metric) throws InputFormatException {
        Duration timeout = InputLimits.PROMETHEUS_TIMEOUT;
        HttpRequest request = HttpRequest.newBuilder(range.queryUri(metric)).timeout(timeout)
                .header("Accept", "application/json").GET().build();
        CompletableFuture<HttpResponse<byte[]>> pending = http.sendAsync(request,
                HttpResponse.BodyHandlers.limiting(HttpResponse.BodyHandlers.ofByteArray(), InputLimits.MAX_PROMETHEUS_ANSWER_BYTES));
        HttpResponse<byte[]> response;
        try {
            response = pending.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw new InputFormatException(range.input() + ": no answer within " + timeout.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            throw new InputFormatException(range.input() + ": interrupted", e);
        } catch (ExecutionException e) {
            throw new InputFormatException(range.input() + ": " + why(e.getCause()), e.getCause());
        }
        if (response.statusCode() != 200) {
            String error = PrometheusMatrix.errorText(response.body());
            throw new InputFormatException(range.input() + ": query_range " + range.selector(metric) + ": HTTP " + response.statusCode()
                    + (error == null ? "" : ": Prometheus says: " + error));
        }
        return response.body();
    }

    /** A failed request's reason as a person would say it. */
    private static String why(Throwable e) {
        if (e instanceof ConnectException) {
            if (e.getCause() instanceof UnresolvedAddressException) {
                return "unknown host";
            }
            return e.getMessage() == null ? "connection refused" : Texts.cut(e.getMessage());
        }
        if (e instanceof HttpTimeoutException) {
            return "no answer within " + InputLimits.PROMETHEUS_TIMEOUT.toSeconds() + " s";
        }
        if (e instanceof IOException && e.getMessage() != null && e.getMessage().contains("exceeds")) {
            return "an answer larger than " + InputLimits.MAX_PROMETHEUS_ANSWER_BYTES + " bytes (input limit; narrow it with --match or"
                    + " --since)";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : Texts.cut(e.getMessage());
    }
}
