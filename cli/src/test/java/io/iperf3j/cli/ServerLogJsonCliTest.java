package io.iperf3j.cli;

import io.iperf3j.internal.json.JsonObject;
import io.iperf3j.internal.json.PeerJson;
import io.iperf3j.testing.FreePorts;
import io.iperf3j.testing.Iperf3Binary;
import io.iperf3j.testing.Iperf3Process;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * {@code --server-log=json} through the command, run as a process as an operator runs it, with real iperf3
 * clients: every line of its standard error is one JSON object the project's reader parses; a test gives
 * {@code accepted}, {@code started}, {@code ended} (in that order, with one test number); a client refused
 * because both places are taken gives {@code accepted}, then {@code refused} with reason {@code busy}. The
 * first line is the server's own {@code listening}.
 */
@Tag("peer")
class ServerLogJsonCliTest {
    private static final Duration CLIENT_LIMIT = Duration.ofSeconds(30);

    @Test
    void everyLineIsJsonAndEachClientsEventsComeInOrder() {
        Iperf3Binary.require();
        Iperf3Binary.V3_21.requireThis();
        assertTimeoutPreemptively(Duration.ofSeconds(90), () -> {
            int port = FreePorts.next();
            String p = Integer.toString(port);
            try (Iperf3Process server = CommandProcess.start(List.of("-s", "-p", p, "--server-log=json",
                    "--max-concurrent", "2"))) {
                assertThat(server.awaitListening(port, Duration.ofSeconds(30))).as("server listens: %s", server).isTrue();
                // Two tests at once (so no client waits for a place to be given back), then a third is busy.
                try (Iperf3Process tcp = Iperf3Process.iperf3(Iperf3Binary.V3_21,
                        List.of("-c", "127.0.0.1", "-p", p, "-t", "4"));
                     Iperf3Process udp = Iperf3Process.iperf3(List.of("-c", "127.0.0.1", "-p", p, "-u", "-R",
                             "-b", "10M", "-t", "4"))) {
                    CapturedText.awaitCount(server::stderr, "\"event\":\"started\"", 2, CLIENT_LIMIT);
                    try (Iperf3Process busy = Iperf3Process.iperf3(List.of("-c", "127.0.0.1", "-p", p, "-t", "1"))) {
                        busy.waitFor(CLIENT_LIMIT);
                        assertThat(busy.stdout() + busy.stderr()).contains("the server is busy running a test");
                    }
                    assertThat(tcp.waitFor(CLIENT_LIMIT)).as("3.21 client: %s", tcp.stdout()).isZero();
                    assertThat(udp.waitFor(CLIENT_LIMIT)).as("3.12 UDP -R client: %s", udp.stdout()).isZero();
                }
                CapturedText.awaitCount(server::stderr, "\"event\":\"ended\"", 2, CLIENT_LIMIT);
                List<JsonObject> all = parseEveryLine(server.stderr());
                assertThat(all.getFirst().getString("event")).isEqualTo("listening");
                List<JsonObject> lines = all.subList(1, all.size());

                Map<Long, List<JsonObject>> byPort = new TreeMap<>();
                for (JsonObject o : lines) {
                    assertThat(o.keys()).startsWith("time", "event", "client", "port", "prefix");
                    assertThat(o.getString("client")).isEqualTo("127.0.0.1");
                    assertThat(o.getString("prefix")).isEqualTo("127.0.0.1/32");
                    assertThat(o.getString("time")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
                    byPort.computeIfAbsent(o.getLong("port"), k -> new ArrayList<>()).add(o);
                }
                List<List<String>> sequences = byPort.values().stream()
                        .map(l -> l.stream().map(o -> o.getString("event")).toList()).toList();
                assertThat(sequences).as("per control connection, in order: %s", lines).containsExactlyInAnyOrder(
                        List.of("accepted", "started", "ended"),
                        List.of("accepted", "refused"),
                        List.of("accepted", "started", "ended"));
                for (List<JsonObject> events : byPort.values()) {
                    if (events.size() == 2) {
                        JsonObject refused = events.get(1);
                        assertThat(refused.getString("reason")).isEqualTo("busy");
                        assertThat(refused.getLong("running")).isEqualTo(2);
                        assertThat(refused.getLong("max")).isEqualTo(2);
                        continue;
                    }
                    JsonObject started = events.get(1);
                    JsonObject ended = events.get(2);
                    assertThat(ended.getLong("test")).isEqualTo(started.getLong("test"));
                    assertThat(ended.getString("result")).isEqualTo("ok");
                    boolean udp = started.getString("proto").equals("UDP");
                    assertThat(started.getString("dir")).isEqualTo(udp ? "reverse" : "normal");
                    assertThat(started.getDouble("waited")).isZero();
                    assertThat(ended.getLong(udp ? "sent" : "received")).as("the bytes of %s", started).isPositive();
                    assertThat(ended.getDouble("seconds")).isGreaterThan(4.0);
                }
            }
        });
    }

    private static List<JsonObject> parseEveryLine(String stderr) throws Exception {
        assertThat(stderr).endsWith("\n");
        List<JsonObject> all = new ArrayList<>();
        for (String line : stderr.split("\n")) {
            all.add(PeerJson.parseObject(line.getBytes(StandardCharsets.UTF_8)));
        }
        return all;
    }
}
