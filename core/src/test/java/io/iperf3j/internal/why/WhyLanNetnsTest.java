package io.iperf3j.internal.why;

import io.iperf3j.internal.json.JsonObject;
import io.iperf3j.testing.Netns;
import io.iperf3j.testing.NetnsPair;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --why} on a LAN (issue 56): two namespaces on a plain veth pair (a round trip of tens of microseconds), one
 * bottleneck each, the verdict held to the lab's ground truth (the sysctl set, the shaper's rate as tc set it). The
 * ten-run sweep, with each cause lifted, is bench/why_lab.py; this is one run of each case in the suite.
 */
@Tag("root")
@Timeout(240)
class WhyLanNetnsTest {
    @BeforeAll
    static void tools() throws Exception {
        Netns.require("WhyLanNetnsTest", "ip", "tc");
    }

    /** The receiver's tcp_rmem max 32 KiB: its window, forward (the server receives) and -R (the client does). */
    @Test
    void aReceiveBufferCappedOnALanIsTheReceiversWindowOnTheHostThatReceives() throws Exception {
        for (boolean reverse : new boolean[]{false, true}) {
            try (NetnsPair link = NetnsPair.create()) {
                String receiver = reverse ? link.nsA : link.nsB;
                assertThat(link.exec(receiver, "sysctl", "-qw", "net.ipv4.tcp_rmem=4096 32768 32768").ok()).isTrue();
                JsonObject d = direction(run(link, reverse ? List.of("-t", "3", "-R") : List.of("-t", "3")));
                JsonObject f = d.getObject("figures");
                assertThat(d.getString("cause")).as("verdict %s", d).isEqualTo("receiver_window");
                // ground truth: the ceiling is the sysctl set, and the buffer reached it
                assertThat(f.getLong("receiver_buffer_max_bytes")).isEqualTo(32_768L);
                assertThat(f.getLong("receiver_socket_buffer_bytes")).isEqualTo(32_768L);
                // a LAN's round trip: under a millisecond, said in microseconds in the remedy
                assertThat(f.getLong("srtt_us")).isLessThan(1000L);
                assertThat(d.getString("remedy")).startsWith("on the receiver (" + (reverse ? "the client" : "the server")
                        + "): raise net.ipv4.tcp_rmem's max").contains(" us").doesNotContain("-Z");
                assertThat(d.getString("confidence")).isIn("clear", "likely");
            }
        }
    }

    /**
     * The sender's tcp_wmem max 16 KiB (issue 67): its buffer, forward (the client sends) and -R (the server does).
     * The socket runs empty while the thread sleeps in it, and the chrono says next to nothing; the default's 4 MiB
     * lifts the rate 1.4-2 times (bench/why_lab.py's sndbuf cell).
     */
    @Test
    void aSendBufferCappedOnALanIsTheSendersBufferOnTheHostThatSends() throws Exception {
        for (boolean reverse : new boolean[]{false, true}) {
            try (NetnsPair link = NetnsPair.create()) {
                String sender = reverse ? link.nsB : link.nsA;
                assertThat(link.exec(sender, "sysctl", "-qw", "net.ipv4.tcp_wmem=4096 16384 16384").ok()).isTrue();
                JsonObject d = direction(run(link, reverse ? List.of("-t", "3", "-R") : List.of("-t", "3")));
                JsonObject f = d.getObject("figures");
                assertThat(d.getString("cause")).as("verdict %s", d).isEqualTo("sender_buffer");
                // ground truth: the ceiling is the sysctl set, and the buffer reached it
                assertThat(f.getLong("sender_buffer_max_bytes")).isEqualTo(16_384L);
                assertThat(f.getLong("sender_buffer_bytes")).isEqualTo(16_384L);
                assertThat(d.getString("remedy")).startsWith("on the sender (" + (reverse ? "the server" : "the client")
                        + "): raise net.ipv4.tcp_wmem's max");
            }
        }
    }

    /** A tbf on the client's own interface and UDP at twice its rate: its host held it, with no loss to show it. */
    @Test
    void aShaperOnTheSendersOwnInterfaceIsThePathOnItsHost() throws Exception {
        try (NetnsPair link = NetnsPair.create()) {
            link.shapeA(300);
            JsonObject doc = run(link, List.of("-u", "-b", "600M", "-l", "1400", "-t", "3"));
            JsonObject d = direction(doc);
            JsonObject f = d.getObject("figures");
            assertThat(d.getString("cause")).as("verdict %s", d).isEqualTo("path");
            // ground truth: the rate tc set, and the qdisc held packets back
            assertThat(f.getLong("sender_shaper_bits_per_second")).isEqualTo(300_000_000L);
            assertThat(f.getLong("sender_shaper_overlimits")).isPositive();
            assertThat(d.getString("headline")).isIn("limited by the path", "limited by the path (likely)");
            assertThat(d.getString("reason")).contains("own interface");
            assertThat(d.getString("remedy")).startsWith("on the sender (the client)").contains("lower -b");
        }
    }

    private static JsonObject direction(JsonObject doc) {
        return WhyPairRun.direction(doc);
    }

    /** One test with {@code args}; the verdict is printed for the log. */
    private static JsonObject run(NetnsPair link, List<String> args) throws Exception {
        JsonObject doc = WhyPairRun.run(link, 7600 + ThreadLocalRandom.current().nextInt(200), args);
        System.out.println("why " + args + ": " + direction(doc));
        return doc;
    }
}
