package io.iperf3j;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link IperfRun#intervalMetrics()} over the golden outputs of iperf3 3.12, 3.21 and iperf3j (moved from session's
 * IperfOutputsTest with the reader): one sample per interval, its bytes and rate, role, direction and the
 * figures each side measures.
 */
class IperfRunMetricsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The document the parser should agree with, read independently (tree of -J, or the events of --json-stream). */
    private static List<JsonNode> intervalsOf(String text, boolean stream) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        if (stream) {
            for (String line : text.lines().toList()) {
                JsonNode e = JSON.readTree(line);
                if (e.path("event").asText().equals("interval")) {
                    out.add(e.get("data"));
                }
            }
        } else {
            JSON.readTree(text).get("intervals").forEach(out::add);
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"iperf3_client_tcp.json", "iperf3_server_tcp.json", "iperf3_client_udp.json",
            "iperf3_server_udp.json", "iperf3-321_client_tcp_p2.jsonl", "iperf3-321_server_tcp_p2.jsonl",
            "iperf3j_client_tcp.json", "iperf3j_server_tcp.json", "iperf3j_client_udp.jsonl", "iperf3j_server_udp.jsonl"})
    void iperf3CapturesGiveOneSamplePerIntervalWithItsBytes(String name) throws IOException {
        String text = IperfJsonReaderTest.golden(name);
        boolean stream = name.endsWith(".jsonl");
        boolean client = name.contains("client");
        boolean udp = name.contains("udp");
        IperfJsonRead.Read read = (IperfJsonRead.Read) IperfJsonReader.read(text);
        assertThat(read.notes()).isEmpty();
        IperfRun run = read.last();
        assertThat(run.format()).isEqualTo(stream ? IperfJsonFormat.JSON_STREAM : IperfJsonFormat.JSON);
        List<JsonNode> expected = intervalsOf(text, stream);
        assertThat(expected).isNotEmpty();
        List<IntervalMetrics> metrics = run.intervalMetrics();
        assertThat(metrics).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            IntervalMetrics s = metrics.get(i);
            JsonNode sum = expected.get(i).get("sum");
            assertThat(s.transferredBytes()).isEqualTo(sum.get("bytes").asLong());
            assertThat(s.bandwidthBitsPerSecond()).isEqualTo(sum.get("bits_per_second").asDouble());
            assertThat(s.role()).isEqualTo(client ? Role.CLIENT : Role.SERVER);
            assertThat(s.direction()).isEqualTo(client ? Direction.SENDER : Direction.RECEIVER);
            assertThat(s.transport()).isEqualTo(udp ? Transport.UDP : Transport.TCP);
            assertThat(s.streamCount()).isEqualTo(name.contains("_p2") ? 2 : 1);
            if (udp && !client) {
                assertThat(s.udpJitterSeconds()).isPresent();
                assertThat(s.udpLostPackets()).isPresent();
            }
            if (!udp && client) {
                assertThat(s.tcpRttSeconds()).isPresent();
            } else {
                assertThat(s.tcpRttSeconds()).isEmpty();
            }
        }
        assertThat(run.summary()).isPresent();
        assertThat(run.summary().orElseThrow().received().bytes()).isPositive();
    }
}
