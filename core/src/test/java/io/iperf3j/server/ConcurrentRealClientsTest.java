package io.iperf3j.server;

import io.iperf3j.internal.engine.server.ServerLimits;
import io.iperf3j.internal.json.JsonObject;
import io.iperf3j.internal.json.PeerJson;
import io.iperf3j.testing.Iperf3Process;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many real iperf3 3.12 clients against one iperf3j server at once: every test is
 * its own (told apart by cookie), finishes without error, and the bytes each
 * client reports are the bytes the server counted for that very test. With
 * {@code --max-concurrent 2} the extra clients get iperf3's busy answer, and a later
 * retry is served.
 */
@Tag("peer")
@Timeout(120)
class ConcurrentRealClientsTest {
    private static final List<List<String>> EIGHT = List.of(
            List.of("-t", "2"),
            List.of("-t", "2", "-P", "2"),
            List.of("-t", "2", "-R"),
            List.of("-t", "2", "-R", "-P", "3"),
            List.of("-t", "2", "--bidir"),
            List.of("-n", "50M"),
            List.of("-t", "2", "-u", "-b", "20M"),
            List.of("-t", "2", "-u", "-b", "10M", "-R", "-P", "2"));

    private static Iperf3Process client(TestServer server, List<String> args) {
        List<String> all = new ArrayList<>(List.of("-J"));
        all.addAll(args);
        return server.iperf3Client(all.toArray(String[]::new));
    }

    private static JsonObject json(Iperf3Process p) throws Exception {
        int status = p.waitFor(Duration.ofSeconds(60));
        String text = p.stdout();
        assertThat(status).as("exit status of %s%s", text, p.stderr()).isZero();
        return PeerJson.parseObject(text.getBytes(StandardCharsets.UTF_8));
    }

    private static long bytes(JsonObject doc, String sum) {
        JsonObject s = doc.getObject("end").getObject(sum);
        assertThat(s).as("end.%s", sum).isNotNull();
        return s.getLong("bytes");
    }

    @Test
    void eightRealClientsAtOnceEachGetTheirOwnTestAndBytes() throws Exception {
        try (TestServer server = new TestServer(ServerLimits.DEFAULTS)) {
            List<Iperf3Process> clients = new ArrayList<>();
            try {
                for (List<String> args : EIGHT) {
                    clients.add(client(server, args));
                }
                Map<String, JsonObject> serverDocs = new HashMap<>();
                for (int i = 0; i < EIGHT.size(); i++) {
                    JsonObject d = server.nextDocument(Duration.ofSeconds(60));
                    assertThat(d.has("error")).as("server error %s", d.get("error")).isFalse();
                    serverDocs.put(d.getObject("start").getString("cookie"), d);
                }
                assertThat(serverDocs).hasSize(EIGHT.size());
                for (int i = 0; i < EIGHT.size(); i++) {
                    List<String> args = EIGHT.get(i);
                    JsonObject c = json(clients.get(i));
                    assertThat(c.has("error")).as("%s: %s", args, c.get("error")).isFalse();
                    JsonObject s = serverDocs.get(c.getObject("start").getString("cookie"));
                    assertThat(s).as("the server's test for %s", args).isNotNull();
                    boolean reverse = args.contains("-R");
                    int parallel = args.contains("-P") ? Integer.parseInt(args.get(args.indexOf("-P") + 1)) : 1;
                    int streams = args.contains("--bidir") ? 2 * parallel : parallel;
                    assertThat(s.getObject("start").getArray("connected")).as("%s streams", args).hasSize(streams);
                    // The bytes the client got back as the server's are the server's own count for this test
                    // (TCP and UDP alike: the results exchange carries the server's figures).
                    if (reverse) {
                        assertThat(bytes(c, "sum_sent")).as("%s: server sent", args).isEqualTo(bytes(s, "sum_sent"));
                        assertThat(bytes(c, "sum_received")).as("%s: client received", args).isPositive()
                                .isLessThanOrEqualTo(bytes(s, "sum_sent"));
                    } else {
                        assertThat(bytes(c, "sum_received")).as("%s: server received", args)
                                .isEqualTo(bytes(s, "sum_received")).isPositive();
                        assertThat(bytes(c, "sum_received")).isLessThanOrEqualTo(bytes(c, "sum_sent"));
                        if (args.contains("-n")) {
                            assertThat(bytes(c, "sum_sent")).isGreaterThanOrEqualTo(50L << 20);
                        }
                    }
                }
                // (the end line follows the test's document by a moment)
                server.await(() -> server.logLines().stream()
                        .filter(l -> l.contains("event=end") && l.contains("result=ok")).count() == EIGHT.size(),
                        Duration.ofSeconds(5), "eight end lines with result=ok");
            } finally {
                for (Iperf3Process p : clients) {
                    p.close();
                }
            }
        }
    }

    @Test
    void maxConcurrentTwoGivesTheExtraClientsTheBusyAnswerAndALaterRetrySucceeds() throws Exception {
        try (TestServer server = new TestServer(ServerLimits.DEFAULTS, "--max-concurrent", "2")) {
            List<Iperf3Process> running = new ArrayList<>();
            try {
                running.add(client(server, List.of("-t", "3")));
                running.add(client(server, List.of("-t", "3", "-R")));
                server.await(() -> server.server.activeTests() == 2, Duration.ofSeconds(5), "two tests running");
                for (int i = 0; i < 3; i++) {
                    try (Iperf3Process extra = server.iperf3Client("-t", "1")) {
                        assertThat(extra.waitFor(Duration.ofSeconds(10))).as("exit status (-1: still running)").isPositive();
                        assertThat(extra.stdout() + extra.stderr())
                                .contains("iperf3: error - the server is busy running a test. try again later");
                    }
                }
                assertThat(server.server.activeTests()).as("the busy answers cost no test slot").isEqualTo(2);
                for (Iperf3Process p : running) {
                    assertThat(json(p).has("error")).isFalse();
                }
                server.awaitIdle(Duration.ofSeconds(5));
                try (Iperf3Process retry = client(server, List.of("-t", "1"))) {
                    assertThat(json(retry).has("error")).as("the retry").isFalse();
                }
                assertThat(server.logLines()).filteredOn(l -> l.contains("event=busy") && l.contains("running=2 max=2"))
                        .hasSize(3);
            } finally {
                for (Iperf3Process p : running) {
                    p.close();
                }
            }
        }
    }
}
