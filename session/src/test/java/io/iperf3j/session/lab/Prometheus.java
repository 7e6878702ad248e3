package io.iperf3j.session.lab;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Debian's real Prometheus ({@code /usr/bin/prometheus}), its own config, data directory and port, scraping
 * one target every second; stopped by its PID on close. For tests of {@code iperf3j session --metrics.listen}.
 */
public final class Prometheus implements AutoCloseable {
    private static final Path BINARY = Path.of("/usr/bin/prometheus");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final int port;
    private final Path log;

    private Prometheus(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts one scraping {@code target} (host:port, path /metrics) as job {@code job}; ready within 30 s or the test fails. */
    public static Prometheus scraping(Path dir, String target, String job) throws Exception {
        return scraping(dir, target, job, null);
    }

    /**
     * Starts one scraping {@code target} as job {@code job} and evaluating the alerting rules of {@code rules} (none when null)
     * every second: its {@code ALERTS} series are its own rule evaluation.
     */
    public static Prometheus scraping(Path dir, String target, String job, Path rules) throws Exception {
        if (!Files.isExecutable(BINARY)) {
            fail("install prometheus (apt-get install prometheus; .ci/run does this)");
        }
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global: {scrape_interval: 1s, scrape_timeout: 900ms, evaluation_interval: 1s}
                scrape_configs:
                  - job_name: %s
                    static_configs: [{targets: ['%s']}]
                """.formatted(job, target) + (rules == null ? "" : "rule_files: ['" + rules.toAbsolutePath() + "']\n"));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path log = dir.resolve("prometheus.log");
        Process p = new ProcessBuilder(BINARY.toString(), "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Prometheus prom = new Prometheus(p, port, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create(prom.url() + "/-/ready")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    return prom;
                }
            } catch (IOException e) {
                // not up yet
            }
            if (System.nanoTime() > deadline || !p.isAlive()) {
                prom.close();
                fail("prometheus did not start: " + Files.readString(log));
            }
            Thread.sleep(100);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** An instant query's result vector ({@code data.result}). */
    public JsonNode query(String promql) throws Exception {
        return get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8), promql);
    }

    /**
     * An instant query evaluated at {@code unixSeconds}: its {@code data.result}. With a range selector
     * ({@code metric[5m]}) it is every raw sample scraped in that range, each series' {@code values} as
     * {@code [timestamp, "value"]} pairs: what Prometheus holds, no lookback filling a gap.
     */
    public JsonNode queryAt(String promql, double unixSeconds) throws Exception {
        return get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8) + "&time="
                + String.format(java.util.Locale.ROOT, "%.3f", unixSeconds), promql);
    }

    private JsonNode get(String pathAndQuery, String promql) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url() + pathAndQuery)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode j = JSON.readTree(r.body());
        if (r.statusCode() != 200 || !"success".equals(j.path("status").asText())) {
            fail("query " + promql + ": " + r.body());
        }
        return j.path("data").path("result");
    }

    /** The log, for a failure's message. */
    public String log() throws IOException {
        return Files.readString(log);
    }

    /** Stops it by its PID (SIGTERM, then SIGKILL after 20 s). */
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
