package io.iperf3j.export.exporter;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.iperf3j.IperfResult;
import io.iperf3j.RunningIperf;
import io.iperf3j.export.PrometheusEncoder;
import io.iperf3j.export.http.TextResponse;
import io.iperf3j.internal.subcommand.LogText;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Prometheus scrape endpoint in the style of iperf3_exporter, on the JDK's
 * {@code com.sun.net.httpserver}:
 *
 * <ul>
 *   <li>{@code /probe?target=host[:port]&...} runs one iperf3j client test (see
 *       {@link ProbeRequest}) and answers with its gauges, labelled
 *       {@code target} and {@code port}: {@code iperf3_up}, {@code iperf3_sent_seconds},
 *       {@code iperf3_sent_bytes}, {@code iperf3_received_seconds},
 *       {@code iperf3_received_bytes}, {@code iperf3_retransmits} (TCP) and for UDP
 *       {@code iperf3_{sent,received}_{packets,jitter_seconds,lost_packets,lost_percent}}.
 *       A failed or late test answers {@code iperf3_up 0} alone.</li>
 *   <li>{@code /metrics}: the exporter's own health ({@code iperf3_exporter_*}) only.
 *       Probe results are on {@code /probe} alone, as iperf3_exporter and Prometheus's
 *       blackbox exporter keep them: a target's series belong to the job that scrapes
 *       {@code /probe} for it, and a copy under the exporter's own job would be stale
 *       after the next probe of another target, or forever once a target is dropped.</li>
 *   <li>{@code /health}: {@code OK}; {@code /}: a short page of links.</li>
 * </ul>
 *
 * <p><b>Time.</b> A probe is bounded by the scrape: the
 * {@code X-Prometheus-Scrape-Timeout-Seconds} header less 0.5 s, and never more
 * than the configured timeout (default 30 s). At the deadline the test is
 * cancelled for real (its server is told) and the probe answers down.
 *
 * <p><b>One probe per target at a time</b> (host and port): a second probe of a
 * busy target waits for the first within its own deadline, instead of making the
 * iperf3 server answer "busy". Probes of different targets run in parallel, each
 * request on its own virtual thread.
 */
public final class ExporterServer implements AutoCloseable {
    /** iperf3_exporter's default upper bound of a probe. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** Taken off the scrape timeout, as iperf3_exporter, to answer in time. */
    static final Duration SCRAPE_MARGIN = Duration.ofMillis(500);

    private final HttpServer http;
    private final ExecutorService executor;
    private final Duration timeout;
    private final double startTime = System.currentTimeMillis() / 1000.0;
    private final Map<String, Semaphore> perTarget = new ConcurrentHashMap<>();
    private final Map<String, ProbeResult> last = new ConcurrentHashMap<>();
    private final AtomicLong probes = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Object durationLock = new Object();
    private long durationCount;
    private double durationSum;

    /** Where a failed probe's reason is logged (the command: stderr). */
    private final java.util.function.Consumer<String> log;

    private ExporterServer(HttpServer http, ExecutorService executor, Duration timeout,
                           java.util.function.Consumer<String> log) {
        this.http = http;
        this.executor = executor;
        this.timeout = timeout;
        this.log = log;
    }

    /**
     * Binds and starts serving.
     *
     * @param address where to listen (port 0 picks a free one)
     * @param timeout the longest a probe may take
     * @throws IOException if the address cannot be bound
     */
    public static ExporterServer start(InetSocketAddress address, Duration timeout) throws IOException {
        return start(address, timeout, message -> { });
    }

