package io.iperf3j.export.server;

import io.iperf3j.Cause;
import io.iperf3j.ServerEvent;
import io.iperf3j.export.PrometheusEncoder;
import io.iperf3j.export.RealTools;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Every series of the server's /metrics, fed with events directly (including those no code raises yet:
 * queued, left, the queue and address refusals), checked line by line and by {@code promtool check metrics};
 * the prefix bound; concurrent raising loses nothing; the endpoint answers /metrics and /health.
 */
class ServerMetricsTest {
    private static final Instant T = Instant.parse("2026-11-25T22:00:00Z");
    private final AtomicInteger running = new AtomicInteger(3);
    private final AtomicInteger queued = new AtomicInteger(5);

    private ServerMetrics metrics(int prefixes) {
        return new ServerMetrics(new ServerMetrics.Limits(16, 64, prefixes), running::get, queued::get);
    }

    private static String text(ServerMetrics m) {
        return PrometheusEncoder.encode(m.snapshots());
    }

    private static ServerEvent.Refused refused(String address, ServerEvent.Reason reason, Duration waited) {
        return new ServerEvent.Refused(T, address, 1, address + "/32", reason, 0, 0, null, waited, null);
    }

    private static void feedOneOfEach(ServerMetrics m) {
        m.on(new ServerEvent.Accepted(T, "192.0.2.7", 1, "192.0.2.7/32", 0));
        m.on(new ServerEvent.Queued(T, "192.0.2.7", 1, "192.0.2.7/32", 1, 1, 16, 16));
        m.on(new ServerEvent.Left(T, "192.0.2.8", 2, "192.0.2.8/32", Duration.ofMillis(700)));
        m.on(new ServerEvent.Started(T, "192.0.2.7", 1, "192.0.2.7/32", 1, "TCP", "normal", 1, "10s",
                Duration.ofSeconds(3), null, 0));
        m.on(new ServerEvent.Started(T, "2001:db8:1:2::9", 3, "2001:db8:1:2::/64", 2, "UDP", "reverse", 1, "10s",
                Duration.ZERO, null, 0));
        m.on(new ServerEvent.Interval(T, "192.0.2.7", 1, "192.0.2.7/32", 1, "TCP", 0, 1000));
        m.on(new ServerEvent.Interval(T, "192.0.2.7", 1, "192.0.2.7/32", 1, "TCP", 0, 500));
        m.on(new ServerEvent.Interval(T, "2001:db8:1:2::9", 3, "2001:db8:1:2::/64", 2, "UDP", 7000, 0));
        m.on(new ServerEvent.Ended(T, "192.0.2.7", 1, "192.0.2.7/32", 1, "TCP", "normal", 1, 0, 1500,
                Duration.ofMillis(10_040), ServerEvent.Result.OK, null));
        m.on(new ServerEvent.Ended(T, "2001:db8:1:2::9", 3, "2001:db8:1:2::/64", 2, "UDP", "reverse", 1, 7000, 0,
                Duration.ofMillis(1_500), ServerEvent.Result.CUT, "gone", Optional.empty(),
                ServerEvent.EndReason.IDLE_TIMEOUT));
        // a denied attempt and refused parameters: neither in the duration histogram, the denied one not a test
        m.on(new ServerEvent.Ended(T, "192.0.2.9", 4, "192.0.2.9/32", 3, "TCP", "normal", 1, 0, 0,
                Duration.ofMillis(30), ServerEvent.Result.DENIED, "test authorization failed"));
        m.on(new ServerEvent.Ended(T, "192.0.2.9", 5, "192.0.2.9/32", 4, "UDP", "normal", 1, 0, 0,
                Duration.ofMillis(40), ServerEvent.Result.REFUSED, "total rate", Optional.empty(),
                ServerEvent.EndReason.RATE_LIMIT));
        for (ServerEvent.Reason r : ServerEvent.Reason.values()) {
            m.on(refused("192.0.2.200", r, r == ServerEvent.Reason.QUEUE_TIMEOUT ? Duration.ofSeconds(60) : Duration.ZERO));
        }
    }

