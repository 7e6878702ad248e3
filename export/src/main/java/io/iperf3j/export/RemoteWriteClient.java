package io.iperf3j.export;

import io.airlift.compress.v3.snappy.SnappyCompressor;
import io.iperf3j.export.internal.prompb.Label;
import io.iperf3j.export.internal.prompb.TimeSeries;
import io.iperf3j.export.internal.prompb.WriteRequest;
import io.iperf3j.internal.subcommand.LogText;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends Prometheus remote write 1.0 (prometheus.io/docs/specs/remote_write_spec): one
 * {@link #write(List)} is one HTTP {@code POST} of a protobuf {@code WriteRequest} (prompb's
 * {@code remote.proto}/{@code types.proto}, export/src/main/proto), compressed with snappy's block
 * format, with {@code Content-Encoding: snappy}, {@code Content-Type: application/x-protobuf},
 * {@code X-Prometheus-Remote-Write-Version: 0.1.0}, the User-Agent and the configuration's
 * credentials, tenant and extra headers. The answer is an {@link Outcome}: written, worth
 * retrying, or refused for good. The client does not retry by itself: whoever holds the samples
 * (a sink's queue, a session's) decides how long to keep them, with {@link #retryDelay(int)}.
 *
 * <p><b>Threads.</b> Thread-safe, one {@link HttpClient} (its connection pool and threads) per
 * client, stopped by {@link #close()}; {@link #write} blocks the calling thread for at most the
 * configuration's timeout, so call it off a test's thread ({@link RemoteWriteSink} does).
 *
 * <p><b>Labels.</b> Each series gets the configuration's external labels it does not have
 * already: as in Prometheus, an external label never replaces a series' own. The labels are sent
 * sorted by name, as the protocol requires. Samples go in timestamp order.
 *
 * <p><b>Limits.</b> A redirect is not followed (a POST's body is not sent twice): it is
 * {@link Outcome.Refused} with where it points. At most {@value #MAX_ANSWER} bytes of an answer's
 * body are read, and at most {@value #MAX_REASON} characters of it are kept as the reason, on one
 * line with its control characters escaped. Remote write 2.0 (native histograms, metadata,
 * exemplars) is not sent: iperf3j's figures are plain samples.
 *
 * <p><b>Snappy.</b> aircompressor calls the snappy library it bundles through FFM: a JVM without
 * {@code --enable-native-access} for it (iperf3j's launcher and jar enable it) prints the JDK's
 * restricted-method warning at the first write; where aircompressor bundles no library for the
 * platform it uses its Java codec, and the JDK prints its {@code sun.misc.Unsafe} warning instead.
 *
 * <p>Why not a library: the remote-write clients of the Java world are inside other products
 * (Micrometer, OpenTelemetry's exporters) and bring their metric models with them; the protocol
 * itself is protobuf and snappy, for which this class uses the kept libraries
 * (protobuf-java with classes generated from prompb's own files, and aircompressor).
 */
public final class RemoteWriteClient implements AutoCloseable {
    /** The protocol version header's value for remote write 1.0. */
    public static final String PROTOCOL_VERSION = "0.1.0";
    /** The body's content type. */
    public static final String CONTENT_TYPE = "application/x-protobuf";
    /** Bytes of an answer's body read at most. */
    static final int MAX_ANSWER = 64 * 1024;
    /** Characters of a reason kept at most. */
    static final int MAX_REASON = 300;

    private final RemoteWriteConfig config;
    private final HttpClient http;
    private volatile boolean closed;

    /** A client for the configuration's receiver. */
    public RemoteWriteClient(RemoteWriteConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(config.timeout())
                .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1);
        if (config.sslContext() != null) {
            b.sslContext(config.sslContext());
        }
        this.http = b.build();
    }

    /** The configuration. */
    public RemoteWriteConfig config() {
        return config;
    }

    /**
     * The wait before retry number {@code attempt + 1}: 100 ms × 2^attempt, at most 5 s
     * ({@link RetryPolicy#REMOTE_WRITE}); a longer {@link Outcome.Retry#retryAfter()} wins.
     */
    public static Duration retryDelay(int attempt) {
        return RetryPolicy.REMOTE_WRITE.delay(attempt);
    }

    /**
     * POSTs the series as one request and says what came of it. Never throws for what the network or
     * the receiver did: that is the outcome.
     *
     * @param series at least one
     * @return {@link Outcome.Written} for 2xx; {@link Outcome.Retry} when the receiver could not be
     *         reached, did not answer in time, broke the connection, or answered 5xx or 429;
     *         {@link Outcome.Refused} for any other answer (400 "out of order sample", 401, 404, a
     *         redirect, ...)
     * @throws IllegalArgumentException if {@code series} is empty
     * @throws IllegalStateException after {@link #close()}
     * @throws InterruptedException if interrupted while waiting for the answer (the request is
     *         abandoned)
     */
    public Outcome write(List<Series> series) throws InterruptedException {
        Objects.requireNonNull(series, "series");
        if (series.isEmpty()) {
            throw new IllegalArgumentException("nothing to write: no series");
        }
        if (closed) {
            throw new IllegalStateException("remote-write client for " + config.shownEndpoint() + " is closed");
        }
        byte[] body = compress(encode(series, config.labels()));
        HttpRequest.Builder rb = HttpRequest.newBuilder(config.endpoint()).timeout(config.timeout())
                .header("Content-Encoding", "snappy").header("Content-Type", CONTENT_TYPE)
                .header("X-Prometheus-Remote-Write-Version", PROTOCOL_VERSION)
                .header("User-Agent", config.userAgent());
        config.requestHeaders().forEach(rb::header);
        HttpRequest request = rb.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();

        CompletableFuture<HttpResponse<byte[]>> pending = http.sendAsync(request, info -> new BoundedBody(MAX_ANSWER));
        HttpResponse<byte[]> response;
        try {
            // the request's own timeout ends the wait for the headers; this one the wait for the body too
            response = pending.get(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            pending.cancel(true);
            return new Outcome.Retry(noAnswer(), Optional.empty());
        } catch (InterruptedException e) {
            pending.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof java.net.http.HttpTimeoutException) {
                return new Outcome.Retry(noAnswer(), Optional.empty());
            }
            if (cause instanceof IOException io) {
                return new Outcome.Retry(PushGatewayClient.describe(io, config.timeout()), Optional.empty());
            }
            String m = cause == null ? null : cause.getMessage();
            return new Outcome.Retry(m == null || m.isBlank() ? "input/output error" : LogText.escape(m), Optional.empty());
        }
        return outcome(response.statusCode(), response.headers().firstValue("Retry-After").orElse(null),
                response.headers().firstValue("Location").orElse(null), response.body(), Instant.now());
    }

    /**
     * Stops the HTTP client: its connections and threads. A write in flight on another thread is
     * abandoned (its outcome is {@link Outcome.Retry}); later writes throw. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        http.shutdownNow();
    }

    private String noAnswer() {
        Duration t = config.timeout();
        return "no answer within " + (t.toMillis() % 1000 == 0 ? t.toSeconds() + "s" : t.toMillis() + "ms") + " (timeout)";
    }

    /** What an answer means: its status, its Retry-After and Location headers (may be null) and its body. */
    static Outcome outcome(int status, String retryAfter, String location, byte[] body, Instant now) {
        String words = reason(body);
        if (status >= 200 && status <= 299) {
            return new Outcome.Written(status);
        }
        if (status == 429 || status >= 500 && status <= 599) {
            return new Outcome.Retry("HTTP " + status + (words.isEmpty() ? "" : ": " + words),
                    RetryAfter.parse(retryAfter, now));
        }
        if (status >= 300 && status <= 399) {
            String where = redirectTarget(location);
            return new Outcome.Refused(status, "redirected" + (where == null ? "" : " to " + where)
                    + " (a redirect is not followed: give that URL)");
        }
        return new Outcome.Refused(status, words);
    }

    private static String redirectTarget(String location) {
        if (location == null || location.isBlank()) {
            return null;
        }
        try {
            URI u = new URI(location.strip());
            return u.getScheme() != null && u.getHost() != null ? RemoteWriteConfig.shown(u)
                    : LogText.escape(u.getRawPath() == null ? "" : u.getRawPath());
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /** The receiver's words: the body's text on one line, control characters escaped, at most {@value #MAX_REASON} characters. */
    static String reason(byte[] body) {
        if (body == null || body.length == 0) {
            return "";
        }
        String text = new String(body, StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
        if (text.length() > MAX_REASON) {
            text = text.substring(0, MAX_REASON) + "…";
        }
        String escaped = LogText.escape(text);
        return escaped.length() <= MAX_REASON + 1 ? escaped : escaped.substring(0, MAX_REASON) + "…";
    }

    /**
     * The {@code WriteRequest} of these series, uncompressed: each series with the external labels it
     * lacks, labels sorted by name, samples in timestamp order.
     */
    static byte[] encode(List<Series> series, Map<String, String> external) {
        WriteRequest.Builder request = WriteRequest.newBuilder();
        for (Series s : series) {
            Map<String, String> labels = new TreeMap<>(external);
            labels.putAll(s.labels()); // a series' own label wins over an external one
            TimeSeries.Builder ts = TimeSeries.newBuilder();
            labels.forEach((k, v) -> ts.addLabels(Label.newBuilder().setName(k).setValue(v)));
            for (Sample sample : s.samples()) {
                ts.addSamples(io.iperf3j.export.internal.prompb.Sample.newBuilder().setValue(sample.value())
                        .setTimestamp(sample.timestampMillis()));
            }
            request.addTimeseries(ts);
        }
        return request.build().toByteArray();
    }

    /** Snappy's block format (not the framed one): what remote write's {@code Content-Encoding: snappy} means. */
    static byte[] compress(byte[] raw) {
        SnappyCompressor snappy = SnappyCompressor.create(); // the bundled native library, or the Java codec
        byte[] out = new byte[snappy.maxCompressedLength(raw.length)];
        int n = snappy.compress(raw, 0, raw.length, out, 0, out.length);
        return java.util.Arrays.copyOf(out, n);
    }

    /** One sample: a value at a time, in milliseconds since the Unix epoch. */
    public record Sample(double value, long timestampMillis) {
    }

    /**
     * One series: its labels ({@code __name__}, the metric's name, among them) and its samples.
     *
     * @param labels names matching {@code [a-zA-Z_][a-zA-Z0-9_]*}, values not empty; {@code __name__}'s
     *               value a metric name, {@code [a-zA-Z_:][a-zA-Z0-9_:]*}
     * @param samples at least one; kept in timestamp order (sorted here, as the protocol requires)
     */
    public record Series(Map<String, String> labels, List<Sample> samples) {
        /** The metric-name label. */
        public static final String NAME = "__name__";

        /**
         * A series; the labels and samples are copied.
         *
         * @throws IllegalArgumentException for a missing or invalid {@code __name__}, an invalid label name,
         *         an empty value, or no sample
         */
        public Series {
            Objects.requireNonNull(labels, "labels");
            Objects.requireNonNull(samples, "samples");
            String name = labels.get(NAME);
            if (name == null || !isMetricName(name)) {
                throw new IllegalArgumentException("a series needs a " + NAME + " label matching [a-zA-Z_:][a-zA-Z0-9_:]*"
                        + (name == null ? "" : ", not '" + LogText.escape(name) + "'"));
            }
            labels.forEach((k, v) -> {
                if (!Names.isValidName(k)) {
                    throw new IllegalArgumentException("invalid label name '" + LogText.escape(String.valueOf(k))
                            + "' of series " + name);
                }
                if (v == null || v.isEmpty()) {
                    throw new IllegalArgumentException("label '" + k + "' of series " + name + " has an empty value");
                }
            });
            if (samples.isEmpty()) {
                throw new IllegalArgumentException("series " + name + " has no sample");
            }
            labels = Map.copyOf(labels);
            List<Sample> ordered = new ArrayList<>(samples);
            ordered.forEach(s -> Objects.requireNonNull(s, "sample"));
            ordered.sort(Comparator.comparingLong(Sample::timestampMillis));
            samples = List.copyOf(ordered);
        }

        /** A series of one sample. */
        public static Series of(Map<String, String> labels, double value, long timestampMillis) {
            return new Series(labels, List.of(new Sample(value, timestampMillis)));
        }

        /** The metric's name ({@code __name__}). */
        public String name() {
            return labels.get(NAME);
        }

        private static boolean isMetricName(String s) {
            if (s.isEmpty()) {
                return false;
            }
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                boolean ok = c == '_' || c == ':' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
                        || (i > 0 && c >= '0' && c <= '9');
                if (!ok) {
                    return false;
                }
            }
            return true;
        }
    }

    /** What came of one {@link #write}. */
    public sealed interface Outcome {
        /**
         * The receiver took every sample (2xx).
         *
         * @param status its HTTP status
         */
        record Written(int status) implements Outcome {
        }

        /**
         * Not written, but the same request may succeed later: the receiver was not reached, did not
         * answer within the timeout, broke the connection, or answered 5xx or 429 (too many requests).
         *
         * @param reason what happened, for a message: "connection refused", "HTTP 503: ..."
         * @param retryAfter the wait the receiver asked for ({@code Retry-After}, seconds or an HTTP date;
         *                   at most an hour), if it did
         */
        record Retry(String reason, Optional<Duration> retryAfter) implements Outcome {
        }

        /**
         * Refused for good: the same request would be refused again (4xx other than 429, a redirect).
         * Prometheus answers 400 for a sample out of order or older than its head block takes.
         *
         * @param status the HTTP status
         * @param reason the receiver's own words (the body, on one line, escaped, at most 300 characters;
         *               empty when it said nothing)
         */
        record Refused(int status, String reason) implements Outcome {
        }
    }

    /** Collects at most {@code limit} bytes of a body, then stops reading. */
    private static final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final int limit;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private Flow.Subscription subscription;

        BoundedBody(int limit) {
            this.limit = limit;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer b : items) {
                int take = Math.min(b.remaining(), limit - bytes.size());
                byte[] chunk = new byte[take];
                b.get(chunk);
                bytes.writeBytes(chunk);
            }
            if (bytes.size() >= limit) {
                subscription.cancel();
                result.complete(bytes.toByteArray());
            } else {
                subscription.request(1);
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(bytes.toByteArray());
        }
    }
}
