package io.iperf3j.cli;

import io.iperf3j.testing.FreePorts;
import io.iperf3j.testing.Iperf3Binary;
import io.iperf3j.testing.Iperf3Process;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 66, "a public server you can watch", as an operator runs it: the shipped jar as
 * {@code java -jar iperf3j.jar -s --metrics.listen ...} with authentication, real iperf3 3.12 clients, and
 * {@code /metrics} scraped over HTTP, checked by {@code promtool check metrics} and by value:
 * {@code iperf3j_build_info} and {@code process_start_time_seconds} (this process's start), the JVM's series;
 * a denied authentication raises {@code refused_total{reason="auth"}} and no test counter or the duration
 * histogram; a completed test raises {@code tests_ended_total{reason="completed",result="ok"}}; a test cut by
 * {@code --server-max-duration} raises {@code {reason="max_duration",result="cut"}}; a busy client only
 * {@code refused_total{reason="busy"}}; SIGTERM ends the server with status 0 (as iperf3 3.21's; 3.12 exits 1);
 * a taken metrics port is named as the URL that would be scraped.
 */
@Tag("peer")
@Timeout(180)
class ServerWatchIT {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");

    @TempDir
    static Path dir;

    @Test
    void anOperatorWatchesDeniedCompletedCutAndBusyTestsThenStopsTheServer() throws Exception {
        Iperf3Binary.require();
        assertThat(Files.isExecutable(PROMTOOL)).as("%s is missing: apt-get install prometheus", PROMTOOL).isTrue();
        Path privateKey = dir.resolve("private.pem");
        Path publicKey = dir.resolve("public.pem");
        Path users = dir.resolve("users.csv");
        exec(List.of("openssl", "genrsa", "-out", privateKey.toString(), "2048"));
        exec(List.of("openssl", "rsa", "-in", privateKey.toString(), "-pubout", "-out", publicKey.toString()));
        Files.writeString(users, "mario," + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest("{mario}rossi".getBytes(StandardCharsets.UTF_8))) + "\n");

        int port = FreePorts.next();
        int metricsPort = FreePorts.next();
        String p = Integer.toString(port);
        String metrics = "http://127.0.0.1:" + metricsPort + "/metrics";
        // 3.12 pads its token with PKCS#1 v1.5: the server takes that padding with --use-pkcs1-padding.
        try (Iperf3Process server = JarProcess.start(List.of(), List.of("-s", "-p", p, "--max-concurrent", "1",
                "--server-max-duration", "2", "--server-log=json", "--metrics.listen", "127.0.0.1:" + metricsPort,
                "--rsa-private-key-path", privateKey.toString(), "--authorized-users-path", users.toString(),
                "--use-pkcs1-padding"))) {
            assertThat(server.awaitListening(port, LIMIT)).as("server listens: %s", server).isTrue();
            assertThat(server.awaitListening(metricsPort, Duration.ofSeconds(10))).as("/metrics listens").isTrue();

            // Start-up: who is running, since when, and the JVM's own series.
            String first = PromScrape.get(metrics);
            assertPromtoolClean(first);
            Matcher jar = Pattern.compile("iperf3j-(.+)\\.jar").matcher(JarProcess.jar().getFileName().toString());
            assertThat(jar.matches()).isTrue();
            assertThat(first).contains("iperf3j_build_info{java_version=\"" + Runtime.version() + "\",version=\""
                    + jar.group(1) + "\"} 1.0\n");
            double started = PromScrape.value(first, "process_start_time_seconds");
            double exec = ProcessHandle.of(server.pid()).orElseThrow().info().startInstant().orElseThrow()
                    .toEpochMilli() / 1000.0;
            assertThat(started).as("process_start_time_seconds is the server process's start").isBetween(exec - 0.05,
                    exec + 5);
            assertThat(PromScrape.value(first, "jvm_memory_used_bytes{area=\"heap\"}")).isPositive();
            assertThat(PromScrape.value(first, "jvm_threads_current")).isPositive();
            assertThat(PromScrape.value(first, "process_open_fds")).isPositive();
            assertThat(PromScrape.value(first, "process_resident_memory_bytes")).isPositive();
            assertThat(endedSum(first)).isZero();

            // A wrong password: denied, counted as a refusal, not as a test.
            Ran wrong = run(client(p, "-t", "1"), "luigi");
            assertThat(wrong.status()).as(wrong.output()).isNotZero();
            assertThat(wrong.output()).contains("iperf3: error - test authorization failed");
            String denied = awaitValue(metrics, "iperf3_server_refused_total{reason=\"auth\"}", 1);
            assertThat(PromScrape.value(denied, "iperf3_server_tests_started_total")).isZero();
            assertThat(endedSum(denied)).as("no tests_ended_total series moved for a denied attempt").isZero();
            assertThat(denied).doesNotContain("result=\"denied\"");
            assertThat(PromScrape.value(denied, "iperf3_server_test_duration_seconds_count")).isZero();
            assertPromtoolClean(denied);

            // A test that completes.
            Ran ok = run(client(p, "-t", "1"), "rossi");
            assertThat(ok.status()).as(ok.output()).isZero();
            String completed = awaitValue(metrics,
                    "iperf3_server_tests_ended_total{reason=\"completed\",result=\"ok\"}", 1);
            assertThat(PromScrape.value(completed, "iperf3_server_tests_started_total")).isEqualTo(1);
            assertThat(PromScrape.value(completed, "iperf3_server_test_duration_seconds_count")).isEqualTo(1);
            assertThat(endedSum(completed)).isEqualTo(1);
            assertThat(PromScrape.value(completed, "iperf3_server_refused_total{reason=\"auth\"}")).isEqualTo(1);

            // A -n test that --server-max-duration 2 cuts; meanwhile a second client is told busy.
            CompletableFuture<Ran> cut = CompletableFuture.supplyAsync(() -> {
                try {
                    return run(client(p, "-n", "1T", "-b", "10M"), "rossi");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            awaitValue(metrics, "iperf3_server_tests_started_total", 2);
            Ran busy = run(client(p, "-t", "1"), "rossi");
            assertThat(busy.output()).contains("the server is busy running a test");
            Ran cutRan = cut.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(cutRan.status()).as(cutRan.output()).isNotZero();
            assertThat(cutRan.output()).contains("int_errno=160");
            String after = awaitValue(metrics, "iperf3_server_tests_ended_total{reason=\"max_duration\",result=\"cut\"}",
                    1);
            assertThat(PromScrape.value(after, "iperf3_server_refused_total{reason=\"busy\"}")).isEqualTo(1);
            assertThat(PromScrape.value(after, "iperf3_server_tests_started_total")).as("busy is no test").isEqualTo(2);
            assertThat(endedSum(after)).isEqualTo(2);
            assertThat(PromScrape.value(after, "iperf3_server_test_duration_seconds_count")).isEqualTo(2);
            assertPromtoolClean(after);

            // podman stop, systemctl stop: SIGTERM, and the server exits 0.
            server.signal("TERM");
            assertThat(server.waitFor(LIMIT)).as("exit status after SIGTERM: %s", server.stderr()).isZero();
            assertThat(server.stderr()).contains("\"event\":\"terminated\"");
        }
    }

    @Test
    void sigintEndsAnIdleServerWithStatusZeroAndATakenMetricsPortIsNamedAsItsUrl() throws Exception {
        int port = FreePorts.next();
        try (Iperf3Process server = JarProcess.start(List.of(), List.of("-s", "-p", Integer.toString(port)))) {
            assertThat(server.awaitListening(port, LIMIT)).as("server listens: %s", server).isTrue();
            server.signal("INT");
            assertThat(server.waitFor(LIMIT)).as("exit status after SIGINT: %s", server.stderr()).isZero();
            assertThat(server.stderr()).isEqualTo("iperf3j: interrupt - the server has terminated\n");
        }
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
                Iperf3Process server = JarProcess.start(List.of(), List.of("-s", "-p",
                        Integer.toString(FreePorts.next()), "--metrics.listen", "127.0.0.1:" + taken.getLocalPort()))) {
            assertThat(server.waitFor(LIMIT)).isEqualTo(1);
            assertThat(server.stderr()).startsWith("iperf3j: error - unable to listen on --metrics.listen http://127.0.0.1:"
                    + taken.getLocalPort() + "/metrics: ");
        }
    }

    /** The sum of every {@code iperf3_server_tests_ended_total} series. */
    private static double endedSum(String prom) {
        return prom.lines().filter(l -> l.startsWith("iperf3_server_tests_ended_total{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static List<String> client(String port, String... extra) {
        Path publicKey = dir.resolve("public.pem");
        List<String> cmd = new ArrayList<>(List.of(Iperf3Binary.V3_12.path.toString(), "-c", "127.0.0.1", "-p", port,
                "--username", "mario", "--rsa-public-key-path", publicKey.toString()));
        cmd.addAll(List.of(extra));
        return cmd;
    }

    /** A finished process: exit status and everything it printed. */
    record Ran(int status, String output) {
    }

    /** Runs a client as a user does, its password in {@code IPERF3_PASSWORD}. */
    private static Ran run(List<String> cmd, String password) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("IPERF3_PASSWORD", password);
        Process proc = pb.start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return e.toString();
            }
        });
        if (!proc.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
            proc.destroyForcibly();
            throw new AssertionError("did not finish: " + cmd);
        }
        return new Ran(proc.exitValue(), out.get());
    }

    private static void exec(List<String> cmd) throws Exception {
        Ran r = run(cmd, "");
        assertThat(r.status()).as("%s: %s", cmd, r.output()).isZero();
    }

    /** Scrapes until {@code series} is {@code expected} (at most 10 s); the last scrape. */
    private static String awaitValue(String url, String series, double expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String scrape = PromScrape.get(url);
        while (PromScrape.value(scrape, series) != expected && System.nanoTime() < deadline) {
            Thread.sleep(50); // the log is the first listener: the metrics count an event a moment later
            scrape = PromScrape.get(url);
        }
        assertThat(PromScrape.value(scrape, series)).as(series).isEqualTo(expected);
        return scrape;
    }

    private static void assertPromtoolClean(String prom) throws Exception {
        Process proc = new ProcessBuilder(PROMTOOL.toString(), "check", "metrics").redirectErrorStream(true).start();
        try {
            try (var in = proc.getOutputStream()) {
                in.write(prom.getBytes(StandardCharsets.UTF_8));
            }
            String findings = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(proc.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(proc.exitValue()).as(findings).isZero();
            assertThat(findings).as("promtool findings").isBlank();
        } finally {
            proc.destroyForcibly();
        }
    }
}
