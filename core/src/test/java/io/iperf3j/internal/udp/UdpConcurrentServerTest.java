package io.iperf3j.internal.udp;

import io.iperf3j.internal.json.JsonObject;
import io.iperf3j.testing.Iperf3Process;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * iperf3j's server runs several UDP tests at once on one port: clients from two
 * addresses (127.0.0.1 and 127.0.0.2), two of them from the same address started
 * at the same moment, with several streams each, in forward, reverse and bidir
 * mode. Every test must get exactly its own client's streams.
 */
@Tag("peer")
@Timeout(120)
class UdpConcurrentServerTest {
    private static final int PORT = 7096;

    @Test
    void concurrentUdpTestsFromSeveralClientsEachGetTheirOwnStreams() throws Exception {
        List<List<String>> runs = List.of(
                List.of("-u", "-b", "50M", "-t", "3", "-P", "3", "-B", "127.0.0.1"),
                List.of("-u", "-b", "50M", "-t", "3", "-P", "2", "--bidir", "-B", "127.0.0.1"),
                List.of("-u", "-b", "50M", "-t", "3", "-P", "2", "-R", "-B", "127.0.0.2"),
                List.of("-u", "-b", "50M", "-t", "3", "-l", "1400", "-B", "127.0.0.2"));
        try (Peers.OurServer server = new Peers.OurServer(PORT)) {
            List<Iperf3Process> clients = new ArrayList<>();
            try {
                for (List<String> args : runs) {
                    clients.add(Peers.iperf3Client(PORT, args));
                }
                // The clients first: a test that fails shows the client's own error.
                List<JsonObject> clientDocs = new ArrayList<>();
                for (int i = 0; i < runs.size(); i++) {
                    JsonObject c = Peers.json(clients.get(i), 45);
                    assertThat(c.has("error")).as("client %s error %s", runs.get(i), c.get("error")).isFalse();
                    clientDocs.add(c);
                }
                Map<String, JsonObject> serverDocs = new HashMap<>();
                for (int i = 0; i < runs.size(); i++) {
                    JsonObject d = server.nextDocument();
                    assertThat(d.has("error")).as("server error %s", d.get("error")).isFalse();
                    serverDocs.put(d.getObject("start").getString("cookie"), d);
                }
                for (int i = 0; i < runs.size(); i++) {
                    JsonObject c = clientDocs.get(i);
                    JsonObject s = serverDocs.get(c.getObject("start").getString("cookie"));
                    assertThat(s).as("server document for %s", runs.get(i)).isNotNull();
                    String clientHost = runs.get(i).get(runs.get(i).indexOf("-B") + 1);
                    for (Object o : s.getObject("start").getArray("connected")) {
                        assertThat(((JsonObject) o).getString("remote_host")).isEqualTo(clientHost);
                    }
                    // The server's streams are this client's: same ports, same order.
                    List<Object> cc = c.getObject("start").getArray("connected");
                    List<Object> sc = s.getObject("start").getArray("connected");
                    assertThat(sc).hasSameSizeAs(cc);
                    for (int k = 0; k < cc.size(); k++) {
                        assertThat(((JsonObject) sc.get(k)).getLong("remote_port"))
                                .isEqualTo(((JsonObject) cc.get(k)).getLong("local_port"));
                    }
                    UdpInteropTest.assertAgree(runs.get(i), c, s);
                }
            } finally {
                for (Iperf3Process p : clients) {
                    p.close();
                }
            }
        }
    }
}
