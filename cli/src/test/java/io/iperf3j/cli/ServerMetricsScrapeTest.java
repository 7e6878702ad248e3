package io.iperf3j.cli;

import io.iperf3j.testing.FreePorts;
import io.iperf3j.testing.Iperf3Binary;
import io.iperf3j.testing.Iperf3Process;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * {@code iperf3j -s --metrics.listen} as a process with real iperf3 clients: a scrape while one test runs
 * and another client was told "busy" ({@code --max-concurrent 1}) shows {@code tests_running 1},
 * {@code refused_total{reason="busy"} 1} and received bytes that grow between two scrapes, and passes
 * {@code promtool check metrics}. Each step is one method, so the queue's step (issue 29, commit 5:
 * {@code --queue 8}, {@code tests_queued}) and the address filter's ({@code --deny},
 * {@code reason="denied"}) are a client and an assertion more.
 */
class ServerMetricsScrapeTest {
    private static final Duration CLIENT_LIMIT = Duration.ofSeconds(30);
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    @Tag("peer")
    @Test
    void oneRunningOneBusyBytesMoving() {
        Iperf3Binary.require();
        Iperf3Binary.V3_21.requireThis();
        assertThat(Files.isExecutable(PROMTOOL)).as("%s is missing: apt-get install prometheus", PROMTOOL).isTrue();
        assertTimeoutPreemptively(Duration.ofSeconds(90), () -> {
            int port = FreePorts.next();
            int metricsPort = FreePorts.next();
            String p = Integer.toString(port);
            String metrics = "http://127.0.0.1:" + metricsPort + "/metrics";
            try (Iperf3Process server = CommandProcess.start(List.of("-s", "-p", p, "--max-concurrent", "1",
                    "--server-log=json", "--metrics.listen", "127.0.0.1:" + metricsPort))) {
                assertThat(server.awaitListening(port, Duration.ofSeconds(30))).as("server listens: %s", server).isTrue();
                assertThat(server.awaitListening(metricsPort, Duration.ofSeconds(10))).as("/metrics listens").isTrue();
                assertThat(PromScrape.get("http://127.0.0.1:" + metricsPort + "/health")).isEqualTo("OK\n");
                assertThat(PromScrape.value(PromScrape.get(metrics), "iperf3_server_tests_running")).isZero();

                try (Iperf3Process running = Iperf3Process.iperf3(Iperf3Binary.V3_21,
                        List.of("-c", "127.0.0.1", "-p", p, "-t", "6", "-b", "200M"))) {
                    assertThat(server.awaitStderr("\"event\":\"started\"", CLIENT_LIMIT)).as(server.stderr()).isTrue();
                    tellBusy(p);
                    double first = awaitBytesReceived(metrics, 0);
                    String scrape = PromScrape.get(metrics);
                    assertThat(PromScrape.value(scrape, "iperf3_server_tests_running")).isEqualTo(1);
                    assertThat(PromScrape.value(scrape, "iperf3_server_tests_max")).isEqualTo(1);
                    assertThat(PromScrape.value(scrape, "iperf3_server_refused_total{reason=\"busy\"}")).isEqualTo(1);
                    assertThat(PromScrape.value(scrape, "iperf3_server_tests_started_total")).isEqualTo(1);
                    assertThat(PromScrape.value(scrape, "iperf3_server_client_refused_total{prefix=\"127.0.0.0/24\",reason=\"busy\"}"))
                            .isEqualTo(1);
                    assertPromtoolClean(scrape);
                    assertThat(awaitBytesReceived(metrics, first)).as("bytes move during the test").isGreaterThan(first);
                    assertThat(running.waitFor(CLIENT_LIMIT)).as("3.21 client: %s", running.stdout()).isZero();
                }
                // The log is the first listener: the end line can come just before the metrics count the end.
                String after = awaitValue(metrics, "iperf3_server_tests_ended_total{reason=\"completed\",result=\"ok\"}", 1);
                assertThat(PromScrape.value(after, "iperf3_server_test_duration_seconds_count")).isEqualTo(1);
                // The place is given back after the end is counted (IperfServer: the session's run raises Ended,
                // then slot.close()): a scrape in between reads ended 1 and running 1, so wait for the place too.
                awaitValue(metrics, "iperf3_server_tests_running", 0);
                assertPromtoolClean(after);
            }
        });
    }

