package io.iperf3j.cli;

import io.iperf3j.internal.json.JsonObject;
import io.iperf3j.internal.json.PeerJson;
import io.iperf3j.testing.FreePorts;
import io.iperf3j.testing.Iperf3Binary;
import io.iperf3j.testing.Iperf3Process;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.iperf3j.cli.PromScrape.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The command docs/server.md recommends, {@code -s --server-log=json --logfile F}, run as a process through
 * 20 tests of real iperf3 3.12 and 3.21 clients (TCP, {@code -R}, UDP; two at once), a flood of 80
 * connections from a denied address, a denied 3.21 client and a SIGTERM during a test (and a second server
 * that cannot bind the port, whose log's one line is a JSON {@code error}): every line of F
 * parses as JSON with the project's reader, from {@code listening} to {@code terminated}; the lines the rate
 * limit left out are said by {@code dropped} lines and counted by {@code /metrics}; with {@code -V} the
 * tests' text reports are on standard output, not in F.
 */
@Tag("peer")
class ServerLogFileCliTest {
    private static final Duration CLIENT_LIMIT = Duration.ofSeconds(30);
    private static final int FLOOD = 80;

    @Test
    void everyLineOfTheLogFileIsJson(@TempDir Path dir) {
        Iperf3Binary.require();
        Iperf3Binary.V3_21.requireThis();
        assertTimeoutPreemptively(Duration.ofSeconds(150), () -> {
            int port = FreePorts.next();
            int metricsPort = FreePorts.next();
            String p = Integer.toString(port);
            Path logFile = dir.resolve("server.log");
            try (Iperf3Process server = CommandProcess.start(List.of("-s", "-p", p, "--server-log=json",
                    "--logfile", logFile.toString(), "-V", "--max-concurrent", "2", "--deny", "127.0.0.9/32",
                    "--metrics.listen", "127.0.0.1:" + metricsPort))) {
                assertThat(server.awaitListening(port, Duration.ofSeconds(30))).as("server listens: %s", server).isTrue();
                // A second server on the same port cannot start: its log says so in JSON too.
                Path failedLog = dir.resolve("failed.log");
                try (Iperf3Process second = CommandProcess.start(List.of("-s", "-p", p, "--server-log=json",
                        "--logfile", failedLog.toString()))) {
                    assertThat(second.waitFor(CLIENT_LIMIT)).isEqualTo(1);
                    List<String> failed = Files.readAllLines(failedLog, StandardCharsets.UTF_8);
                    assertThat(failed).hasSize(1);
                    JsonObject error = PeerJson.parseObject(failed.getFirst().getBytes(StandardCharsets.UTF_8));
                    assertThat(error.getString("event")).isEqualTo("error");
                    assertThat(error.getString("message")).startsWith("unable to start listener for connections");
                }
                List<List<String>> variants = List.of(List.of("-n", "2M"), List.of("-R", "-n", "2M"),
                        List.of("-u", "-b", "20M", "-n", "1M"));
                for (int round = 0; round < 10; round++) {
                    List<String> args = new ArrayList<>(List.of("-c", "127.0.0.1", "-p", p));
                    args.addAll(variants.get(round % 3));
                    try (Iperf3Process a = Iperf3Process.iperf3(Iperf3Binary.V3_12, args);
                         Iperf3Process b = Iperf3Process.iperf3(Iperf3Binary.V3_21, args)) {
                        assertThat(a.waitFor(CLIENT_LIMIT)).as("3.12 %s: %s", args, a.stdout() + a.stderr()).isZero();
                        assertThat(b.waitFor(CLIENT_LIMIT)).as("3.21 %s: %s", args, b.stdout() + b.stderr()).isZero();
                    }
                }
                CapturedText.awaitCount(() -> read(logFile), "\"event\":\"ended\"", 20, CLIENT_LIMIT);

                // A flood from a denied address: more refusals than the log's rate limit lets through.
                List<SocketChannel> flood = new ArrayList<>();
                try {
                    for (int i = 0; i < FLOOD; i++) {
                        SocketChannel ch = SocketChannel.open();
                        flood.add(ch);
                        ch.bind(new InetSocketAddress("127.0.0.9", 0));
                        ch.connect(new InetSocketAddress("127.0.0.1", port));
                    }
                    CapturedText.awaitCount(() -> read(logFile), "\"event\":\"dropped\"", 1, CLIENT_LIMIT);
                } finally {
                    for (SocketChannel ch : flood) {
                        ch.close();
                    }
                }
                try (Iperf3Process denied = Iperf3Process.iperf3(Iperf3Binary.V3_21,
                        List.of("-c", "127.0.0.1", "-p", p, "-B", "127.0.0.9", "-t", "1"))) {
                    denied.waitFor(CLIENT_LIMIT);
                    assertThat(denied.stdout() + denied.stderr()).contains("test authorization failed");
                }
                String scrape = PromScrape.get("http://127.0.0.1:" + metricsPort + "/metrics");

                // SIGTERM while a test runs.
                try (Iperf3Process running = Iperf3Process.iperf3(Iperf3Binary.V3_21,
                        List.of("-c", "127.0.0.1", "-p", p, "-t", "30"))) {
                    CapturedText.awaitCount(() -> read(logFile), "\"event\":\"started\"", 21, CLIENT_LIMIT);
                    server.signal("TERM");
                    assertThat(server.waitFor(CLIENT_LIMIT)).as("the server ends on SIGTERM, status 0").isZero();
                    running.waitFor(CLIENT_LIMIT);
                    assertThat(running.stdout() + running.stderr()).contains("the server has terminated");
                }

                String text = Files.readString(logFile, StandardCharsets.UTF_8);
                assertThat(text).endsWith("\n");
                List<JsonObject> lines = new ArrayList<>();
                for (String line : text.split("\n")) {
                    lines.add(PeerJson.parseObject(line.getBytes(StandardCharsets.UTF_8)));
                }
                assertThat(lines.getFirst().getString("event")).isEqualTo("listening");
                assertThat(lines.getFirst().getArray("ports")).containsExactly((long) port);
                assertThat(lines.getLast().getString("event")).isEqualTo("terminated");
                assertThat(lines.getLast().getString("message")).isEqualTo("the server has terminated");
                assertThat(events(lines, "started")).hasSize(21);
                assertThat(events(lines, "ended")).hasSize(21);
                long deniedLines = lines.stream()
                        .filter(o -> o.has("reason") && o.getString("reason").equals("denied")).count();
                long dropped = events(lines, "dropped").stream().mapToLong(o -> o.getLong("count")).sum();
                assertThat(deniedLines + dropped).as("every denial a line or counted as dropped").isEqualTo(FLOOD + 1);
                assertThat((long) value(scrape, "iperf3_server_log_lines_dropped_total")).isEqualTo(dropped);
                assertThat((long) value(scrape, "iperf3_server_refused_total{reason=\"denied\"}")).isEqualTo(FLOOD + 1);
                assertThat(server.stdout()).as("-V: the reports on standard output")
                        .contains("Server listening on " + p, "Accepted connection from 127.0.0.1", "receiver");
            }
        });
    }

    private static List<JsonObject> events(List<JsonObject> lines, String event) {
        return lines.stream().filter(o -> o.getString("event").equals(event)).toList();
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
