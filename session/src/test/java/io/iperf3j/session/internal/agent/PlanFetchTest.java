package io.iperf3j.session.internal.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link PlanFetch} against a JDK {@link HttpServer} on loopback: a 200 with its ETag, the 304 to {@code If-None-Match}, a
 * 404 and a 500 named with their URL and status, a body over the limit (declared, and chunked without a length), an answer
 * slower than the deadline, redirects followed up to the limit and to http(s) only, a port that refuses.
 */
class PlanFetchTest {
    private static final String PLAN = "hosts: []\n";
    private HttpServer server;
    private final List<String> ifNoneMatch = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/plan.yaml", x -> {
            String asked = x.getRequestHeaders().getFirst("If-None-Match");
            ifNoneMatch.add(String.valueOf(asked));
            x.getResponseHeaders().add("ETag", "\"v1\"");
            if ("\"v1\"".equals(asked)) {
                x.sendResponseHeaders(304, -1);
                x.close();
                return;
            }
            send(x, 200, PLAN.getBytes(StandardCharsets.UTF_8));
        });
        server.createContext("/missing", x -> send(x, 404, "no such plan".getBytes(StandardCharsets.UTF_8)));
        server.createContext("/broken", x -> send(x, 500, "oops".getBytes(StandardCharsets.UTF_8)));
        server.createContext("/big", x -> send(x, 200, new byte[101]));
        server.createContext("/big-chunked", x -> {
            x.sendResponseHeaders(200, 0); // chunked: no length said
            try (OutputStream o = x.getResponseBody()) {
                for (int i = 0; i < 50; i++) {
                    o.write(new byte[10]);
                    o.flush();
                }
            } catch (IOException gone) {
                // the client gave up, as it should
            }
        });
        server.createContext("/slow", x -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            send(x, 200, PLAN.getBytes(StandardCharsets.UTF_8));
        });
        server.createContext("/moved", x -> redirect(x, "/plan.yaml"));
        server.createContext("/loop", x -> redirect(x, "/loop"));
        server.createContext("/to-file", x -> redirect(x, "file:///etc/passwd"));
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
    }

    private static void send(HttpExchange x, int status, byte[] body) throws IOException {
        x.sendResponseHeaders(status, body.length);
        try (OutputStream o = x.getResponseBody()) {
            o.write(body);
        }
    }

    private static void redirect(HttpExchange x, String to) throws IOException {
        x.getResponseHeaders().add("Location", to);
        x.sendResponseHeaders(302, -1);
        x.close();
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    private PlanFetch fetch(String path) {
        return new PlanFetch(url(path), 100);
    }

    @Test
    void aPlanComesWithItsETagAndIsUnchangedWhenAskedWithIt() throws Exception {
        try (PlanFetch f = fetch("/plan.yaml")) {
            PlanFetch.Answer first = f.fetch(Optional.empty(), Duration.ofSeconds(10));
            assertThat(first).isInstanceOfSatisfying(PlanFetch.Answer.Body.class, b -> {
                assertThat(new String(b.bytes(), StandardCharsets.UTF_8)).isEqualTo(PLAN);
                assertThat(b.etag()).contains("\"v1\"");
            });
            assertThat(f.fetch(Optional.of("\"v1\""), Duration.ofSeconds(10))).isInstanceOf(PlanFetch.Answer.Unchanged.class);
            // another ETag than the server's: the whole plan again
            assertThat(f.fetch(Optional.of("\"v0\""), Duration.ofSeconds(10))).isInstanceOf(PlanFetch.Answer.Body.class);
        }
        assertThat(ifNoneMatch).containsExactly("null", "\"v1\"", "\"v0\"");
    }

    @Test
    void anErrorStatusIsNamedWithTheUrl() {
        try (PlanFetch f = fetch("/missing")) {
            assertThatThrownBy(() -> f.fetch(Optional.empty(), Duration.ofSeconds(10))).isInstanceOf(IOException.class)
                    .hasMessage(url("/missing") + ": the server answered 404");
        }
        try (PlanFetch f = fetch("/broken")) {
            assertThatThrownBy(() -> f.fetch(Optional.of("\"v1\""), Duration.ofSeconds(10)))
                    .hasMessage(url("/broken") + ": the server answered 500");
        }
    }

    @Test
    void aBodyOverTheLimitIsRefusedWhetherItsLengthIsSaidOrNot() {
        for (String path : List.of("/big", "/big-chunked")) {
            try (PlanFetch f = fetch(path)) {
                assertThatThrownBy(() -> f.fetch(Optional.empty(), Duration.ofSeconds(10))).as(path)
                        .hasMessage(url(path) + ": the plan is over 100 bytes");
            }
        }
    }

    @Test
    void anAnswerSlowerThanTheDeadlineIsGivenUp() {
        try (PlanFetch f = fetch("/slow")) {
            long began = System.nanoTime();
            assertThatThrownBy(() -> f.fetch(Optional.empty(), Duration.ofMillis(500)))
                    .hasMessageStartingWith(url("/slow") + ": no ");
            // given up at its deadline, not when the server answers (30 s)
            assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(20));
        }
    }

    @Test
    void redirectsAreFollowedUpToTheLimitAndToHttpOnly() throws Exception {
        try (PlanFetch f = fetch("/moved")) {
            assertThat(f.fetch(Optional.empty(), Duration.ofSeconds(10))).isInstanceOf(PlanFetch.Answer.Body.class);
        }
        try (PlanFetch f = fetch("/loop")) {
            assertThatThrownBy(() -> f.fetch(Optional.empty(), Duration.ofSeconds(10)))
                    .hasMessage(url("/loop") + ": more than " + PlanFetch.MAX_REDIRECTS + " redirects");
        }
        try (PlanFetch f = fetch("/to-file")) {
            assertThatThrownBy(() -> f.fetch(Optional.empty(), Duration.ofSeconds(10)))
                    .hasMessage(url("/to-file") + ": redirected to file:///etc/passwd: not an http:// or https:// URL with a host");
        }
    }

    @Test
    void aPortThatRefusesIsNamed() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        URI gone = URI.create("http://127.0.0.1:" + port + "/plan.yaml");
        try (PlanFetch f = new PlanFetch(gone)) {
            assertThatThrownBy(() -> f.fetch(Optional.empty(), Duration.ofSeconds(10)))
                    .hasMessageStartingWith(gone + ": cannot connect");
        }
    }

    @Test
    void onlyHttpAndHttpsUrlsAreTaken() {
        assertThat(PlanFetch.isUrl("HTTPS://example.org/p.yaml")).isTrue();
        assertThat(PlanFetch.isUrl("plans/http.yaml")).isFalse();
        assertThatThrownBy(() -> new PlanFetch(URI.create("ftp://example.org/p.yaml")))
                .hasMessage("ftp://example.org/p.yaml: not an http:// or https:// URL with a host");
    }
}
