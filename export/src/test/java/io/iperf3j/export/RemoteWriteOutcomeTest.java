package io.iperf3j.export;

import com.sun.net.httpserver.HttpServer;
import io.iperf3j.testing.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How {@link RemoteWriteClient} reads an answer, against a local HTTP server that answers as told,
 * and against no server at all; {@link RetryAfter}'s two forms.
 */
class RemoteWriteOutcomeTest {
    /** One scripted answer. */
    record Answer(int status, Map<String, String> headers, String body, long delayMillis) {
        static Answer of(int status, String body) {
            return new Answer(status, Map.of(), body, 0);
        }
    }

    private HttpServer server;
    private final Queue<Answer> answers = new ArrayDeque<>();

    private String serve(Answer... script) throws IOException {
        answers.addAll(List.of(script));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            Answer a;
            synchronized (answers) {
                a = answers.poll();
            }
            try {
                Thread.sleep(a.delayMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            a.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
            byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
            try {
                ex.sendResponseHeaders(a.status(), body.length == 0 ? -1 : body.length);
                if (body.length > 0) {
                    ex.getResponseBody().write(body);
                }
            } catch (IOException e) {
                // the client gave up (the timeout test)
            }
            ex.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1/write";
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private static final List<RemoteWriteClient.Series> ONE = List.of(
            RemoteWriteClient.Series.of(Map.of("__name__", "up"), 1, 1_700_000_000_000L));

    @Test
    void fiveHundredThenTooManyRequestsWithRetryAfterThenWritten() throws Exception {
        RemoteWriteClient client = new RemoteWriteClient(RemoteWriteConfig.builder(serve(
                Answer.of(500, "internal error\n"),
                new Answer(429, Map.of("Retry-After", "2"), "slow down", 0),
                Answer.of(204, ""))).build());
        assertThat(client.write(ONE)).isEqualTo(new RemoteWriteClient.Outcome.Retry("HTTP 500: internal error", Optional.empty()));
        assertThat(client.write(ONE)).isEqualTo(
                new RemoteWriteClient.Outcome.Retry("HTTP 429: slow down", Optional.of(Duration.ofSeconds(2))));
        assertThat(client.write(ONE)).isEqualTo(new RemoteWriteClient.Outcome.Written(204));
        client.close();
        assertThatThrownBy(() -> client.write(ONE)).isInstanceOf(IllegalStateException.class).hasMessageEndingWith("is closed");
    }

    @Test
    void otherClientErrorsAreRefusedInTheReceiversOwnWordsOnOneEscapedLine() throws Exception {
        String long400 = "out of order sample\n\tseries {__name__=\"up\"}\u001b[2J " + "x".repeat(400);
        RemoteWriteClient client = new RemoteWriteClient(RemoteWriteConfig.builder(serve(
                Answer.of(404, "404 page not found\n"), Answer.of(400, long400), Answer.of(401, ""),
                new Answer(308, Map.of("Location", "https://other.example/api/v1/write?k=secret"), "", 0))).build());
        assertThat(client.write(ONE)).isEqualTo(new RemoteWriteClient.Outcome.Refused(404, "404 page not found"));
        RemoteWriteClient.Outcome.Refused r = (RemoteWriteClient.Outcome.Refused) client.write(ONE);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.reason()).startsWith("out of order sample series {__name__=\"up\"}\\x1b[2J xxx").endsWith("…")
                .hasSize(RemoteWriteClient.MAX_REASON + 1).doesNotContain("\n", "\t", "\u001b");
        assertThat(client.write(ONE)).isEqualTo(new RemoteWriteClient.Outcome.Refused(401, ""));
        assertThat(client.write(ONE)).isEqualTo(new RemoteWriteClient.Outcome.Refused(308,
                "redirected to https://other.example/api/v1/write?… (a redirect is not followed: give that URL)"));
    }

    @Test
    void noServerIsRetryConnectionRefused() throws Exception {
        int port = FreePorts.next(); // free a moment ago: nothing listens there
        RemoteWriteClient client = new RemoteWriteClient(RemoteWriteConfig.builder("http://127.0.0.1:" + port + "/api/v1/write").build());
        assertThat(client.write(ONE)).isEqualTo(new RemoteWriteClient.Outcome.Retry("connection refused", Optional.empty()));
    }

    @Test
    void aSilentServerIsRetryAfterTheTimeout() throws Exception {
        RemoteWriteClient client = new RemoteWriteClient(RemoteWriteConfig.builder(serve(new Answer(204, Map.of(), "", 3000)))
                .timeout(Duration.ofMillis(300)).build());
        long t0 = System.nanoTime();
        assertThat(client.write(ONE)).isEqualTo(new RemoteWriteClient.Outcome.Retry("no answer within 300ms (timeout)",
                Optional.empty()));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void retryAfterIsSecondsOrAnHttpDateFromNow() {
        Instant now = Instant.parse("2026-03-01T12:00:00Z");
        String in90s = DateTimeFormatter.RFC_1123_DATE_TIME.format(now.plusSeconds(90).atZone(ZoneOffset.UTC));
        assertThat(in90s).isEqualTo("Sun, 1 Mar 2026 12:01:30 GMT");
        assertThat(RetryAfter.parse("Sun, 01 Mar 2026 12:01:30 GMT", now)).contains(Duration.ofSeconds(90));
        assertThat(RetryAfter.parse(in90s, now)).contains(Duration.ofSeconds(90));
        assertThat(RetryAfter.parse("Sun, 01 Mar 2026 11:00:00 GMT", now)).contains(Duration.ZERO);
        assertThat(RetryAfter.parse(" 120 ", now)).contains(Duration.ofMinutes(2));
        assertThat(RetryAfter.parse("0", now)).contains(Duration.ZERO);
        assertThat(RetryAfter.parse("00000000000000000007", now)).contains(Duration.ofSeconds(7));
        assertThat(RetryAfter.parse("999999999999999999999", now)).contains(RetryAfter.LONGEST);
        assertThat(RetryAfter.parse("86400", now)).contains(Duration.ofHours(1));
        assertThat(RetryAfter.parse("Tue, 01 Mar 2027 12:00:00 GMT", now)).isEmpty(); // a wrong weekday is no date
        assertThat(RetryAfter.parse("Mon, 01 Mar 2027 12:00:00 GMT", now)).contains(RetryAfter.LONGEST);
        for (String junk : new String[] {null, "", " ", "-1", "1.5", "soon", "Sunday, 01-Mar-26 12:01:30 GMT", "1 2"}) {
            assertThat(RetryAfter.parse(junk, now)).as("'%s'", junk).isEmpty();
        }
    }
}
