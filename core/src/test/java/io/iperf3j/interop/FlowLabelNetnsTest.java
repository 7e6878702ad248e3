package io.iperf3j.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.internal.json.JsonObject;
import io.iperf3j.internal.json.PeerJson;
import io.iperf3j.testing.EnginePeer;
import io.iperf3j.testing.Iperf3Binary;
import io.iperf3j.testing.Iperf3Process;
import io.iperf3j.testing.NetnsPair;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code -L/--flowlabel} on the wire: two namespaces joined by a veth pair with IPv6
 * addresses, an nft rule in the server's namespace counting the TCP packets that arrive
 * for the server port and those among them whose IPv6 flow label is the one asked for.
 * iperf3 3.21's own client is the reference that the rule sees labels; then iperf3j's
 * client, against 3.21's server and its own, forward and {@code -R} (the client's
 * acknowledgements carry the label). The control connection is not labelled (neither
 * iperf3 nor iperf3j labels it), so the labelled packets are a part of all.
 */
@Tag("peer")
@Tag("root")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FlowLabelNetnsTest {
    private static final int PORT = 5401;
    private static final int LABEL = 0xabcde;
    private static NetnsPair link;

    @BeforeAll
    static void link() throws Exception {
        Iperf3Binary.V3_21.requireThis();
        link = NetnsPair.create();
        link.addIpv6();
        link.countFlowLabel(link.nsB, PORT, LABEL);
    }

    @AfterAll
    static void close() {
        if (link != null) {
            link.close();
        }
    }

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource({
        "iperf3 3.21, iperf3 3.21, ''",
        "iperf3j, iperf3 3.21, ''",
        "iperf3j, iperf3 3.21, -R",
        "iperf3j, iperf3j, ''",
        "iperf3j, iperf3j, -R",
        "iperf3 3.21, iperf3j, ''",
        // the options set on the channel before the native connect reach the labelled socket
        "iperf3j, iperf3 3.21, -P 2 -w 1M -C cubic -M 1200 -N",
        "iperf3j, iperf3 3.21, --cport 40100 -R",
        "iperf3j, iperf3j, --bidir -Z",
    })
    void theDataConnectionCarriesTheLabel(String client, String server, String mode) throws Exception {
        List<String> args = new ArrayList<>(List.of("-6", "-t", "1", "-L", "0x" + Integer.toHexString(LABEL)));
        if (!mode.isEmpty()) {
            args.addAll(List.of(mode.split(" ")));
        }
        link.flowLabelCounts(link.nsB);
        JsonObject doc = run(server, client, args);
        long[] counts = link.flowLabelCounts(link.nsB);
        assertThat(doc.getObject("end").getObject("sum_received").getLong("bytes")).isPositive();
        assertThat(counts[0]).as("labelled packets of %s", counts[1]).isGreaterThan(100);
        assertThat(counts[0]).as("the control connection is not labelled").isLessThan(counts[1]);
        assertThat(doc.getObject("start").getObject("connecting_to").getString("host")).isEqualTo(link.addr6B);
        String local = ((JsonObject) doc.getObject("start").getArray("connected").get(0)).getString("local_host");
        assertThat(local).as("the stream's addresses are its socket's").isEqualTo(link.addr6A);
    }

    @Test
    void withoutTheOptionNothingIsLabelledSo() throws Exception {
        link.flowLabelCounts(link.nsB);
        run("iperf3 3.21", "iperf3j", List.of("-6", "-t", "1"));
        long[] counts = link.flowLabelCounts(link.nsB);
        assertThat(counts[1]).isGreaterThan(100);
        assertThat(counts[0]).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"iperf3 3.21", "iperf3j"})
    void anIpv4ServerIsIperf3sError(String client) throws Exception {
        try (Iperf3Process s = Iperf3Process.start(NetnsPair.inside(link.nsB,
                peer("iperf3 3.21", List.of("-s", "-1", "-p", Integer.toString(PORT + 1)))))) {
            assertThat(s.awaitListening(PORT + 1, Duration.ofSeconds(20))).isTrue();
            try (Iperf3Process c = Iperf3Process.start(NetnsPair.inside(link.nsA,
                    peer(client, List.of("-c", link.addrB, "-p", Integer.toString(PORT + 1), "-t", "1", "-L", "5"))))) {
                assertThat(c.waitFor(Duration.ofSeconds(30))).isEqualTo(1);
                assertThat(c.stderr() + c.stdout()).contains("unable to set IPv6 flow label");
            }
        }
    }

    private static JsonObject run(String server, String client, List<String> clientArgs) throws Exception {
        List<String> serverArgs = List.of("-s", "-1", "-J", "-p", Integer.toString(PORT));
        List<String> args = new ArrayList<>(List.of("-c", link.addr6B, "-p", Integer.toString(PORT), "-J"));
        args.addAll(clientArgs);
        try (Iperf3Process s = Iperf3Process.start(NetnsPair.inside(link.nsB, peer(server, serverArgs)))) {
            assertThat(s.awaitListening(PORT, Duration.ofSeconds(20))).as("server listens; %s", s.stderr()).isTrue();
            try (Iperf3Process c = Iperf3Process.start(NetnsPair.inside(link.nsA, peer(client, args)))) {
                assertThat(c.waitFor(Duration.ofSeconds(60))).as("client exit; stderr %s; stdout %s", c.stderr(),
                        c.stdout()).isZero();
                JsonObject doc = PeerJson.parseObject(c.stdout().getBytes(StandardCharsets.UTF_8));
                assertThat(doc.has("error")).as("client error %s", doc.get("error")).isFalse();
                assertThat(s.awaitExit(Duration.ofSeconds(20))).as("server ends after its one test").isTrue();
                return doc;
            }
        }
    }

    private static List<String> peer(String name, List<String> args) {
        if (name.equals("iperf3j")) {
            return EnginePeer.command(args);
        }
        List<String> cmd = new ArrayList<>(List.of(Iperf3Binary.V3_21.path.toString()));
        cmd.addAll(args);
        return cmd;
    }
}
