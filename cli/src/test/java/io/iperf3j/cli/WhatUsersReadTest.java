package io.iperf3j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iperf3j.testing.Iperf3Binary;
import io.iperf3j.testing.Iperf3Process;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a user reads from {@code iperf3j} run as a process, held to real iperf3 3.21 where it has the
 * same words (issue 38): the {@code -v} feature line, the error of a UDP client whose server's
 * UDP port is gone during the set-up, and {@code link -c}'s errors, in text and {@code -J}.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class WhatUsersReadTest {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Item 7: {@code -v}'s feature line is 3.21's, word for word and in its order (3.21 here has no SCTP). */
    @Tag("peer")
    @Test
    void versionListsTheFeaturesThatWorkIn321sWords() {
        Iperf3Binary.V3_21.requireThis();
        String ours;
        String theirs;
        try (Iperf3Process j = CommandProcess.start(List.of("-v"));
             Iperf3Process c = Iperf3Process.iperf3(Iperf3Binary.V3_21, List.of("-v"))) {
            assertThat(j.waitFor(LIMIT)).as(j.stderr()).isZero();
            assertThat(c.waitFor(LIMIT)).as(c.stderr()).isZero();
            ours = featureLine(j.stdout());
            theirs = featureLine(c.stdout());
        }
        assertThat(theirs).as("3.21's own line").doesNotContain("SCTP").contains("GSO/GRO support");
        assertThat(ours).isEqualTo(theirs);
    }

    private static String featureLine(String text) {
        return text.lines().filter(l -> l.startsWith("Optional features available: ")).findFirst()
                .orElseThrow(() -> new AssertionError("no feature line in: " + text));
    }

    /**
     * Item 5: a UDP client whose server answers the parameter exchange and CREATE_STREAMS but has no UDP
     * port (its server died, here a control-only peer): the ICMP port-unreachable ends the set-up with
     * 3.21's words, "unable to read from stream socket: Connection refused", not a Java class name.
     */
    @Tag("peer")
    @Test
    void udpSetupAgainstAPortThatIsGoneSaysConnectionRefusedAs321Does() throws Exception {
        Iperf3Binary.V3_21.requireThis();
        String ours = udpClientError(port -> CommandProcess.start(List.of("-c", "127.0.0.1", "-p", port, "-u", "-t", "1")));
        String theirs = udpClientError(port -> Iperf3Process.iperf3(Iperf3Binary.V3_21,
                List.of("-c", "127.0.0.1", "-p", port, "-u", "-t", "1")));
        assertThat(theirs).isEqualTo("iperf3: error - unable to read from stream socket: Connection refused");
        assertThat(ours).isEqualTo("iperf3j: error - unable to read from stream socket: Connection refused");
    }

    /** Runs a client against a control-only peer on a free port (no UDP socket there); returns its error line. */
    private static String udpClientError(java.util.function.Function<String, Iperf3Process> client) throws Exception {
        try (ServerSocket control = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
            control.setSoTimeout((int) LIMIT.toMillis());
            List<Throwable> peerFailure = new ArrayList<>();
            Thread peer = Thread.ofVirtual().start(() -> {
                try {
                    controlOnly(control);
                } catch (IOException | RuntimeException e) {
                    synchronized (peerFailure) {
                        peerFailure.add(e);
                    }
                }
            });
            try (Iperf3Process c = client.apply(Integer.toString(control.getLocalPort()))) {
                assertThat(c.waitFor(LIMIT)).as("exit status; %s%s", c.stdout(), c.stderr()).isOne();
                peer.join(LIMIT.toMillis());
                synchronized (peerFailure) {
                    assertThat(peerFailure).as("the peer's side").isEmpty();
                }
                return (c.stdout() + c.stderr()).lines().filter(l -> l.contains("error")).findFirst()
                        .orElseThrow(() -> new AssertionError("no error line: " + c.stdout() + c.stderr()));
            }
        }
    }

    /**
     * iperf3's control protocol up to CREATE_STREAMS, then nothing: reads the 37-byte cookie, sends
     * PARAM_EXCHANGE (9), reads the length-prefixed parameters, sends CREATE_STREAMS (10), and holds the
     * connection until the client closes it.
     */
    private static void controlOnly(ServerSocket control) throws IOException {
        try (Socket s = control.accept()) {
            s.setSoTimeout((int) LIMIT.toMillis());
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            in.readFully(new byte[37]);
            out.write(9);
            out.flush();
            int length = in.readInt();
            assertThat(length).isBetween(1, 1 << 20);
            in.readFully(new byte[length]);
            out.write(10);
            out.flush();
            in.transferTo(OutputStream.nullOutputStream());
        }
    }

    /**
     * Item 8: {@code link -c} towards a UDP port nobody holds ends on the ICMP port-unreachable with
     * "Connection refused" (it waited the whole 10 s connect timeout and said "Connection timed out"),
     * and with {@code -J} its error is a JSON document on stdout, nothing on stderr.
     */
    @Test
    void linkToAClosedPortIsRefusedAndItsJsonErrorIsADocument() throws Exception {
        int port;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            port = s.getLocalPort(); // free again once closed: no one answers there
        }
        String p = Integer.toString(port);
        try (Iperf3Process text = CommandProcess.start(List.of("link", "-c", "127.0.0.1", "-p", p, "-t", "1"));
             Iperf3Process json = CommandProcess.start(List.of("link", "-c", "127.0.0.1", "-p", p, "-t", "1", "-J"))) {
            assertThat(text.waitFor(LIMIT)).as(text.stderr()).isOne();
            assertThat(text.stderr()).isEqualTo("iperf3j link: error - cannot connect to 127.0.0.1:" + p
                    + ": Connection refused\n");
            assertThat(text.stdout()).isEmpty();

            assertThat(json.waitFor(LIMIT)).as(json.stderr()).isOne();
            assertThat(json.stderr()).isEmpty();
            JsonNode doc = JSON.readTree(json.stdout());
            assertThat(doc.path("error").asText()).isEqualTo("cannot connect to 127.0.0.1:" + p + ": Connection refused");
            assertThat(doc.path("start").path("host").asText()).isEqualTo("127.0.0.1");
            assertThat(doc.path("start").path("port").asInt()).isEqualTo(port);
            assertThat(doc.path("intervals").isArray()).isTrue();
            assertThat(doc.path("intervals")).isEmpty();
            assertThat(doc.path("end").isObject()).isTrue();
        }
    }

    /** Item 8: a refused {@code link} line that asks for {@code -J} is a JSON document too, as the main line's. */
    @Test
    void linkRefusedLineWithJsonIsADocument() throws Exception {
        try (Iperf3Process j = CommandProcess.start(List.of("link", "-c", "127.0.0.1", "-J", "--no-such-flag"))) {
            assertThat(j.waitFor(LIMIT)).as(j.stderr()).isOne();
            assertThat(j.stderr()).isEmpty();
            JsonNode doc = JSON.readTree(j.stdout());
            assertThat(doc.path("error").asText()).contains("--no-such-flag");
            assertThat(doc.path("end").isObject()).isTrue();
        }
    }
}