    @Tag("peer")
    @Test
    void queuedAndDeniedClientsWhileATestRuns() {
        Iperf3Binary.require();
        Iperf3Binary.V3_21.requireThis();
        assertThat(Files.isExecutable(PROMTOOL)).as("%s is missing: apt-get install prometheus", PROMTOOL).isTrue();
        assertTimeoutPreemptively(Duration.ofSeconds(90), () -> {
            int port = FreePorts.next();
            int metricsPort = FreePorts.next();
            String p = Integer.toString(port);
            String metrics = "http://127.0.0.1:" + metricsPort + "/metrics";
            try (Iperf3Process server = CommandProcess.start(List.of("-s", "-p", p, "--max-concurrent", "1",
                    "--queue", "4", "--deny", "127.0.0.9", "--server-log", "--metrics.listen", "127.0.0.1:" + metricsPort))) {
                assertThat(server.awaitListening(port, Duration.ofSeconds(30))).as("server listens: %s", server).isTrue();
                assertThat(server.awaitListening(metricsPort, Duration.ofSeconds(10))).as("/metrics listens").isTrue();
                try (Iperf3Process running = Iperf3Process.iperf3(Iperf3Binary.V3_21,
                        List.of("-c", "127.0.0.1", "-p", p, "-B", "127.0.0.2", "-t", "8", "-b", "50M"));
                     Iperf3Process held1 = startAfter(server, "event=start", "127.0.0.3", p);
                     Iperf3Process held2 = startAfter(server, "event=queued", "127.0.0.4", p)) {
                    String scrape = awaitValue(metrics, "iperf3_server_tests_queued", 2);
                    try (Iperf3Process denied = Iperf3Process.iperf3(List.of("-c", "127.0.0.1", "-p", p,
                            "-B", "127.0.0.9", "-t", "1"))) {
                        denied.waitFor(CLIENT_LIMIT);
                        assertThat(denied.stdout() + denied.stderr()).contains("test authorization failed");
                    }
                    scrape = awaitValue(metrics, "iperf3_server_refused_total{reason=\"denied\"}", 1);
                    assertThat(PromScrape.value(scrape, "iperf3_server_tests_running")).isEqualTo(1);
                    assertThat(PromScrape.value(scrape, "iperf3_server_tests_queued")).isEqualTo(2);
                    assertThat(PromScrape.value(scrape, "iperf3_server_queue_max")).isEqualTo(4);
                    assertPromtoolClean(scrape);
                    for (Iperf3Process c : List.of(running, held1, held2)) {
                        assertThat(c.waitFor(CLIENT_LIMIT)).as("%s: %s", c.command(), c.stdout() + c.stderr()).isZero();
                        assertThat(c.stdout()).contains("iperf Done.");
                    }
                }
                String after = awaitValue(metrics, "iperf3_server_tests_ended_total{reason=\"completed\",result=\"ok\"}", 3);
                assertThat(PromScrape.value(after, "iperf3_server_tests_queued")).isZero();
                assertThat(PromScrape.value(after, "iperf3_server_queue_wait_seconds_count")).isEqualTo(2);
                assertPromtoolClean(after);
            }
        });
    }

    /** A 3.12 client from {@code source}, started once the server's log shows {@code line} (so the order is known). */
    private static Iperf3Process startAfter(Iperf3Process server, String line, String source, String port) {
        assertThat(server.awaitStderr(line, CLIENT_LIMIT)).as(server.stderr()).isTrue();
        return Iperf3Process.iperf3(List.of("-c", "127.0.0.1", "-p", port, "-B", source, "-t", "1"));
    }

    @Test
    void aTakenMetricsPortEndsTheServerWithTheReason() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
                java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
                Main main = new Main(new java.io.PrintStream(out, true, StandardCharsets.UTF_8),
                        new java.io.PrintStream(err, true, StandardCharsets.UTF_8), java.util.Map.of());
                int status = main.run(new String[] {"-s", "-p", Integer.toString(FreePorts.next()), "--metrics.listen",
                        "127.0.0.1:" + taken.getLocalPort()});
                assertThat(status).isEqualTo(1);
                assertThat(err.toString(StandardCharsets.UTF_8)).startsWith(
                        "iperf3j: error - unable to listen on --metrics.listen http://127.0.0.1:" + taken.getLocalPort() + "/metrics: ");
            }
        });
    }

    /** A 3.12 client while the one place is taken: iperf3's busy answer. */
    private static void tellBusy(String port) {
        try (Iperf3Process busy = Iperf3Process.iperf3(List.of("-c", "127.0.0.1", "-p", port, "-t", "1"))) {
            busy.waitFor(CLIENT_LIMIT);
            assertThat(busy.stdout() + busy.stderr()).contains("the server is busy running a test");
        }
    }

    /** Scrapes until the received TCP bytes exceed {@code than} (they are added each 1 s interval). */
    private double awaitBytesReceived(String url, double than) throws Exception {
        String family = "iperf3_server_bytes_total{direction=\"received\",protocol=\"tcp\"}";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        double v = PromScrape.value(PromScrape.get(url), family);
        while (v <= than && System.nanoTime() < deadline) {
            Thread.sleep(100); // polls the scrape until the next interval's bytes are in
            v = PromScrape.value(PromScrape.get(url), family);
        }
        assertThat(v).as("%s after 10 s", family).isGreaterThan(than);
        return v;
    }

    /** Scrapes until {@code series} is {@code expected} (at most 10 s); the last scrape. */
    private String awaitValue(String url, String series, double expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String scrape = PromScrape.get(url);
        while (PromScrape.value(scrape, series) != expected && System.nanoTime() < deadline) {
            Thread.sleep(50); // polls the scrape until the event is counted
            scrape = PromScrape.get(url);
        }
        assertThat(PromScrape.value(scrape, series)).as(series).isEqualTo(expected);
        return scrape;
    }

    private static void assertPromtoolClean(String prom) throws Exception {
        Process p = new ProcessBuilder(PROMTOOL.toString(), "check", "metrics").redirectErrorStream(true).start();
        try {
            try (var in = p.getOutputStream()) {
                in.write(prom.getBytes(StandardCharsets.UTF_8));
            }
            String findings = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(findings).isZero();
            assertThat(findings).as("promtool findings").isBlank();
        } finally {
            p.destroyForcibly();
        }
    }
}
