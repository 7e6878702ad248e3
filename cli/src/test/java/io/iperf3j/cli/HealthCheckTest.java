package io.iperf3j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The container image's health check ({@link HealthCheck}) against a socket that answers as told: 200 is
 * healthy and shows the answer's first line; any other status, a refused connection and a URL it cannot use
 * are unhealthy (status 1) with the reason. dist's OciImageIT runs it in the image against a real server.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HealthCheckTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void twoHundredIsHealthy() throws Exception {
        try (OneAnswer server = new OneAnswer("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nOK\n")) {
            assertThat(check(server.url())).isZero();
            assertThat(server.request()).startsWith("GET /health HTTP/1.1\r\n");
        }
        assertThat(text(out)).matches("healthy: http://127\\.0\\.0\\.1:\\d+/health: 200 OK\n");
        assertThat(text(err)).isEmpty();
    }

    @Test
    void anotherStatusIsUnhealthyWithItsWords() throws Exception {
        try (OneAnswer server = new OneAnswer("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 9\r\n\r\nstarting\n")) {
            assertThat(check(server.url())).isEqualTo(1);
        }
        assertThat(text(err)).matches("iperf3j health check: http://127\\.0\\.0\\.1:\\d+/health: HTTP 503 starting\n");
        assertThat(text(out)).isEmpty();
    }

    @Test
    void aClosedPortIsUnhealthy() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        assertThat(check("http://127.0.0.1:" + port + "/health")).isEqualTo(1);
        assertThat(text(err)).isEqualTo("iperf3j health check: http://127.0.0.1:" + port + "/health: Connection refused\n");
    }

    @Test
    void aURLItCannotUseIsSaid() {
        assertThat(check(null)).isEqualTo(1);
        assertThat(check("https://127.0.0.1:9580/health")).isEqualTo(1);
        assertThat(check("http://127.0.0.1:9580/" + "x".repeat(HealthCheck.MAX_URL))).isEqualTo(1);
        assertThat(text(err)).isEqualTo("""
                iperf3j health check: no URL: give one as the argument or in IPERF3J_HEALTH_URL
                iperf3j health check: https://127.0.0.1:9580/health: not an http://HOST[:PORT]/PATH URL
                iperf3j health check: the URL is longer than 2048 characters
                """);
    }

    private int check(String url) {
        return HealthCheck.check(url, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private static String text(ByteArrayOutputStream b) {
        return b.toString(StandardCharsets.UTF_8);
    }

    /** A loopback listener that reads one request's head and writes {@code answer}. */
    private static final class OneAnswer implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        private final StringBuilder request = new StringBuilder();
        private final Thread thread;

        OneAnswer(String answer) throws IOException {
            thread = new Thread(() -> {
                try (Socket s = socket.accept()) {
                    InputStream in = s.getInputStream();
                    while (request.indexOf("\r\n\r\n") < 0) {
                        int b = in.read();
                        if (b < 0) {
                            return;
                        }
                        request.append((char) b);
                    }
                    s.getOutputStream().write(answer.getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    request.append("failed: ").append(e);
                }
            }, "health-check-test");
            thread.start();
        }

        String url() {
            return "http://127.0.0.1:" + socket.getLocalPort() + "/health";
        }

        String request() throws InterruptedException {
            thread.join(10_000);
            return request.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