    @Tag("tool")
    @Test
    void everySeriesFromEvents() throws Exception {
        ServerMetrics m = metrics(64);
        feedOneOfEach(m);
        String t = text(m);
        assertThat(t.lines().toList()).contains(
                "iperf3_server_tests_running 3.0",
                "iperf3_server_tests_queued 5.0",
                "iperf3_server_tests_max 16.0",
                "iperf3_server_queue_max 64.0",
                "iperf3_server_tests_started_total 2.0",
                "iperf3_server_tests_ended_total{reason=\"completed\",result=\"ok\"} 1.0",
                "iperf3_server_tests_ended_total{reason=\"idle_timeout\",result=\"cut\"} 1.0",
                "iperf3_server_tests_ended_total{reason=\"max_duration\",result=\"cut\"} 0.0",
                "iperf3_server_tests_ended_total{reason=\"server_terminated\",result=\"cut\"} 0.0",
                "iperf3_server_tests_ended_total{reason=\"rate_limit\",result=\"refused\"} 1.0",
                "iperf3_server_tests_ended_total{reason=\"parameters\",result=\"refused\"} 0.0",
                "iperf3_server_queue_left_total 1.0",
                "iperf3_server_bytes_total{direction=\"received\",protocol=\"tcp\"} 1500.0",
                "iperf3_server_bytes_total{direction=\"sent\",protocol=\"udp\"} 7000.0",
                "iperf3_server_bytes_total{direction=\"sent\",protocol=\"tcp\"} 0.0",
                "iperf3_server_test_duration_seconds_bucket{le=\"1.0\"} 0",
                "iperf3_server_test_duration_seconds_bucket{le=\"2.0\"} 1",
                "iperf3_server_test_duration_seconds_bucket{le=\"10.0\"} 1",
                "iperf3_server_test_duration_seconds_bucket{le=\"20.0\"} 2",
                "iperf3_server_test_duration_seconds_bucket{le=\"+Inf\"} 2",
                "iperf3_server_test_duration_seconds_count 2",
                "iperf3_server_test_duration_seconds_sum 11.54",
                // waits: left after 0.7 s, started after 3 s (a test not queued adds none), timed out after 60 s
                "iperf3_server_queue_wait_seconds_bucket{le=\"0.5\"} 0",
                "iperf3_server_queue_wait_seconds_bucket{le=\"1.0\"} 1",
                "iperf3_server_queue_wait_seconds_bucket{le=\"5.0\"} 2",
                "iperf3_server_queue_wait_seconds_bucket{le=\"60.0\"} 3",
                "iperf3_server_queue_wait_seconds_count 3",
                "iperf3_server_client_tests_started_total{prefix=\"192.0.2.0/24\"} 1.0",
                "iperf3_server_client_tests_started_total{prefix=\"2001:db8:1::/48\"} 1.0",
                "iperf3_server_client_bytes_total{direction=\"received\",prefix=\"192.0.2.0/24\"} 1500.0",
                "iperf3_server_client_bytes_total{direction=\"sent\",prefix=\"2001:db8:1::/48\"} 7000.0");
        for (ServerEvent.Reason r : ServerEvent.Reason.values()) {
            assertThat(t).contains("iperf3_server_refused_total{reason=\"" + r.label() + "\"} 1.0\n",
                    "iperf3_server_client_refused_total{prefix=\"192.0.2.0/24\",reason=\"" + r.label() + "\"} 1.0\n");
        }
        assertThat(t).contains("reason=\"queue_full\"", "reason=\"queue_timeout\"", "reason=\"max_per_client\"",
                "reason=\"denied\"", "reason=\"auth\"", "reason=\"no_cookie\"", "reason=\"handshake_cap\"",
                "reason=\"handshake_per_client\"", "reason=\"queue_per_client\"", "reason=\"cool_down\"");
        assertThat(t).as("a denied attempt is no test's end").doesNotContain("result=\"denied\"")
                .doesNotContain("reason=\"auth\",result=");
        assertThat(t.lines().filter(l -> l.startsWith("iperf3_server_tests_ended_total{")).count())
                .as("a bounded set of (result, reason) pairs").isEqualTo(1 + 10 + 4);
        assertThat(t).doesNotContain("prefix=\"other\"").as("no port, cookie or test label").doesNotContain("port=",
                "test=");
        RealTools.assertPromtoolAccepts(t);
        running.set(0);
        queued.set(0);
        assertThat(text(m)).contains("iperf3_server_tests_running 0.0\n", "iperf3_server_tests_queued 0.0\n");
    }

