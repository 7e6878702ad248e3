package io.iperf3j.session;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Debian's real Pushgateway on 127.0.0.1:PORT for one test, its metrics kept in a persistence file so
 * it can be stopped (SIGTERM: it writes the file) and started again on the same port with what it
 * held. Stopped by its own process handle.
 */
public final class Pushgateway implements AutoCloseable {
    private static final Path BINARY = Path.of("/usr/bin/prometheus-pushgateway");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Path dir;
    private final int port;
    private Process process;
    private int starts;

    private Pushgateway(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Starts one; fails the test if it is not ready within 20 s. */
    public static Pushgateway start(Path dir, int port) throws Exception {
        if (!Files.isExecutable(BINARY)) {
            fail("install prometheus-pushgateway (apt-get install prometheus-pushgateway; .ci/run does this)");
        }
        Pushgateway gw = new Pushgateway(dir, port);
        gw.startAgain();
        return gw;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Starts it (again), with what it held when stopped; waits until it is ready. */
    public void startAgain() throws Exception {
        Path log = dir.resolve("pushgateway-" + (++starts) + ".log");
        process = new ProcessBuilder(BINARY.toString(), "--web.listen-address=127.0.0.1:" + port,
                "--persistence.file=" + dir.resolve("pushgateway.db")).redirectErrorStream(true).redirectOutput(log.toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/-/ready")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            if (System.nanoTime() > deadline || !process.isAlive()) {
                fail("pushgateway did not start: " + Files.readString(log));
            }
            Thread.sleep(50);
        }
    }

    /** Stops it (SIGTERM: it saves its metrics) and waits until it has exited. */
    public void stop() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("pushgateway did not stop on SIGTERM within 10 s");
        }
    }

    /** The gateway's /metrics text. */
    public String metrics() throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
