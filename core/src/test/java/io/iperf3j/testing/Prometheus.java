package io.iperf3j.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Debian's real Prometheus ({@code /usr/bin/prometheus}, 2.42) as a remote-write receiver
 * ({@code --web.enable-remote-write-receiver}): its own config (no scrape target), data directory and
 * free port on 127.0.0.1 (or an address given: a lab's leg), stopped by its PID on close (TERM, then KILL after 20 s). Missing, it
 * fails the test with the install command ({@code .ci/run} installs it). For export's remote-write
 * tests and the command's, and for {@code report --compare}'s with data backfilled a week back
 * ({@link #backfilled}); session's lab has its own scraping one.
 */
public final class Prometheus implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/bin/prometheus");
    /** Its tool, for {@link #backfilled}. */
    public static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final String host;
    private final int port;
    private final Path log;

    private Prometheus(Process process, String host, int port, Path log) {
        this.process = process;
        this.host = host;
        this.port = port;
        this.log = log;
    }

    /** Starts one in {@code dir} (its config, data and log go there); ready within 30 s or the test fails. */
    public static Prometheus receiver(Path dir) throws IOException, InterruptedException {
        return receiver(dir, FreePorts.next());
    }

    /** As {@link #receiver(Path)}, on {@code port} (a receiver a test starts where its client already sends). */
    public static Prometheus receiver(Path dir, int port) throws IOException, InterruptedException {
        return receiver(dir, "127.0.0.1", port);
    }

    /**
     * As {@link #receiver(Path)}, listening on {@code host} (an IPv4 address of this namespace: a lab's leg, which its
     * namespaces' processes write to) and {@code port}.
     */
    public static Prometheus receiver(Path dir, String host, int port) throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            fail(BINARY + " is missing: install it with 'apt-get install prometheus' (.ci/run does this)");
        }
        Path config = Files.writeString(dir.resolve("prometheus.yml"), "global: {evaluation_interval: 1m}\n");
        Path log = dir.resolve("prometheus.log");
        Process p = new ProcessBuilder(BINARY.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=" + host + ":" + port,
                "--web.enable-remote-write-receiver")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Prometheus prom = new Prometheus(p, host, port, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && p.isAlive()) {
            try {
                if (get(prom.url() + "/-/ready").status() == 200) {
                    return prom;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        prom.close();
        fail("prometheus did not become ready: " + Files.readString(log));
        return null;
    }

    /**
     * Starts one in {@code dir} on data written before it starts: {@code openMetrics} (OpenMetrics text with a timestamp
     * on each sample, ending in {@code # EOF}) turned into blocks by {@code promtool tsdb create-blocks-from openmetrics},
     * the way Prometheus documents backfilling, so samples a week old are there as a server a week in service holds
     * them. Within Prometheus's retention (15 days).
     */
    public static Prometheus backfilled(Path dir, String openMetrics) throws IOException, InterruptedException {
        if (!Files.isExecutable(PROMTOOL)) {
            fail(PROMTOOL + " is missing: install it with 'apt-get install prometheus' (.ci/run does this)");
        }
        Path input = Files.writeString(dir.resolve("backfill.om"), openMetrics);
        Path log = dir.resolve("promtool.log");
        Process p = new ProcessBuilder(PROMTOOL.toString(), "tsdb", "create-blocks-from", "openmetrics", "-q", input.toString(),
                dir.resolve("data").toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("promtool did not end within 60 s: " + Files.readString(log));
        }
        if (p.exitValue() != 0) {
            fail("promtool tsdb create-blocks-from openmetrics exited " + p.exitValue() + ": " + Files.readString(log));
        }
        return receiver(dir);
    }

    /** {@code http://HOST:PORT} (127.0.0.1 unless started on another address). */
    public String url() {
        return "http://" + host + ":" + port;
    }

    /** Its remote-write receiver's URL. */
    public String writeUrl() {
        return url() + "/api/v1/write";
    }

    /**
     * An instant query evaluated at {@code unixSeconds}: its {@code data.result}. With a range selector
     * ({@code metric[10m]}) every raw sample in the range, each series' {@code values} as
     * {@code [seconds, "value"]} pairs: what Prometheus holds, no lookback filling a gap.
     */
    public JsonNode queryAt(String promql, double unixSeconds) throws IOException, InterruptedException {
        String uri = url() + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8) + "&time="
                + String.format(Locale.ROOT, "%.3f", unixSeconds);
        Answer r = get(uri);
        JsonNode j = JSON.readTree(r.body());
        assertThat(j.path("status").asText()).as("query %s: %s", promql, r.body()).isEqualTo("success");
        return j.path("data").path("result");
    }

    private record Answer(int status, String body) {
    }

    /** A GET with java.base's client (core's test kit is compiled into core's module, which does not read java.net.http). */
    private static Answer get(String url) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        c.setConnectTimeout((int) Duration.ofSeconds(2).toMillis());
        c.setReadTimeout((int) Duration.ofSeconds(10).toMillis());
        try {
            int status = c.getResponseCode();
            try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
                return new Answer(status, in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        } finally {
            c.disconnect();
        }
    }

    /** What it logged, for a failure's message. */
    public String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
