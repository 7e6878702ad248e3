package io.iperf3j.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.testing.PeerRun;
import io.iperf3j.testing.PeerRun.Peer;
import io.iperf3j.testing.PeerRun.Scenario;
import io.iperf3j.internal.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The server's last interval carries its senders' TCP_INFO (retransmits, window, RTT) even when
 * the client's TEST_END comes before the server's first interval timer, so that the last
 * interval is the only one. That is the case that made TextFidelityTest's {@code text --bidir}
 * flaky: a client that stops reading at TEST_END leaves the server's sender blocked in a write,
 * the sender's socket was closed after the grace, and only then was the last sample taken, from
 * a closed socket: the line had no {@code Retr} or {@code Cwnd}. iperf3 takes that sample with its
 * sockets open. Here the server's interval is 5 s and the test 1 s, so every run is that case.
 */
@Tag("peer")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FinalSampleTcpInfoTest {
    @ParameterizedTest(name = "{0} client {1} -> iperf3j -s -i 5")
    @CsvSource({"IPERF3, --bidir", "IPERF3, -R", "IPERF3_21, --bidir", "IPERF3_21, -R"})
    void theOnlyIntervalHasTheSendersTcpInfo(Peer client, String direction) {
        PeerRun.Result r = PeerRun.run(client, Peer.IPERF3J, Scenario.of("final sample " + direction,
                "-t 1 " + direction, "-i 5 -J"));
        assertThat(r.client().exitCode()).as(r.describe()).isZero();
        JsonObject server = r.server().json();
        assertThat(server).as(r.describe()).isNotNull();
        List<Object> intervals = server.getArray("intervals");
        assertThat(intervals).as("one interval: the test ended before the 5 s timer").hasSize(1);
        int senders = 0;
        for (Object v : ((JsonObject) intervals.get(0)).getArray("streams")) {
            JsonObject stream = (JsonObject) v;
            if (stream.getBoolean("sender")) {
                senders++;
                assertThat(stream.has("snd_cwnd")).as("the sender's interval has TCP_INFO: %s", stream).isTrue();
                assertThat(stream.getLong("snd_cwnd")).as("%s", stream).isPositive();
                assertThat(stream.getLong("rtt")).as("%s", stream).isPositive();
                assertThat(stream.has("retransmits")).as("%s", stream).isTrue();
            }
        }
        assertThat(senders).as("the server sent on one stream").isEqualTo(1);
    }
}
