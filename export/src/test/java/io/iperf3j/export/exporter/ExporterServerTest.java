package io.iperf3j.export.exporter;

import io.iperf3j.IperfCommand;
import io.iperf3j.IperfResult;
import io.iperf3j.RunningIperf;
import io.iperf3j.export.RealTools;
import io.iperf3j.testing.FreePorts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Scrapes a real exporter over HTTP; its probes run real tests against an in-process iperf3j server. */
@Timeout(120)
class ExporterServerTest {
    private static RunningIperf server;
    private static int port;
    private static final LinkedBlockingQueue<IperfResult> serverResults = new LinkedBlockingQueue<>();
    private static ExporterServer exporter;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        server = IperfCommand.server().port(0).longLived().onServerResult(serverResults::add).spawn();
        port = server.localPort().orElseThrow();
        exporter = ExporterServer.start(new InetSocketAddress("127.0.0.1", 0), Duration.ofSeconds(20));
        base = "http://127.0.0.1:" + exporter.port();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        exporter.close();
        server.cancel();
    }

    private static HttpResponse<String> get(String path, String scrapeTimeout) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        if (scrapeTimeout != null) {
            b.header("X-Prometheus-Scrape-Timeout-Seconds", scrapeTimeout);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static double value(String text, String name) {
        return text.lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst()
                .orElseThrow(() -> new AssertionError(name + " not in\n" + text));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> end(IperfResult r, String key) {
        return (Map<String, Object>) ((Map<String, Object>) r.json().get("end")).get(key);
    }

    @Tag("tool")
    @Test
    void probeAnswersIperf3ExporterGaugesThatMatchTheTestsJson() throws Exception {
        serverResults.clear();
        HttpResponse<String> r = get("/probe?target=127.0.0.1:" + port + "&period=2s", "10");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
        String text = r.body();
        String labels = "{port=\"" + port + "\",target=\"127.0.0.1\"}";
        assertThat(text).contains("iperf3_up" + labels + " 1", "# TYPE iperf3_sent_bytes gauge",
                "# HELP iperf3_received_bytes ", "iperf3_retransmits" + labels);
        assertThat(text).doesNotContain("jitter", "lost");

        // Against the JSON of the test the probe ran ...
        IperfResult test = exporter.lastResult("127.0.0.1", port).orElseThrow().test().orElseThrow();
        Map<String, Object> sent = end(test, "sum_sent");
        Map<String, Object> received = end(test, "sum_received");
        assertThat(value(text, "iperf3_sent_bytes")).isEqualTo(((Number) sent.get("bytes")).doubleValue());
        assertThat(value(text, "iperf3_sent_seconds")).isEqualTo(((Number) sent.get("seconds")).doubleValue());
        assertThat(value(text, "iperf3_received_bytes")).isEqualTo(((Number) received.get("bytes")).doubleValue());
        assertThat(value(text, "iperf3_received_seconds")).isEqualTo(((Number) received.get("seconds")).doubleValue());
        assertThat(value(text, "iperf3_retransmits")).isEqualTo(((Number) sent.get("retransmits")).doubleValue());
        assertThat(value(text, "iperf3_sent_seconds")).isBetween(1.9, 2.5);
        // ... and against the server's own JSON of that test: what it received.
        IperfResult seen = serverResults.poll(10, TimeUnit.SECONDS);
        assertThat(seen).isNotNull();
        assertThat(value(text, "iperf3_received_bytes"))
                .isEqualTo(((Number) end(seen, "sum_received").get("bytes")).doubleValue());
        RealTools.assertPromtoolAccepts(text);

        String metrics = get("/metrics", null).body();
        assertThat(metrics).contains("# TYPE iperf3_exporter_probes_total counter", "iperf3_exporter_duration_seconds_count",
                "iperf3_exporter_probes_in_flight");
        // the probe's series are /probe's alone (issue 38): only the exporter's own on /metrics
        assertThat(metrics.lines().filter(l -> !l.startsWith("#")).filter(l -> !l.startsWith("iperf3_exporter_")))
                .as(metrics).isEmpty();
        RealTools.assertPromtoolAccepts(metrics);
    }

    @Tag("tool")
    @Test
    void udpProbeAddsPacketsJitterAndLossFromTheJson() throws Exception {
        String text = get("/probe?target=127.0.0.1:" + port + "&period=1s&udp_mode=1&bitrate=10M", "10").body();
        assertThat(text).contains("iperf3_up{port=\"" + port + "\",target=\"127.0.0.1\"} 1");
        IperfResult test = exporter.lastResult("127.0.0.1", port).orElseThrow().test().orElseThrow();
        for (String side : List.of("sent", "received")) {
            Map<String, Object> o = end(test, "sum_" + side);
            assertThat(value(text, "iperf3_" + side + "_packets")).isEqualTo(((Number) o.get("packets")).doubleValue());
            assertThat(value(text, "iperf3_" + side + "_lost_packets")).isEqualTo(((Number) o.get("lost_packets")).doubleValue());
            assertThat(value(text, "iperf3_" + side + "_lost_percent")).isEqualTo(((Number) o.get("lost_percent")).doubleValue());
            assertThat(value(text, "iperf3_" + side + "_jitter_seconds"))
                    .isCloseTo(((Number) o.get("jitter_ms")).doubleValue() / 1000, org.assertj.core.data.Offset.offset(1e-12));
        }
        assertThat(value(text, "iperf3_received_packets")).isPositive();
        assertThat(text).doesNotContain("iperf3_retransmits");
        RealTools.assertPromtoolAccepts(text);
    }

    @Tag("tool")
    @Test
    void reverseModeAndPortParameter() throws Exception {
        serverResults.clear();
        String text = get("/probe?target=localhost&port=" + port + "&period=1s&reverse_mode=true", null).body();
        assertThat(text).contains("iperf3_up{port=\"" + port + "\",target=\"localhost\"} 1");
        IperfResult test = exporter.lastResult("localhost", port).orElseThrow().test().orElseThrow();
        assertThat(value(text, "iperf3_received_bytes"))
                .isEqualTo(((Number) end(test, "sum_received").get("bytes")).doubleValue());
        // -R: the server sent, and its JSON says how much.
        IperfResult seen = serverResults.poll(10, TimeUnit.SECONDS);
        assertThat(seen).isNotNull();
        assertThat(value(text, "iperf3_sent_bytes")).isEqualTo(((Number) end(seen, "sum_sent").get("bytes")).doubleValue());
        RealTools.assertPromtoolAccepts(text);
    }

    @Tag("tool")
    @Test
    void aDeadTargetIsDownAndTheScrapeTimeoutBoundsTheProbe() throws Exception {
        int closed = FreePorts.next();
        String down = get("/probe?target=127.0.0.1:" + closed, null).body();
        assertThat(down.lines().filter(l -> !l.startsWith("#")))
                .containsExactly("iperf3_up{port=\"" + closed + "\",target=\"127.0.0.1\"} 0.0");
        assertThat(down.lines().findFirst()).hasValueSatisfying(first ->
                assertThat(first).startsWith("# iperf3j probe failed: ").containsIgnoringCase("connect"));
        RealTools.assertPromtoolAccepts(down);

        long start = System.nanoTime();
        String late = get("/probe?target=127.0.0.1:" + port + "&period=10s", "2").body();
        double took = (System.nanoTime() - start) / 1e9;
        assertThat(late).contains("iperf3_up{port=\"" + port + "\",target=\"127.0.0.1\"} 0");
        assertThat(took).as("2 s scrape timeout less 0.5 s, plus the cancel").isBetween(1.4, 4.0);
        assertThat(value(get("/metrics", null).body(), "iperf3_exporter_errors_total")).isGreaterThanOrEqualTo(2);
    }

    @Test
    void probesOfOneTargetRunOneAtATime() throws Exception {
        long start = System.nanoTime();
        List<CompletableFuture<String>> probes = List.of(1, 2).stream().map(i -> CompletableFuture.supplyAsync(() -> {
            try {
                return get("/probe?target=127.0.0.1:" + port + "&period=1s", "15").body();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        })).toList();
        for (CompletableFuture<String> p : probes) {
            assertThat(p.get(30, TimeUnit.SECONDS)).contains("} 1");
        }
        assertThat((System.nanoTime() - start) / 1e9).as("two 1 s tests, one after the other").isGreaterThan(2.0);
    }

    @Test
    void badRequestsAreRejected() throws Exception {
        assertThat(get("/probe", null).statusCode()).isEqualTo(400);
        assertThat(get("/probe?target=h&period=1.5s", null).body()).contains("invalid period duration");
        assertThat(get("/health", null).body()).isEqualTo("OK\n");
        assertThat(get("/nope", null).statusCode()).isEqualTo(404);
        assertThat(exporter.scrapeTimeout("10")).isEqualTo(Duration.ofMillis(9500));
        assertThat(exporter.scrapeTimeout("60")).isEqualTo(Duration.ofSeconds(20));
        assertThat(exporter.scrapeTimeout(null)).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void targetForms() {
        ProbeRequest v6 = ProbeRequest.fromQuery("target=%5B%3A%3A1%5D%3A5999&udp_mode=1");
        assertThat(v6.host()).isEqualTo("::1");
        assertThat(v6.port()).isEqualTo(5999);
        assertThat(v6.bitrate()).as("UDP defaults to 1M as iperf3_exporter").isEqualTo("1M");
        assertThat(v6.command().arguments()).contains("-u", "-b", "1M", "-t", "5");
        assertThat(ProbeRequest.fromQuery("target=::1").host()).isEqualTo("::1");
        assertThat(ProbeRequest.fromQuery("target=h&port=7000").port()).isEqualTo(7000);
        assertThat(ProbeRequest.fromQuery("target=h:6000&port=7000").port()).isEqualTo(6000);
        // issue 57: one target, one set of labels, whichever form names its port
        assertThat(ProbeRequest.fromQuery("target=H:7000").targetLabel()).isEqualTo("h")
                .isEqualTo(ProbeRequest.fromQuery("target=h&port=7000").targetLabel());
        assertThat(ProbeRequest.fromQuery("target=%5B%3A%3A1%5D%3A5999").targetLabel()).isEqualTo("::1")
                .isEqualTo(ProbeRequest.fromQuery("target=::1&port=5999").targetLabel());
    }
}