    @Tag("tool")
    @Test
    void buildInfoAndTheProcesssOwnSeries() throws Exception {
        ServerMetrics plain = metrics(64);
        assertThat(text(plain)).doesNotContain("iperf3j_build_info").doesNotContain("process_start_time_seconds");
        ServerMetrics m = metrics(64).process("9.8.7");
        String t = text(m);
        assertThat(t).contains("iperf3j_build_info{java_version=\"" + Runtime.version() + "\",version=\"9.8.7\"} 1.0\n",
                "# TYPE process_start_time_seconds gauge\n", "jvm_memory_used_bytes{area=\"heap\"}",
                "jvm_threads_current ", "process_open_fds ", "jvm_runtime_info{");
        double start = t.lines().filter(l -> l.startsWith("process_start_time_seconds ")).mapToDouble(
                l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1))).findFirst().orElseThrow();
        double processStart = ProcessHandle.current().info().startInstant().orElseThrow().toEpochMilli() / 1000.0;
        assertThat(start).as("this process's start (the JVM's, a moment after the exec)")
                .isBetween(processStart - 0.05, processStart + 2);
        RealTools.assertPromtoolAccepts(t);
    }

    @Tag("tool")
    @Test
    void finishedTestsByWhatHeldThemBack() throws Exception {
        ServerMetrics m = metrics(64);
        assertThat(text(m)).contains("iperf3_server_tests_limited_total{cause=\"path\",sender=\"client\"} 0.0\n");
        // a forward test whose client asked, a --bidir one (a verdict per direction), one that did not ask
        m.on(ended(1, Optional.of(io.iperf3j.export.Verdicts.why(Cause.RECEIVER_WINDOW))));
        m.on(ended(2, Optional.of(io.iperf3j.export.Verdicts.why(Cause.RECEIVER_WINDOW, Cause.PATH))));
        m.on(ended(3, Optional.empty()));
        String t = text(m);
        assertThat(t.lines().toList()).contains(
                "iperf3_server_tests_limited_total{cause=\"receiver_window\",sender=\"client\"} 2.0",
                "iperf3_server_tests_limited_total{cause=\"path\",sender=\"server\"} 1.0",
                "iperf3_server_tests_limited_total{cause=\"path\",sender=\"client\"} 0.0",
                "iperf3_server_tests_limited_total{cause=\"receiver_buffer\",sender=\"server\"} 0.0",
                "iperf3_server_tests_ended_total{reason=\"completed\",result=\"ok\"} 3.0");
        assertThat(t.lines().filter(l -> l.startsWith("iperf3_server_tests_limited_total{")))
                .hasSize(2 * Cause.values().length);
        RealTools.assertPromtoolAccepts(t);
    }

    private static ServerEvent.Ended ended(long test, Optional<io.iperf3j.Why> why) {
        return new ServerEvent.Ended(T, "192.0.2.7", 1, "192.0.2.7/32", test, "TCP", "normal", 1, 0, 1500,
                Duration.ofSeconds(3), ServerEvent.Result.OK, null, why);
    }

    @Tag("tool")
    @Test
    void anEmptyServerIsPromtoolClean() throws Exception {
        String t = text(metrics(64));
        assertThat(t).contains("iperf3_server_refused_total{reason=\"busy\"} 0.0\n")
                .doesNotContain("client_tests_started").as("only with --total-rate").doesNotContain("rate_limit_bytes", "fair_share");
        RealTools.assertPromtoolAccepts(t);
    }

    @Tag("tool")
    @Test
    void logLinesDroppedWithAServerLog() throws Exception {
        assertThat(text(metrics(64))).as("only with --server-log").doesNotContain("log_lines_dropped");
        java.util.concurrent.atomic.AtomicLong dropped = new java.util.concurrent.atomic.AtomicLong();
        ServerMetrics m = metrics(64).logDrops(dropped::get);
        assertThat(text(m)).contains("iperf3_server_log_lines_dropped_total 0.0\n");
        dropped.set(57);
        String t = text(m);
        assertThat(t).contains("iperf3_server_log_lines_dropped_total 57.0\n");
        RealTools.assertPromtoolAccepts(t);
    }

    @Tag("tool")
    @Test
    void rateGaugesWithATotalRate() throws Exception {
        AtomicInteger share = new AtomicInteger(100_000_000);
        ServerMetrics m = metrics(64).rateGauges(() -> 200_000_000, share::get);
        assertThat(text(m)).contains("iperf3_server_rate_limit_bytes_per_second 2.0E8\n",
                "iperf3_server_fair_share_bytes_per_second 1.0E8\n");
        share.set(50_000_000);
        String t = text(m);
        assertThat(t).contains("iperf3_server_fair_share_bytes_per_second 5.0E7\n");
        RealTools.assertPromtoolAccepts(t);
    }

    @Tag("tool")
    @Test
    void prefixesBeyondTheFirstKAreOtherAndNoSeriesGoesAway() throws Exception {
        ServerMetrics m = metrics(2);
        for (String a : List.of("10.0.1.1", "10.0.1.2", "10.0.2.1", "10.0.3.1", "10.0.4.1", "10.0.1.3")) {
            m.on(new ServerEvent.Started(T, a, 1, a + "/32", 1, "TCP", "normal", 1, "1s", Duration.ZERO, null, 0));
        }
        String t = text(m);
        assertThat(t.lines().filter(l -> l.startsWith("iperf3_server_client_tests_started_total")).toList())
                .containsExactly("iperf3_server_client_tests_started_total{prefix=\"10.0.1.0/24\"} 3.0",
                        "iperf3_server_client_tests_started_total{prefix=\"10.0.2.0/24\"} 1.0",
                        "iperf3_server_client_tests_started_total{prefix=\"other\"} 2.0");
        RealTools.assertPromtoolAccepts(t);
        assertThat(text(metrics(0))).doesNotContain("iperf3_server_client_");
    }

    @Test
    void metricPrefixes() {
        assertThat(ServerMetrics.metricPrefix("192.0.2.77")).isEqualTo("192.0.2.0/24");
        assertThat(ServerMetrics.metricPrefix("2001:db8:1:2::9")).isEqualTo("2001:db8:1::/48");
        assertThat(ServerMetrics.metricPrefix("2001:db8::9")).isEqualTo("2001:db8::/48");
        assertThat(ServerMetrics.metricPrefix("0:0:1::5")).isEqualTo("0:0:1::/48");
        assertThat(ServerMetrics.metricPrefix("::1")).isEqualTo("::/48");
        assertThat(ServerMetrics.metricPrefix("not an address")).isEqualTo(ServerMetrics.OTHER);
    }

    @Test
    void concurrentEventsAreAllCounted() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            ServerMetrics m = metrics(8);
            int threads = 8;
            int each = 20_000;
            try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
                for (int t = 0; t < threads; t++) {
                    String a = "10.0." + t * 3 + ".1"; // 8 prefixes for 8 places: none is "other"
                    pool.submit(() -> {
                        for (int i = 0; i < each; i++) {
                            m.on(new ServerEvent.Interval(T, a, 1, a + "/32", 1, "TCP", 1, 2));
                        }
                    });
                }
            }
            String t = text(m);
            assertThat(t).contains("iperf3_server_bytes_total{direction=\"sent\",protocol=\"tcp\"} " + (double) threads * each
                    + "\n", "iperf3_server_bytes_total{direction=\"received\",protocol=\"tcp\"} " + 2.0 * threads * each + "\n");
            assertThat(t.lines().filter(l -> l.startsWith("iperf3_server_client_bytes_total{direction=\"sent\"")))
                    .hasSize(threads).allMatch(l -> l.endsWith(" " + (double) each));
        });
    }

    @Tag("tool")
    @Test
    void endpointServesMetricsAndHealth() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            ServerMetrics m = metrics(64);
            feedOneOfEach(m);
            try (ServerMetricsEndpoint e = ServerMetricsEndpoint.start(new InetSocketAddress("127.0.0.1", 0), m)) {
                String base = "http://127.0.0.1:" + e.address().getPort();
                String body = RealTools.get(base + "/metrics");
                assertThat(body).contains("iperf3_server_tests_started_total 2.0\n");
                RealTools.assertPromtoolAccepts(body);
                assertThat(RealTools.get(base + "/health")).isEqualTo("OK\n");
                HttpResponse<String> missing = HttpClient.newHttpClient().send(
                        HttpRequest.newBuilder(URI.create(base + "/metrics/x")).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(missing.statusCode()).isEqualTo(404);
            }
        });
    }
}