    /**
     * Binds and starts serving; each failed probe's reason goes to {@code log} (one line, as
     * iperf3_exporter logs it) besides the {@code # iperf3j probe failed: ...} comment line that
     * heads the probe's answer.
     *
     * @param address where to listen (port 0 picks a free one)
     * @param timeout the longest a probe may take
     * @param log receives one line per failed probe (called on the probe's thread)
     * @throws IOException if the address cannot be bound
     */
    public static ExporterServer start(InetSocketAddress address, Duration timeout,
                                       java.util.function.Consumer<String> log) throws IOException {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(log, "log");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        HttpServer http = HttpServer.create(address, 64);
        ExecutorService executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("iperf3j-exporter-", 0).factory());
        ExporterServer server = new ExporterServer(http, executor, timeout, log);
        http.setExecutor(executor);
        http.createContext("/probe", server::probe);
        http.createContext("/metrics", server::metrics);
        http.createContext("/health", ex -> TextResponse.send(ex, 200, "text/plain; charset=utf-8", "OK\n"));
        http.createContext("/", server::index);
        http.start();
        return server;
    }

    /** The address served. */
    public InetSocketAddress address() {
        return http.getAddress();
    }

    /** The port served. */
    public int port() {
        return http.getAddress().getPort();
    }

    /** The last probe of a target (host and port, as probed), if any. */
    public Optional<ProbeResult> lastResult(String host, int port) {
        return Optional.ofNullable(last.get(host.toLowerCase(java.util.Locale.ROOT) + "|" + port));
    }

    /** Stops serving (running probes are cut off with their connections). */
    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
    }

    /**
     * Runs one probe on this thread, as {@code /probe} does.
     *
     * @param limit the most it may take (capped at the configured timeout)
     */
    public ProbeResult runProbe(ProbeRequest request, Duration limit) throws InterruptedException {
        Duration budget = limit.compareTo(timeout) < 0 ? limit : timeout;
        long start = System.nanoTime();
        long deadline = start + budget.toNanos();
        inFlight.incrementAndGet();
        ProbeResult result;
        try {
            result = probeLocked(request, deadline, start);
        } finally {
            inFlight.decrementAndGet();
        }
        probes.incrementAndGet();
        if (!result.up()) {
            errors.incrementAndGet();
        }
        synchronized (durationLock) {
            durationCount++;
            durationSum += result.durationSeconds();
        }
        last.put(request.key(), result);
        return result;
    }

    private ProbeResult probeLocked(ProbeRequest request, long deadline, long start) throws InterruptedException {
        Semaphore gate = perTarget.computeIfAbsent(request.key(), k -> new Semaphore(1, true));
        if (!gate.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            return ProbeResult.down(request, "another probe of this target did not finish in time", seconds(start));
        }
        try {
            RunningIperf run;
            try {
                run = request.command().connectTimeout(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())))
                        .spawn();
            } catch (IllegalArgumentException e) {
                return ProbeResult.down(request, e.getMessage(), seconds(start));
            }
            Optional<IperfResult> done = run.await(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            if (done.isEmpty()) {
                try {
                    run.cancel();
                } catch (IllegalStateException e) {
                    // did not stop within its own limit; the answer is the same
                }
                return ProbeResult.down(request, "the test did not finish within the probe timeout", seconds(start));
            }
            return ProbeResult.of(request, done.get(), seconds(start));
        } finally {
            gate.release();
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private void probe(HttpExchange ex) throws IOException {
        try (ex) {
            if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
                TextResponse.send(ex, 405, "text/plain; charset=utf-8", "method not allowed\n");
                return;
            }
            ProbeRequest request;
            try {
                request = ProbeRequest.fromQuery(ex.getRequestURI().getRawQuery());
            } catch (IllegalArgumentException e) {
                TextResponse.send(ex, 400, "text/plain; charset=utf-8", e.getMessage() + "\n");
                return;
            }
            ProbeResult result;
            try {
                result = runProbe(request, scrapeTimeout(ex.getRequestHeaders().getFirst("X-Prometheus-Scrape-Timeout-Seconds")));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            String text = PrometheusEncoder.encode(probeSnapshots(result));
            if (!result.up()) {
                // the target and the reason (which may quote the target) are the requester's text:
                // escaped, so no request can end the line or write one of its own
                String reason = LogText.escape(result.error().orElse("unknown").replaceAll("\\s+", " ").strip());
                log.accept("probe of target=" + LogText.escape(request.target()) + " port=" + request.port()
                        + " failed: " + reason);
                // a comment line: Prometheus ignores it, a person reading the answer sees why
                text = "# iperf3j probe failed: " + reason + "\n" + text;
            }
            TextResponse.send(ex, 200, PrometheusEncoder.CONTENT_TYPE, text);
        }
    }

    /** The probe's time limit from the scrape header: its value less 0.5 s, at most the configured timeout. */
    Duration scrapeTimeout(String header) {
        if (header == null || header.isBlank()) {
            return timeout;
        }
        try {
            double s = Double.parseDouble(header.trim());
            if (!Double.isFinite(s)) {
                return timeout;
            }
            Duration d = Duration.ofNanos((long) (s * 1e9)).minus(SCRAPE_MARGIN);
            if (d.compareTo(Duration.ofMillis(100)) < 0) {
                d = Duration.ofMillis(100);
            }
            return d.compareTo(timeout) < 0 ? d : timeout;
        } catch (NumberFormatException e) {
            return timeout;
        }
    }

    private void metrics(HttpExchange ex) throws IOException {
        try (ex) {
            List<MetricSnapshot> all = new ArrayList<>();
            all.add(gauge("iperf3_exporter_start_time_seconds", "Start time of the exporter, in Unix seconds.", startTime));
            all.add(gauge("iperf3_exporter_probes_in_flight", "Probes running now.", inFlight.get()));
            all.add(CounterSnapshot.builder().name("iperf3_exporter_probes").help("Probes run.")
                    .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(probes.get()).build()).build());
            all.add(CounterSnapshot.builder().name("iperf3_exporter_errors").help("Probes that failed.")
                    .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(errors.get()).build()).build());
            long count;
            double sum;
            synchronized (durationLock) {
                count = durationCount;
                sum = durationSum;
            }
            all.add(SummarySnapshot.builder().name("iperf3_exporter_duration_seconds").help("Duration of the probes.")
                    .dataPoint(SummarySnapshot.SummaryDataPointSnapshot.builder().count(count).sum(sum).build()).build());
            TextResponse.send(ex, 200, PrometheusEncoder.CONTENT_TYPE, PrometheusEncoder.encode(new MetricSnapshots(all)));
        }
    }

    /** A probe's answer: its families, one data point each, labelled with the target. */
    static MetricSnapshots probeSnapshots(ProbeResult r) {
        Map<String, GaugeSnapshot.Builder> families = new LinkedHashMap<>();
        Labels labels = Labels.of("target", r.request().targetLabel(), "port", Integer.toString(r.request().port()));
        point(families, "iperf3_up", ProbeResult.HELP.get("iperf3_up"), labels, r.up() ? 1 : 0);
        r.values().forEach((name, value) -> point(families, name, ProbeResult.HELP.get(name), labels, value));
        List<MetricSnapshot> out = new ArrayList<>();
        families.values().forEach(b -> out.add(b.build()));
        return new MetricSnapshots(out);
    }

    private static void point(Map<String, GaugeSnapshot.Builder> families, String name, String help, Labels labels,
                              double value) {
        families.computeIfAbsent(name, n -> GaugeSnapshot.builder().name(n).help(help))
                .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(value).build());
    }

    private static GaugeSnapshot gauge(String name, String help, double value) {
        return GaugeSnapshot.builder().name(name).help(help)
                .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(value).build()).build();
    }

    private void index(HttpExchange ex) throws IOException {
        try (ex) {
            if (!ex.getRequestURI().getPath().equals("/")) {
                TextResponse.send(ex, 404, "text/plain; charset=utf-8", "not found\n");
                return;
            }
            TextResponse.send(ex, 200, "text/html; charset=utf-8", """
                    <html><head><title>iperf3j exporter</title></head><body>
                    <h1>iperf3j exporter</h1>
                    <p><a href="/probe?target=127.0.0.1">Probe 127.0.0.1:5201</a></p>
                    <p><a href="/metrics">Metrics</a></p>
                    </body></html>
                    """);
        }
    }
}
