package io.iperf3j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iperf3j.testing.FreePorts;
import io.iperf3j.testing.Iperf3Binary;
import io.iperf3j.testing.Iperf3Process;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --latency} through the command on loopback (docs/design/latency.md): the embedded server
 * ({@code --loopback}) answers the link's probe; the idle, loaded and tail phases, the interval
 * column, the block and the verdict come out; a real iperf3 server (3.12 and 3.21) gets no probe
 * it could take for a stream, the option says that latency needs an iperf3j server, and the test
 * runs as without it (loopback UDP at 20 Mbit/s: the default length there is ~32 KB, ~150 datagrams). Shaped links, where the figures can be checked against ping: {@link LatencyNetnsTest}.
 */
@Timeout(120)
class LatencyCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Run(int status, String out, String err) {
    }

    private static Run main(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Main m = new Main(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of());
        int status = m.run(args);
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void loopbackJsonHasIdleLoadedTailPerIntervalAndVerdict() throws Exception {
        Run r = main("--loopback", "--latency", "-J", "-t", "2");
        assertThat(r.status()).as(r.err()).isZero();
        JsonNode doc = JSON.readTree(r.out());
        assertThat(doc.has("error")).as(r.out()).isFalse();
        JsonNode lat = doc.path("end").path("latency");
        assertThat(lat.path("interval_ms").asInt()).isEqualTo(10);
        // 2 s idle, 2 s load and 1 s tail at one probe per 10 ms (a loaded 2-core machine loses a few ticks)
        assertThat(lat.path("idle").path("count").asLong()).isBetween(120L, 210L);
        assertThat(lat.path("loaded").path("count").asLong()).isBetween(120L, 210L);
        assertThat(lat.path("tail").path("count").asLong()).isBetween(50L, 110L);
        for (String phase : List.of("idle", "loaded", "tail")) {
            JsonNode p = lat.path(phase);
            assertThat(p.path("min_us").asDouble()).as(phase).isPositive();
            assertThat(p.path("p50_us").asDouble()).as(phase).isBetween(p.path("min_us").asDouble(), p.path("p99_us").asDouble());
            assertThat(p.path("max_us").asDouble()).as(phase).isGreaterThanOrEqualTo(p.path("p99_us").asDouble());
            // the phase's distribution: [percentile, rtt_us] at fixed percentiles, from the same histogram
            JsonNode cdf = p.path("cdf");
            assertThat(cdf.size()).as(phase + " cdf").isEqualTo(io.iperf3j.RttFigures.CDF_PERCENTILES.size());
            for (int i = 0; i < cdf.size(); i++) {
                assertThat(cdf.path(i).path(0).asDouble()).as(phase + " cdf percentile " + i)
                        .isEqualTo(io.iperf3j.RttFigures.CDF_PERCENTILES.get(i));
                if (i > 0) {
                    assertThat(cdf.path(i).path(1).asDouble()).as(phase + " cdf is non-decreasing at " + i)
                            .isGreaterThanOrEqualTo(cdf.path(i - 1).path(1).asDouble());
                }
            }
            assertThat(cdf.path(0).path(1).asDouble()).as(phase).isEqualTo(p.path("min_us").asDouble());
            assertThat(cdf.path(5).path(1).asDouble()).as(phase).isEqualTo(p.path("p50_us").asDouble());
            assertThat(cdf.path(7).path(1).asDouble()).as(phase).isEqualTo(p.path("p90_us").asDouble());
            assertThat(cdf.path(9).path(1).asDouble()).as(phase).isEqualTo(p.path("p99_us").asDouble());
            assertThat(cdf.path(cdf.size() - 1).path(1).asDouble()).as(phase).isEqualTo(p.path("max_us").asDouble());
        }
        assertThat(lat.path("added_p50_us").asDouble())
                .isCloseTo(lat.path("loaded").path("p50_us").asDouble() - lat.path("idle").path("p50_us").asDouble(),
                        org.assertj.core.data.Offset.offset(1e-6));
        JsonNode intervals = doc.path("intervals");
        assertThat(intervals.size()).isBetween(2, 3);
        long perInterval = 0;
        for (JsonNode i : intervals) {
            assertThat(i.has("latency")).as("interval %s", i).isTrue();
            assertThat(i.path("latency").has("cdf")).as("only end.latency's phases have a cdf").isFalse();
            perInterval += i.path("latency").path("count").asLong();
        }
        // The intervals cut the loaded phase: their counts add up to it.
        assertThat(perInterval).isCloseTo(lat.path("loaded").path("count").asLong(), org.assertj.core.data.Offset.offset(2L));
    }

    /**
     * The export options carry the probe's figures beside the throughput, in one exposition: each
     * interval's round trips ({@code iperf3j_latency_*}) and at the end the idle/loaded verdict
     * ({@code iperf3j_latency_verdict_*}), equal to the {@code -J} document's, promtool-clean.
     */
    @Tag("tool")
    @Test
    void latencyFiguresGoToTheMetricsFileBesideTheThroughput(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = dir.resolve("run.prom");
        Run r = main("--loopback", "--latency", "-J", "-t", "2", "--metrics.file", file.toString(), "--metrics.format",
                "prometheus");
        assertThat(r.status()).as(r.err()).isZero();
        JsonNode lat = JSON.readTree(r.out()).path("end").path("latency");
        String prom = java.nio.file.Files.readString(file);
        assertThat(prom.lines().filter(l -> l.startsWith("iperf3_"))).as("the throughput families stay\n%s", prom)
                .isNotEmpty();
        assertThat(prom).contains("iperf3j_latency_rtt_p50_seconds{", "iperf3j_latency_probes_answered{",
                "iperf3j_latency_verdict_added_p50_seconds{");
        assertThat(value(prom, "iperf3j_latency_verdict_loaded_rtt_p50_seconds"))
                .isCloseTo(lat.path("loaded").path("p50_us").asDouble() / 1e6, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(value(prom, "iperf3j_latency_verdict_idle_rtt_p50_seconds"))
                .isCloseTo(lat.path("idle").path("p50_us").asDouble() / 1e6, org.assertj.core.data.Offset.offset(1e-9));
        java.nio.file.Path promtool = java.nio.file.Path.of("/usr/bin/promtool");
        assertThat(java.nio.file.Files.isExecutable(promtool))
                .as("/usr/bin/promtool is missing: apt-get install prometheus (.ci/run does this)").isTrue();
        Process p = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
        p.getOutputStream().write(prom.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String findings = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(findings).as("promtool findings").isBlank();
    }

    /** The value of the one sample of {@code family} in a Prometheus text exposition. */
    private static double value(String prom, String family) {
        List<String> samples = prom.lines().filter(l -> l.startsWith(family + "{") || l.startsWith(family + " ")).toList();
        assertThat(samples).as("one sample of %s in\n%s", family, prom).hasSize(1);
        String line = samples.getFirst();
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }

    @Test
    void loopbackTextKeepsIperf3LinesAndAddsColumnBlockAndVerdict() {
        Run r = main("--loopback", "--latency=20", "-t", "2");
        assertThat(r.status()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).anyMatch(l -> l.startsWith("[ ID] Interval") && l.endsWith("RTT p50/p99"));
        assertThat(lines.stream().filter(l -> l.matches("\\[  5\\] +\\d+\\.\\d+-\\d+\\.\\d+ +sec .*/sec.* ms")).count())
                .as("interval lines with the latency column:\n%s", r.out()).isGreaterThanOrEqualTo(2);
        int summary = indexOf(lines, l -> l.endsWith("receiver"));
        int block = indexOf(lines, l -> l.startsWith("Latency (round trip of a UDP probe every 20 ms"));
        assertThat(summary).as(r.out()).isNotNegative();
        assertThat(block).as("the block comes after iperf3's summary:\n%s", r.out()).isGreaterThan(summary);
        assertThat(lines.subList(summary, lines.size())).anyMatch(l -> l.startsWith("idle "))
                .anyMatch(l -> l.startsWith("loaded "))
                .anyMatch(l -> l.startsWith("tail "))
                .anyMatch(l -> l.matches("Latency under load: [+-][0-9.]+ ms \\(p50 [0-9.]+ ms idle, [0-9.]+ ms loaded: [0-9.]+x\\)"));
        assertThat(lines.getLast()).isEqualTo("iperf Done.");
    }

    @Tag("slow")
    @Test
    void parallelStreamsPutTheColumnOnTheSumLinesAndBidirMeasuresToo() throws Exception {
        Run p = main("--loopback", "--latency", "-P", "2", "-t", "2");
        assertThat(p.status()).as(p.err()).isZero();
        assertThat(p.out().lines().filter(l -> l.startsWith("[SUM]") && l.endsWith(" ms")).count()).as(p.out())
                .isGreaterThanOrEqualTo(2);
        assertThat(p.out().lines().filter(l -> l.startsWith("[  5]") && l.endsWith(" ms"))).as("stream lines").isEmpty();
        Run b = main("--loopback", "--latency", "--bidir", "-J", "-t", "2");
        assertThat(b.status()).as(b.err()).isZero();
        JsonNode lat = JSON.readTree(b.out()).path("end").path("latency");
        assertThat(lat.path("loaded").path("count").asLong()).as("%s", lat).isGreaterThan(100);
        assertThat(lat.path("idle").path("count").asLong()).as("%s", lat).isGreaterThan(100);
    }

    /**
     * One server, two clients at once, each with its probe: a probe outside any test gets no answer;
     * each test gets its own answerer (the
     * router gives each test the first probe from its client's address), and a real iperf3 3.12 UDP
     * client of the same server, whose streams go through the same router, is unaffected.
     */
    @Tag("peer")
    @Test
    void serverAnswersEveryTestAndRealClientsAreUnaffected() throws Exception {
        Iperf3Binary.V3_12.requireThis();
        io.iperf3j.internal.options.IperfOptions o = ((io.iperf3j.internal.options.ParseResult.Run)
                io.iperf3j.internal.options.OptionParser.parse("-s", "-p", String.valueOf(FreePorts.next()), "-B", "127.0.0.1")).options();
        io.iperf3j.internal.engine.server.IperfServer server = new io.iperf3j.internal.engine.server.IperfServer(o,
                io.iperf3j.internal.output.OutputSink.discarding(), io.iperf3j.internal.engine.EngineInfo.standard(), null)
                .rttResponder(new io.iperf3j.link.LinkRttResponder());
        server.bind();
        java.util.concurrent.CompletableFuture<Integer> serving = io.iperf3j.testing.Async.async(() -> {
            try {
                server.serve();
                return 0;
            } catch (Exception e) {
                return 1;
            }
        });
        try {
            String port = String.valueOf(server.port());
            // No test runs: the server's UDP port is closed, nothing answers a probe (no open reflector).
            try (io.iperf3j.link.LatencyProbe stray = io.iperf3j.link.LatencyProbe.start(
                    new java.net.InetSocketAddress("127.0.0.1", server.port()), Duration.ofMillis(10),
                    io.iperf3j.link.LinkConfig.defaults())) {
                assertThat(stray.awaitConnected(Duration.ofMillis(1500))).as("a probe outside any test").isFalse();
            }
            var one = io.iperf3j.testing.Async.async(() -> main("-c", "127.0.0.1", "-p", port, "--latency", "-J", "-t", "3"));
            var two = io.iperf3j.testing.Async.async(() -> main("-c", "127.0.0.1", "-p", port, "--latency", "-J", "-t", "3"));
            for (Run r : List.of(one.get(60, java.util.concurrent.TimeUnit.SECONDS), two.get(60, java.util.concurrent.TimeUnit.SECONDS))) {
                assertThat(r.status()).as(r.out() + r.err()).isZero();
                JsonNode lat = JSON.readTree(r.out()).path("end").path("latency");
                assertThat(lat.has("error")).as("%s", lat).isFalse();
                assertThat(lat.path("idle").path("count").asLong()).isGreaterThan(100);
                assertThat(lat.path("loaded").path("count").asLong()).isGreaterThan(150);
            }
            try (Iperf3Process real = Iperf3Process.iperf3(List.of("-c", "127.0.0.1", "-p", port, "-u", "-b", "20M", "-t", "2", "-J"))) {
                assertThat(real.waitFor(Duration.ofSeconds(30))).as(real.stderr()).isZero();
                JsonNode sum = JSON.readTree(real.stdout()).path("end").path("sum");
                assertThat(sum.path("packets").asLong()).isGreaterThan(100);
                assertThat(sum.path("lost_percent").asDouble()).isLessThan(10.0);
            }
        } finally {
            server.close();
            serving.get(10, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Test
    void withoutTheOptionNothingChanges() {
        Run r = main("--loopback", "-t", "1");
        assertThat(r.status()).isZero();
        assertThat(r.out()).doesNotContain("RTT").doesNotContain("Latency");
    }

    @Test
    void badIntervalIsAParameterError() {
        Run r = main("-c", "127.0.0.1", "--latency=0");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("latency probe interval must be 1..1000 ms");
        Run s = main("-s", "--latency");
        assertThat(s.status()).isEqualTo(1);
        assertThat(s.err()).contains("client only");
    }

    @Tag("peer")
    @Test
    void realIperf3_12ServerTcp() throws Exception {
        againstRealServer(Iperf3Binary.V3_12, List.of());
    }

    @Tag("peer")
    @Test
    void realIperf3_12ServerUdp() throws Exception {
        againstRealServer(Iperf3Binary.V3_12, List.of("-u", "-b", "20M"));
    }

    @Tag("peer")
    @Test
    void realIperf3_21ServerUdp() throws Exception {
        againstRealServer(Iperf3Binary.V3_21, List.of("-u", "-b", "20M"));
    }

    /**
     * The probe goes out before the parameters, when a real iperf3 server has no UDP socket: nothing
     * answers, the option says so, and the test runs. A UDP test's counts are exact (loopback loses
     * nothing), so no probe datagram was taken for a stream or counted.
     */
    private static void againstRealServer(Iperf3Binary binary, List<String> testArgs) throws Exception {
        binary.requireThis();
        int port = FreePorts.next();
        try (Iperf3Process server = Iperf3Process.iperf3(binary, List.of("-s", "-1", "-p", String.valueOf(port)))) {
            assertThat(server.awaitListening(port, Duration.ofSeconds(10))).as(server.stderr()).isTrue();
            List<String> args = new ArrayList<>(List.of("-c", "127.0.0.1", "-p", String.valueOf(port), "--latency", "-J", "-t", "2"));
            args.addAll(testArgs);
            Run r = main(args.toArray(String[]::new));
            assertThat(r.status()).as(r.out() + r.err()).isZero();
            assertThat(r.err()).contains("warning: latency: no answer to the latency probe on UDP port " + port)
                    .contains("latency needs an iperf3j server");
            JsonNode doc = JSON.readTree(r.out());
            assertThat(doc.has("error")).as(r.out()).isFalse();
            assertThat(doc.path("end").path("latency").path("error").asText()).contains("latency needs an iperf3j server");
            assertThat(doc.path("intervals").get(0).has("latency")).isFalse();
            JsonNode end = doc.path("end");
            if (testArgs.contains("-u")) {
                // Had the server taken a probe datagram for the stream, the real stream would never
                // have been set up (3.12 answers the first datagram it sees): the rate shows it was.
                JsonNode sum = end.path("sum");
                assertThat(sum.path("packets").asLong()).as("packets").isGreaterThan(100);
                // (a loaded 2-core machine loses a few of these 32 KB datagrams, and 3.21's receiver
                // time runs past 2 s: bounds for "the stream ran at its rate", not for noise)
                assertThat(sum.path("lost_percent").asDouble()).as("lost %%").isLessThan(10.0);
                assertThat(sum.path("bits_per_second").asDouble()).as("rate").isBetween(12e6, 22e6);
            } else {
                assertThat(end.path("sum_received").path("bytes").asLong()).isGreaterThan(1_000_000);
            }
            assertThat(server.awaitExit(Duration.ofSeconds(10))).as("the one-off server finished its test").isTrue();
            assertThat(server.stderr()).doesNotContain("error");
        }
    }

    private static int indexOf(List<String> lines, java.util.function.Predicate<String> p) {
        for (int i = 0; i < lines.size(); i++) {
            if (p.test(lines.get(i))) {
                return i;
            }
        }
        return -1;
    }
}
