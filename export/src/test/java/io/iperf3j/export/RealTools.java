package io.iperf3j.export;

import io.iperf3j.testing.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The real Prometheus tools the tests use: Debian's {@code prometheus-pushgateway}
 * (started as a child process on a free loopback port, stopped by its PID) and
 * {@code promtool} from {@code prometheus} (Prometheus itself: core's test kit,
 * {@code io.iperf3j.testing.Prometheus}). Missing tools fail the test with the
 * install command; they are never skipped ({@code .ci/run} installs them).
 */
public final class RealTools {
    public static final Path PUSHGATEWAY = Path.of("/usr/bin/prometheus-pushgateway");
    public static final Path PROMTOOL = Path.of("/usr/bin/promtool");

    private RealTools() {
    }

    static void require(Path tool, String debianPackage) {
        if (!Files.isExecutable(tool)) {
            fail(tool + " is missing: install it with 'apt-get install " + debianPackage
                    + "' (.ci/run does this)");
        }
    }

    /** Runs {@code promtool check metrics} on an exposition and asserts it finds nothing. */
    public static void assertPromtoolAccepts(String exposition) throws IOException, InterruptedException {
        PromtoolResult r = promtool(exposition);
        assertThat(r.exitCode()).as("promtool check metrics exit status; output:%n%s%nexposition:%n%s", r.output(), exposition)
                .isZero();
        assertThat(r.output()).as("promtool findings").isBlank();
    }

    /** promtool's exit status and combined output. */
    public record PromtoolResult(int exitCode, String output) {
    }

    /** Runs {@code promtool check metrics} with the exposition on stdin. */
    public static PromtoolResult promtool(String exposition) throws IOException, InterruptedException {
        require(PROMTOOL, "prometheus");
        Process p = new ProcessBuilder(PROMTOOL.toString(), "check", "metrics").redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(exposition.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("promtool did not finish");
        }
        return new PromtoolResult(p.exitValue(), out);
    }

    public static String get(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET %s: %s", url, r.body()).isEqualTo(200);
        return r.body();
    }

    /** A Pushgateway child process on 127.0.0.1; {@link #close()} stops it by its PID. */
    public static final class Pushgateway implements AutoCloseable {
        private final Process process;
        private final int port;
        private final Path log;

        private Pushgateway(Process process, int port, Path log) {
            this.process = process;
            this.port = port;
            this.log = log;
        }

        public static Pushgateway start() throws IOException, InterruptedException {
            require(PUSHGATEWAY, "prometheus-pushgateway");
            int port = FreePorts.next();
            Path log = Files.createTempFile("pushgateway-", ".log");
            // Debian's build persists to /var/lib/prometheus/pushgateway.data by default: keep this one in memory.
            Process p = new ProcessBuilder(PUSHGATEWAY.toString(), "--web.listen-address=127.0.0.1:" + port,
                    "--persistence.file=")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Pushgateway g = new Pushgateway(p, port, log);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (System.nanoTime() < deadline) {
                if (!p.isAlive()) {
                    fail("pushgateway exited: " + Files.readString(log));
                }
                try {
                    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(g.url() + "/-/ready")).timeout(Duration.ofSeconds(1)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        return g;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                Thread.sleep(50);
            }
            g.close();
            fail("pushgateway did not become ready: " + Files.readString(log));
            return null;
        }

        public String url() {
            return "http://127.0.0.1:" + port;
        }

        /** The gateway's own exposition, with every pushed group. */
        public String metrics() throws IOException, InterruptedException {
            return get(url() + "/metrics");
        }

        @Override
        public void close() throws IOException {
            ProcessHandle h = process.toHandle();
            h.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    h.destroyForcibly();
                }
            } catch (InterruptedException e) {
                h.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            Files.deleteIfExists(log);
        }
    }
}
