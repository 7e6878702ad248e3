package io.iperf3j.export;

import com.sun.net.httpserver.HttpServer;
import io.iperf3j.Direction;
import io.iperf3j.IperfCommand;
import io.iperf3j.IperfResult;
import io.iperf3j.MetricEvent;
import io.iperf3j.MetricsMode;
import io.iperf3j.Role;
import io.iperf3j.RunningIperf;
import io.iperf3j.testing.FreePorts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Pushes from real iperf3j tests to a real Pushgateway child process and reads the series back. */
@Timeout(120)
class PushGatewayIT {
    private static RunningIperf server;
    private static int port;

    @BeforeAll
    static void startServer() {
        server = IperfCommand.server().port(0).longLived().spawn();
        port = server.localPort().orElseThrow();
    }

    @AfterAll
    static void stopServer() throws InterruptedException {
        server.cancel();
    }

    @Test
    void intervalsArePushedWhileTheTestRunsAndReadBackFromTheGateway() throws Exception {
        try (RealTools.Pushgateway gw = RealTools.Pushgateway.start()) {
            PushGatewayConfig config = PushGatewayConfig.builder(gw.url()).job("iperf3j-it")
                    .label("scenario", "live").label("path", "/lab/rack 1").build();
            List<String> warnings = Collections.synchronizedList(new ArrayList<>());
            long bytesSeen = 0;
            IperfResult result;
            String during = null;
            try (PushGatewaySink sink = PushGatewaySink.start(config, warnings::add)) {
                RunningIperf run = IperfCommand.client("127.0.0.1").port(port).duration(Duration.ofSeconds(4))
                        .reportInterval(Duration.ofMillis(500)).spawn(MetricsMode.interval());
                for (MetricEvent e : run.metrics()) {
                    sink.accept(e);
                    if (e instanceof MetricEvent.Interval(var m)) {
                        bytesSeen += m.transferredBytes();
                        if (during == null && m.endSeconds() >= 2) {
                            // The test is still running: the series must already be on the gateway.
                            during = awaitSeries(gw, "iperf3_transferred_bytes{");
                            assertThat(run.isDone()).isFalse();
                        }
                    }
                }
                result = run.await();
            }
            assertThat(result.succeeded()).isTrue();
            assertThat(during).contains("job=\"iperf3j-it\"", "scenario=\"live\"", "path=\"/lab/rack 1\"");
            assertThat(warnings).isEmpty();

            String after = gw.metrics();
            String series = "iperf3_run_transferred_bytes_total{instance=\"\",job=\"iperf3j-it\",path=\"/lab/rack 1\",scenario=\"live\"}";
            assertThat(after).contains("# TYPE iperf3_run_transferred_bytes_total counter", series,
                    "# TYPE iperf3_transferred_bytes gauge", "iperf3_tcp_rtt_seconds{");
            double total = after.lines().filter(l -> l.startsWith(series)).mapToDouble(
                    l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElseThrow();
            assertThat(total).as("counter = every interval's bytes, even if pushes were replaced").isEqualTo(bytesSeen);
            assertThat(after).contains("push_time_seconds{instance=\"\",job=\"iperf3j-it\"");
            RealTools.assertPromtoolAccepts(after);
        }
    }

    @Test
    void windowModePushesWindowFamiliesAndDeleteOnExitRemovesTheGroup() throws Exception {
        try (RealTools.Pushgateway gw = RealTools.Pushgateway.start()) {
            PushGatewayConfig config = PushGatewayConfig.builder(gw.url()).label("scenario", "windowed")
                    .pushInterval(Duration.ofSeconds(1)).deleteOnExit(true).build();
            String during = null;
            try (PushGatewaySink sink = PushGatewaySink.start(config, m -> { })) {
                RunningIperf run = IperfCommand.client("127.0.0.1").port(port).duration(Duration.ofSeconds(3))
                        .reportInterval(Duration.ofMillis(250)).parallel(2).spawn(MetricsMode.interval());
                for (MetricEvent e : run.metrics()) {
                    sink.accept(e);
                    if (during == null && e instanceof MetricEvent.Interval(var m) && m.endSeconds() >= 2) {
                        during = awaitSeries(gw, "iperf3_window_transferred_bytes{");
                    }
                }
                assertThat(run.await().succeeded()).isTrue();
                assertThat(sink.failures()).isZero();
            }
            assertThat(during).contains("iperf3_window_duration_seconds{", "iperf3_window_bandwidth_mean_bytes_per_second{",
                    "iperf3_window_tcp_rtt_mean_seconds{", "iperf3_window_streams{", "iperf3_run_transferred_bytes_total{",
                    "scenario=\"windowed\"");
            assertThat(during).doesNotContain("\niperf3_transferred_bytes{");
            // Deleted on close: the group and its series are gone.
            assertThat(gw.metrics()).doesNotContain("scenario=\"windowed\"");
        }
    }

    @Test
    void udpSamplesPushPacketGaugesAndCounters() throws Exception {
        try (RealTools.Pushgateway gw = RealTools.Pushgateway.start()) {
            long packets = 0;
            try (PushGatewaySink sink = PushGatewaySink.start(PushGatewayConfig.builder(gw.url()).label("scenario", "udp")
                    .build(), m -> { })) {
                RunningIperf run = IperfCommand.client("127.0.0.1").port(port).duration(Duration.ofSeconds(2)).udp()
                        .bitrate(10_000_000).spawn(MetricsMode.interval());
                for (MetricEvent e : run.metrics()) {
                    sink.accept(e);
                    if (e instanceof MetricEvent.Interval(var m)) {
                        packets += m.udpPackets().orElseThrow();
                    }
                }
                assertThat(run.await().succeeded()).isTrue();
            }
            String text = gw.metrics();
            assertThat(text).contains("iperf3_udp_packets{", "# TYPE iperf3_run_udp_packets_total counter");
            assertThat(text).doesNotContain("iperf3_tcp_rtt_seconds{");
            assertThat(text.lines().filter(l -> l.startsWith("iperf3_run_udp_packets_total{"))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElseThrow())
                    .isEqualTo(packets);
            RealTools.assertPromtoolAccepts(text);
        }
    }

    @Test
    void gaugeSetsOfEveryInstanceArePushedTogetherAndReadBack() throws Exception {
        try (RealTools.Pushgateway gw = RealTools.Pushgateway.start()) {
            List<String> warnings = Collections.synchronizedList(new ArrayList<>());
            try (PushGatewaySink sink = PushGatewaySink.start(PushGatewayConfig.builder(gw.url()).job("iperf3j-link")
                    .label("scenario", "link").build(), warnings::add)) {
                // A link server's round: one set per peer, offered back to back (latest-wins slot).
                sink.accept(GaugesExportTest.link("10.232.0.2:40001", 41e-6, 3));
                sink.accept(GaugesExportTest.link("10.232.0.3:40001", 55e-6, 0));
                awaitSeries(gw, "iperf3j_link_server_pending_acks{instance=\"10.232.0.3:40001\"");
                sink.accept(GaugesExportTest.link("10.232.0.2:40001", 42e-6, 0));
            }
            assertThat(warnings).isEmpty();
            String text = gw.metrics();
            // Each push replaces the group, so each carries every instance's latest set.
            assertThat(text).contains("# TYPE iperf3j_link_server_rtt_p50_seconds gauge",
                    "iperf3j_link_server_pending_acks{instance=\"10.232.0.2:40001\",job=\"iperf3j-link\",scenario=\"link\"} 0",
                    "iperf3j_link_server_pending_acks{instance=\"10.232.0.3:40001\",job=\"iperf3j-link\",scenario=\"link\"} 0",
                    "iperf3j_link_server_rtt_p50_seconds{instance=\"10.232.0.2:40001\",job=\"iperf3j-link\",scenario=\"link\"} 4.2e-05");
            assertThat(text).doesNotContain("iperf3j_link_server_latency_seconds", "iperf3_run_");
            RealTools.assertPromtoolAccepts(text);
        }
    }

    /**
     * A {@code --latency} run hands in throughput samples and the probe's gauge sets: each push
     * replaces the group, so each carries both (the latest sample and every latest set), and
     * neither kind wipes the other.
     */
    @Test
    void samplesAndGaugeSetsShareTheGroupWithoutWipingEachOther() throws Exception {
        try (RealTools.Pushgateway gw = RealTools.Pushgateway.start()) {
            List<String> warnings = Collections.synchronizedList(new ArrayList<>());
            try (PushGatewaySink sink = PushGatewaySink.start(PushGatewayConfig.builder(gw.url()).job("iperf3j-latency")
                    .build(), warnings::add)) {
                sink.accept(new MetricEvent.Interval(Samples.tcp(Role.CLIENT, Direction.SENDER, 0, 1, 0)));
                awaitSeries(gw, "iperf3_run_");
                sink.accept(new MetricEvent.Gauges("latency", "10.0.0.1:5201", System.nanoTime(),
                        java.util.Map.of("rtt_p50_seconds", 0.084, "probes_answered", 98.0)));
                awaitSeries(gw, "iperf3j_latency_rtt_p50_seconds{");
                String both = gw.metrics();
                assertThat(both).as("the gauge push kept the sample's families").contains("iperf3_run_");
                sink.accept(new MetricEvent.Interval(Samples.tcp(Role.CLIENT, Direction.SENDER, 1, 2, 0)));
            }
            assertThat(warnings).isEmpty();
            String text = gw.metrics();
            assertThat(text).as("the sample push kept the gauge set").contains(
                    "iperf3j_latency_rtt_p50_seconds{instance=\"10.0.0.1:5201\",job=\"iperf3j-latency\"} 0.084",
                    "iperf3_run_");
            RealTools.assertPromtoolAccepts(text);
        }
    }

    /**
     * The verdict ({@code --why}, {@code -V}) joins the group once the test ended, in one push of its own, with the
     * latest sample (one push a sample) and with the last window (windows: nothing else may be due then).
     */
    @Test
    void theVerdictJoinsTheGroupInBothModes() throws Exception {
        try (RealTools.Pushgateway gw = RealTools.Pushgateway.start()) {
            List<String> warnings = Collections.synchronizedList(new ArrayList<>());
            try (PushGatewaySink sink = PushGatewaySink.start(PushGatewayConfig.builder(gw.url()).job("iperf3j-why")
                    .label("scenario", "latest").build(), warnings::add)) {
                sink.accept(new MetricEvent.Interval(Samples.tcp(Role.CLIENT, Direction.SENDER, 0, 1, 0)));
                awaitSeries(gw, "scenario=\"latest\"");
                sink.why(Verdicts.why(io.iperf3j.Cause.RECEIVER_WINDOW));
                // before close (the Pushgateway adds instance=""): the verdict's own push
                awaitSeries(gw, "iperf3j_test_limited{cause=\"receiver_window\",instance=\"\",job=\"iperf3j-why\",scenario=\"latest\","
                        + "sender=\"client\"} 1");
            }
            try (PushGatewaySink sink = PushGatewaySink.start(PushGatewayConfig.builder(gw.url()).job("iperf3j-why")
                    .label("scenario", "windows").pushInterval(Duration.ofSeconds(60)).build(), warnings::add)) {
                sink.accept(new MetricEvent.Interval(Samples.tcp(Role.CLIENT, Direction.SENDER, 0, 1, 0)));
                sink.why(Verdicts.why(io.iperf3j.Cause.PATH, io.iperf3j.Cause.SENDER_CPU));
                // the open window is flushed with it, long before its 60 s
                String text = awaitSeries(gw, "iperf3j_test_limited{cause=\"sender_cpu\",instance=\"\",job=\"iperf3j-why\","
                        + "scenario=\"windows\",sender=\"server\"} 1");
                assertThat(text).contains("iperf3_window_transferred_bytes{instance=\"\",job=\"iperf3j-why\",scenario=\"windows\"}");
            }
            assertThat(warnings).isEmpty();
            String text = gw.metrics();
            assertThat(text).contains(
                    "iperf3j_test_limited{cause=\"path\",instance=\"\",job=\"iperf3j-why\",scenario=\"windows\",sender=\"client\"} 1",
                    "iperf3j_test_limited{cause=\"path\",instance=\"\",job=\"iperf3j-why\",scenario=\"latest\",sender=\"client\"} 0");
            RealTools.assertPromtoolAccepts(text);
        }
    }

    @Test
    void retriesOn5xxAnd429WithBackoffButNotOn4xx() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        List<Long> times = Collections.synchronizedList(new ArrayList<>());
        int[] statuses = {503, 429, 500, 200, 400};
        HttpServer fake = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        fake.createContext("/", ex -> {
            times.add(System.nanoTime());
            int s = statuses[Math.min(calls.getAndIncrement(), statuses.length - 1)];
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(s, -1);
            ex.close();
        });
        fake.start();
        try {
            PushGatewayConfig c = PushGatewayConfig.builder("127.0.0.1:" + fake.getAddress().getPort()).retries(5).build();
            PushGatewayClient client = new PushGatewayClient(c);
            client.put("x 1\n");
            assertThat(calls.get()).isEqualTo(4);
            assertThat((times.get(1) - times.get(0)) / 1e6).isGreaterThanOrEqualTo(95);
            assertThat((times.get(2) - times.get(1)) / 1e6).isGreaterThanOrEqualTo(195);
            assertThat((times.get(3) - times.get(2)) / 1e6).isGreaterThanOrEqualTo(395);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.put("x 1\n"))
                    .hasMessageContaining("failed: HTTP status 400");
            assertThat(calls.get()).as("a 400 is not retried").isEqualTo(5);
        } finally {
            fake.stop(0);
        }
        // Nothing listening: transport errors are retried, then reported; the sink never throws.
        int closed = FreePorts.next();
        List<String> warnings = Collections.synchronizedList(new ArrayList<>());
        try (PushGatewaySink sink = PushGatewaySink.start(PushGatewayConfig.builder("127.0.0.1:" + closed).retries(1)
                .timeout(Duration.ofSeconds(1)).build(), warnings::add)) {
            sink.accept(new MetricEvent.Interval(Samples.tcp(Role.CLIENT, Direction.SENDER, 0, 10, 0)));
        }
        assertThat(warnings).singleElement().asString()
                .contains("failed: connection refused", "(after 2 attempts)").doesNotContain("Exception");
    }

    @Test
    void aFailingPushIsReportedOnceThenCounted() throws Exception {
        int closed = FreePorts.next();
        List<String> warnings = Collections.synchronizedList(new ArrayList<>());
        PushGatewaySink sink = PushGatewaySink.start(PushGatewayConfig.builder("127.0.0.1:" + closed)
                .timeout(Duration.ofSeconds(1)).build(), warnings::add);
        try {
            for (int i = 0; i < 6; i++) {
                sink.accept(new MetricEvent.Interval(Samples.tcp(Role.CLIENT, Direction.SENDER, i, i + 1, 0)));
                // the worker pushes the latest sample; a pause lets each one be tried
                Thread.sleep(60);
            }
        } finally {
            sink.close(); // the closing line (failure count) is part of what is checked
        }
        long failures = sink.failures();
        assertThat(failures).isGreaterThanOrEqualTo(2);
        assertThat(warnings).hasSize(2);
        assertThat(warnings.get(0)).contains("failed: connection refused", "further failures are counted");
        assertThat(warnings.get(1)).isEqualTo("Pushgateway: " + failures + " of " + failures + " requests to http://127.0.0.1:"
                + closed + "/metrics/job/iperf3 failed");
    }

    @Test
    void onlyTheClientsSendingHalfOfABidirTestIsPushed() {
        HalfSelection s = new HalfSelection();
        var send = Samples.tcp(Role.CLIENT, Direction.SENDER, 0, 10, 0);
        var recv = Samples.tcp(Role.CLIENT, Direction.RECEIVER, 0, 20, 0);
        assertThat(s.accept(new MetricEvent.Interval(send))).isTrue();
        assertThat(s.accept(new MetricEvent.Interval(recv))).as("bidir: other half of the same interval").isFalse();
        HalfSelection reverse = new HalfSelection();
        assertThat(reverse.accept(new MetricEvent.Interval(recv))).as("-R: the client only receives").isTrue();
        var serverRecv = Samples.tcp(Role.SERVER, Direction.RECEIVER, 0, 10, 0);
        var serverSend = Samples.tcp(Role.SERVER, Direction.SENDER, 0, 10, 0);
        assertThat(s.accept(new MetricEvent.Interval(serverRecv))).isTrue();
        assertThat(s.accept(new MetricEvent.Interval(serverSend))).isFalse();
        var perStream = new io.iperf3j.IntervalMetrics(send.role(), send.direction(), send.transport(),
                send.timestampUnixSeconds(), 5, 6, 1, 1, 8, 1, false, java.util.OptionalInt.of(5), send.tcpRetransmits(),
                send.tcpRttSeconds(), send.tcpRttvarSeconds(), send.tcpSndCwndBytes(), send.tcpSndWndBytes(),
                send.tcpPmtuBytes(), send.udpPackets(), send.udpLostPackets(), send.udpOutOfOrderPackets(),
                send.udpJitterSeconds());
        assertThat(s.accept(new MetricEvent.Interval(perStream))).as("per-stream samples are not pushed").isFalse();
        assertThat(Map.of()).isEmpty();
    }

    /** Polls the gateway until the series appears (pushes are asynchronous). */
    static String awaitSeries(RealTools.Pushgateway gw, String series) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        String text = gw.metrics();
        while (!text.contains(series) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            text = gw.metrics();
        }
        assertThat(text).contains(series);
        return text;
    }
}
