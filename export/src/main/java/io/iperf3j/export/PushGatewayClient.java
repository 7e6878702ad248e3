package io.iperf3j.export;

import io.iperf3j.internal.subcommand.LogText;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * Blocking HTTP to one Pushgateway grouping key: {@code PUT} (replace the whole
 * group) and {@code DELETE}, with iperf3-rs's retry policy. Thread-safe; calls
 * block, so run them off the test's thread ({@link PushGatewaySink} does).
 *
 * <p>Written on {@link HttpClient} rather than the Prometheus client's
 * {@code prometheus-metrics-exporter-pushgateway}: that module stops at 1.5.x on
 * Maven Central, encodes values with {@code URLEncoder} (a space becomes
 * {@code +}, which the gateway keeps as a plus), drops any base path of the
 * endpoint, has no retry and reports every status as one {@code IOException}, so
 * 5xx/429 could not be told from other failures.
 */
public final class PushGatewayClient {
    /** Longest retry delay ({@link RetryPolicy#PUSHGATEWAY}'s). */
    static final Duration RETRY_MAX = RetryPolicy.PUSHGATEWAY.longest();

    private final PushGatewayConfig config;
    private final URI uri;
    private final HttpClient http;

    /** A client for the configuration's grouping key. */
    public PushGatewayClient(PushGatewayConfig config) {
        this(config, HttpClient.newBuilder().connectTimeout(config.timeout()).followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1).build());
    }

    private PushGatewayClient(PushGatewayConfig config, HttpClient http) {
        this.config = Objects.requireNonNull(config, "config");
        this.uri = config.groupingUri();
        this.http = http;
    }

    /**
     * A client for another grouping key ({@code group}: its job, labels, timeout and retries) that
     * shares this one's HTTP connections, so pushing many groups to one gateway (a session's results,
     * one group per test) opens no new connection pool per group. The connect timeout stays this
     * client's.
     */
    public PushGatewayClient forGroup(PushGatewayConfig group) {
        return new PushGatewayClient(group, http);
    }

    /** The grouping-key URL requests go to. */
    public URI uri() {
        return uri;
    }

    /** The configuration. */
    public PushGatewayConfig config() {
        return config;
    }

    /**
     * PUTs an exposition, replacing every metric of the group.
     *
     * @throws PushException once the attempts are used up, or at once for a non-retryable answer
     * @throws InterruptedException if interrupted while sending or waiting to retry
     */
    public void put(String exposition) throws PushException, InterruptedException {
        HttpRequest request = request().header("Content-Type", PrometheusEncoder.CONTENT_TYPE)
                .PUT(HttpRequest.BodyPublishers.ofString(exposition, StandardCharsets.UTF_8)).build();
        send(request, "push");
    }

    /**
     * DELETEs the group.
     *
     * @throws PushException once the attempts are used up, or at once for a non-retryable answer
     * @throws InterruptedException if interrupted
     */
    public void delete() throws PushException, InterruptedException {
        send(request().DELETE().build(), "delete");
    }

    private HttpRequest.Builder request() {
        return HttpRequest.newBuilder(uri).timeout(config.timeout()).header("User-Agent", config.userAgent());
    }

    private void send(HttpRequest request, String what) throws PushException, InterruptedException {
        for (int attempt = 0; ; attempt++) {
            boolean retryable;
            String failure;
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status / 100 == 2) {
                    return;
                }
                retryable = status >= 500 && status <= 599 || status == 429;
                String body = response.body() == null ? "" : response.body().strip();
                failure = "Pushgateway " + what + " to " + uri + " failed: HTTP status " + status
                        + (body.isEmpty() ? "" : ": " + abbreviate(body));
            } catch (IOException e) {
                retryable = true;
                failure = "Pushgateway " + what + " to " + uri + " failed: " + describe(e, config.timeout());
            }
            if (!retryable || attempt >= config.retries()) {
                throw new PushException(failure + (attempt > 0 ? " (after " + (attempt + 1) + " attempts)" : ""), retryable);
            }
            Thread.sleep(retryDelay(attempt).toMillis());
        }
    }

    /** The wait before retry number {@code attempt + 1}: 100 ms × 2^attempt, at most 1 s ({@link RetryPolicy#PUSHGATEWAY}). */
    public static Duration retryDelay(int attempt) {
        return RetryPolicy.PUSHGATEWAY.delay(attempt);
    }

    /** What went wrong, in words: refused, timed out, unknown host, or the exception's own text. */
    static String describe(IOException e, Duration timeout) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getMessage() == null) {
            cause = cause.getCause();
        }
        if (e instanceof java.net.ConnectException || cause instanceof java.net.ConnectException) {
            return "connection refused";
        }
        if (e instanceof java.net.http.HttpTimeoutException) {
            return "no answer within " + (timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + "s" : timeout.toMillis() + "ms")
                    + " (timeout)";
        }
        if (cause instanceof java.nio.channels.UnresolvedAddressException || cause instanceof java.net.UnknownHostException) {
            return "unknown host";
        }
        String m = cause.getMessage();
        return m == null || m.isBlank() ? "input/output error" : m; // never a Java class name (issue 38)
    }

    private static String abbreviate(String s) {
        String one = LogText.escape(s.replaceAll("\\s+", " ")); // the gateway's text, on one line
        return one.length() <= 200 ? one : one.substring(0, 200) + "...";
    }

    /** A push or delete that did not succeed. */
    public static final class PushException extends Exception {
        private final boolean retryable;

        /** With its message; not retryable. */
        public PushException(String message) {
            this(message, false);
        }

        /** With its message, and whether trying again later may succeed. */
        public PushException(String message, boolean retryable) {
            super(message);
            this.retryable = retryable;
        }

        /**
         * Whether the same request may succeed later: the gateway did not answer (refused, timed
         * out, connection lost) or answered 5xx or 429. A 4xx other than 429 (a rejected body or
         * grouping key) will not.
         */
        public boolean retryable() {
            return retryable;
        }
    }
}
