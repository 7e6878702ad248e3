package io.iperf3j.internal.udp;

import static io.iperf3j.internal.udp.Peers.l;
import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.internal.engine.ClientTest;
import io.iperf3j.internal.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A receiving UDP stream without {@code -w} asks for a 4 MiB receive buffer (the kernel
 * caps it at {@code net.core.rmem_max} and reports twice what it keeps), a sending one
 * keeps the system's default, and {@code -w} is still exactly what the user asked for.
 * The figures are the kernel's, read back into {@code start.rcvbuf_actual}, on both ends.
 */
@Timeout(60)
class UdpReceiveBufferTest {
    private static final int PORT = 7099;
    private static final int ASKED = 4 * 1024 * 1024;
    private static Peers.OurServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new Peers.OurServer(PORT);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aReceivingClientAsksForTheLargerBufferAndTheSendingServerDoesNot() throws Exception {
        ClientTest.Outcome outcome = Peers.ourClient(PORT, List.of("-u", "-b", "10M", "-t", "1", "-R"));
        assertThat(outcome.error()).isNull();
        assertThat(l(outcome.document().getObject("start"), "rcvbuf_actual")).isEqualTo(enlarged());
        JsonObject serverStart = server.nextDocument().getObject("start");
        assertThat(l(serverStart, "rcvbuf_actual")).as("the sending server").isEqualTo(systemDefault());
    }

    @Test
    void aReceivingServerAsksForTheLargerBufferAndTheSendingClientDoesNot() throws Exception {
        ClientTest.Outcome outcome = Peers.ourClient(PORT, List.of("-u", "-b", "10M", "-t", "1"));
        assertThat(outcome.error()).isNull();
        assertThat(l(outcome.document().getObject("start"), "rcvbuf_actual")).as("the sending client")
                .isEqualTo(systemDefault());
        assertThat(l(server.nextDocument().getObject("start"), "rcvbuf_actual")).isEqualTo(enlarged());
    }

    @Test
    void windowOptionIsKeptAsAsked() throws Exception {
        ClientTest.Outcome outcome = Peers.ourClient(PORT, List.of("-u", "-b", "10M", "-t", "1", "-R", "-w", "300K"));
        assertThat(outcome.error()).isNull();
        JsonObject start = outcome.document().getObject("start");
        assertThat(l(start, "sock_bufsize")).isEqualTo(300 * 1024);
        assertThat(l(start, "rcvbuf_actual")).isEqualTo(Math.min(300 * 1024, sysctl("rmem_max")) * 2);
        server.nextDocument();
    }

    /** What the kernel keeps for a 4 MiB request, as getsockopt reports it (never below the default). */
    private static long enlarged() throws IOException {
        return Math.max(systemDefault(), 2 * Math.min(ASKED, sysctl("rmem_max")));
    }

    private static long systemDefault() throws IOException {
        return sysctl("rmem_default");
    }

    /** One read of the whole file: an integer sysctl answers a read at a later offset with EOF. */
    private static long sysctl(String name) throws IOException {
        return Long.parseLong(Files.readAllLines(Path.of("/proc/sys/net/core/" + name)).get(0).strip());
    }
}
