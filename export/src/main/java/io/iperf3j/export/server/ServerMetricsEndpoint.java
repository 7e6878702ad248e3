package io.iperf3j.export.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.iperf3j.export.PrometheusEncoder;
import io.iperf3j.export.http.TextResponse;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.function.Supplier;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Serves a server's {@link ServerMetrics} (or, for {@code iperf3j session --metrics.listen}, any snapshots
 * read at each scrape) on the JDK's {@code com.sun.net.httpserver}, a virtual thread per
 * request (as the exporter): {@code /metrics} (Prometheus text) and {@code /health} ({@code OK}); any other
 * path is 404. A scrape only reads the metrics' adders, so it never holds up the server's threads.
 */
public final class ServerMetricsEndpoint implements AutoCloseable {
    private static final String TEXT = "text/plain; charset=utf-8";

    private final HttpServer http;
    private final ExecutorService executor;

    private ServerMetricsEndpoint(HttpServer http, ExecutorService executor) {
        this.http = http;
        this.executor = executor;
    }

    /**
     * Binds and starts serving.
     *
     * @param address where to listen (port 0 picks a free one)
     * @throws IOException if the address cannot be bound
     */
    public static ServerMetricsEndpoint start(InetSocketAddress address, ServerMetrics metrics) throws IOException {
        Objects.requireNonNull(metrics, "metrics");
        return start(address, "iperf3j-server-metrics-", metrics::snapshots);
    }

    /**
     * Binds and starts serving {@code snapshots}, read on the request's thread at each scrape (so it must be
     * safe to call from any thread).
     *
     * @param address where to listen (port 0 picks a free one)
     * @param threadPrefix the request threads' name prefix
     * @throws IOException if the address cannot be bound
     */
    public static ServerMetricsEndpoint start(InetSocketAddress address, String threadPrefix,
            Supplier<MetricSnapshots> snapshots) throws IOException {
        Objects.requireNonNull(snapshots, "snapshots");
        HttpServer http = HttpServer.create(Objects.requireNonNull(address, "address"), 64);
        ExecutorService executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name(threadPrefix, 0).factory());
        http.setExecutor(executor);
        http.createContext("/metrics", ex -> respond(ex, "/metrics", PrometheusEncoder.CONTENT_TYPE,
                () -> PrometheusEncoder.encode(snapshots.get())));
        http.createContext("/health", ex -> respond(ex, "/health", TEXT, () -> "OK\n"));
        http.createContext("/", ex -> respond(ex, null, TEXT, () -> "not found\n"));
        http.start();
        return new ServerMetricsEndpoint(http, executor);
    }

    /** Where {@code address}'s metrics are scraped, as a URL: {@code http://127.0.0.1:9580/metrics}, {@code http://[::1]:9580/metrics}. */
    public static String metricsUrl(InetSocketAddress address) {
        return "http://" + io.iperf3j.internal.subcommand.HostPort.of(address) + "/metrics";
    }

    /** The address served. */
    public InetSocketAddress address() {
        return http.getAddress();
    }

    /** Stops serving. */
    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
    }

    private interface Body {
        String text();
    }

    /** Answers 200 with the body on {@code path} exactly (GET or HEAD), else 404 or 405. */
    private static void respond(HttpExchange ex, String path, String contentType, Body body) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            if (path == null || !ex.getRequestURI().getPath().equals(path)) {
                TextResponse.send(ex, 404, TEXT, "not found\n");
            } else if (!method.equals("GET") && !method.equals("HEAD")) {
                TextResponse.send(ex, 405, TEXT, "method not allowed\n");
            } else {
                TextResponse.send(ex, 200, contentType, body.text());
            }
        }
    }
}
