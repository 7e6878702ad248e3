package io.iperf3j.server;

import io.iperf3j.internal.engine.ClientTest;
import io.iperf3j.internal.engine.server.ServerLimits;
import io.iperf3j.internal.protocol.Cookie;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static io.iperf3j.testing.Async.async;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Malformed and hostile control input, one iperf3 CVE class at a time, against one
 * iperf3j server: each case gets iperf3's error handling for it (SERVER_ERROR with
 * iperf3's error number, as iperf3 3.21 sends it, then the close), ends only its own
 * test, promptly, and the server serves a normal test afterwards.
 *
 * <ul>
 * <li>CVE-2023-38403 (JSON length 0xFFFFFFFF overflowed {@code malloc(n + 1)}):
 *     lengths above the 8 KiB cap, however large or "negative", are refused at
 *     once, before a body byte is read.</li>
 * <li>CVE-2023-7250 (fewer bytes than announced hung the server): the test ends
 *     when the client closes, or at the setup bound when it just stops.</li>
 * <li>CVE-2016-4303 (malformed JSON corrupted the heap): invalid JSON, wrong
 *     top-level types, deep nesting, bad UTF-8, huge numbers.</li>
 * <li>CVE-2024-53580 (parameters of the wrong JSON type crashed the server):
 *     wrong types and out-of-range values are refused with iperf3's code.</li>
 * <li>Unknown or out-of-turn state bytes, and connections with a wrong or
 *     surplus cookie.</li>
 * <li>UDP datagrams too short to be a connect message or a data header.</li>
 * </ul>
 *
 * Bad authentication tokens (CVE-2025-54350) are in {@link AuthHostileTest}.
 */
@Timeout(60)
class HostileInputTest {
    private static final String VALID = "{\"tcp\":true,\"omit\":0,\"time\":1,\"num\":0,\"blockcount\":0,\"parallel\":1,"
            + "\"len\":131072,\"pacing_timer\":1000,\"client_version\":\"3.12\"}";
    private static final int RECV_PARAMS = 114;
    private static final int NO_MSG = 144;
    private static final int MESSAGE = 110;
    /**
     * How long a refused peer waits for the server's answer and close: a deadline, not a
     * measurement. That the answer did not wait for a bound is in what it says: the error
     * code (an idle timeout's is {@code NO_MSG}) and the log's reason, which every case checks.
     */
    private static final int ANSWER_DEADLINE_MS = 10_000;

    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer(TestServer.quick());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void onlyThatTestEnded() throws Exception {
        server.awaitIdle(Duration.ofSeconds(3));
    }

    // ------------------------------------------------------------ CVE-2023-38403: length prefixes

    @ParameterizedTest(name = "length 0x{0}")
    @ValueSource(strings = {"FFFFFFFF", "80000000", "7FFFFFFF", "00002001", "00100000", "00000000"})
    void lengthPrefixAboveTheCapOrZeroIsRefusedAtOnce(String hex) throws Exception {
        try (RawPeer p = RawPeer.atParameters(server.port())) {
            p.writeInt((int) Long.parseLong(hex, 16));
            p.expectServerErrorThenClose(RECV_PARAMS, ANSWER_DEADLINE_MS); // RECV_PARAMS: refused, not timed out
        }
        server.awaitLogLine(Duration.ofSeconds(2), "result=cut", "unable to receive parameters from client");
    }

    @Test
    void parametersOfExactlyTheCapAreAccepted() throws Exception {
        StringBuilder json = new StringBuilder(VALID.substring(0, VALID.length() - 1)).append(",\"extra_data\":\"");
        int padding = 8192 - json.length() - 2;
        json.append("x".repeat(padding)).append("\"}");
        assertThat(json.toString().getBytes(StandardCharsets.UTF_8)).hasSize(8192);
        try (RawPeer p = RawPeer.atParameters(server.port())) {
            p.writeJson(json.toString());
            assertThat(p.readByte(2000)).as("CREATE_STREAMS").isEqualTo(RawPeer.CREATE_STREAMS);
        }
    }

    // ------------------------------------------------------------ CVE-2023-7250: short reads

    @Test
    void fewerBytesThanAnnouncedThenCloseEndsTheTestAtOnce() throws Exception {
        try (RawPeer p = RawPeer.atParameters(server.port())) {
            p.writeInt(100).write(VALID.substring(0, 10).getBytes(StandardCharsets.UTF_8));
            p.socket.shutdownOutput();
            assertThat(p.readToEof(ANSWER_DEADLINE_MS)).isEmpty();
        }
        server.awaitLogLine(Duration.ofSeconds(2), "result=cut", "the client has unexpectedly closed the connection");
    }

    @Test
    void fewerBytesThanAnnouncedThenSilenceEndsAtTheSetupBound() throws Exception {
        try (RawPeer p = RawPeer.atParameters(server.port())) {
            long t0 = System.nanoTime();
            p.writeInt(100).write(VALID.substring(0, 10).getBytes(StandardCharsets.UTF_8));
            p.expectServerErrorThenClose(NO_MSG, 3000);
            assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(500L, 2000L);
        }
    }

    // ------------------------------------------------------------ CVE-2016-4303: malformed JSON

    static Stream<String> malformedJson() {
        return Stream.of(
                "{\"tcp\":true,",                  // truncated
                "{\"tcp\":true}}",                 // trailing garbage
                "[1,2,3]",                         // not an object
                "\"tcp\"",
                "null",
                "{tcp:true}",                      // unquoted key
                "{\"time\":1e999999}",             // out of double range
                "{\"time\":" + "9".repeat(200) + "}", // absurdly long number
                "[".repeat(3000),                  // deep nesting
                "{\"a\":" + "{\"a\":".repeat(100) + "1" + "}".repeat(101),
                "{\"title\":\"\\u00\"}",           // broken escape
                "\u0000\u0000\u0000\u0000");
    }

    @ParameterizedTest
    @MethodSource("malformedJson")
    void malformedJsonIsRefused(String body) throws Exception {
        try (RawPeer p = RawPeer.atParameters(server.port())) {
            p.writeJson(body);
            p.expectServerErrorThenClose(RECV_PARAMS, ANSWER_DEADLINE_MS);
        }
    }

    /**
     * Odd but harmless: cJSON too takes the first of duplicate keys, a lone surrogate
     * is just text, and null counts as absent (the fuzzer found a NullPointerException
     * for a null {@code zerocopy}).
     */
    @ParameterizedTest
    @ValueSource(strings = {"{\"tcp\":true,\"parallel\":1,\"parallel\":\"x\",\"time\":1}",
            "{\"tcp\":true,\"time\":1,\"title\":\"\\ud800\"}",
            "{\"tcp\":true,\"time\":1,\"zerocopy\":null,\"dont_fragment\":null,\"parallel\":null}"})
    void oddButValidJsonIsAccepted(String body) throws Exception {
        try (RawPeer p = RawPeer.atParameters(server.port())) {
            p.writeJson(body);
            assertThat(p.readByte(2000)).as("CREATE_STREAMS").isEqualTo(RawPeer.CREATE_STREAMS);
        }
    }

    @Test
    void invalidUtf8IsRefused() throws Exception {
        byte[] body = "{\"title\":\"\u00ff\u00fe\"}".getBytes(StandardCharsets.ISO_8859_1);
        try (RawPeer p = RawPeer.atParameters(server.port())) {
            p.writeInt(body.length).write(body);
            p.expectServerErrorThenClose(RECV_PARAMS, ANSWER_DEADLINE_MS);
        }
    }

    // ------------------------------------------------------------ CVE-2024-53580: types and ranges

    static Stream<Arguments> badParameters() {
        return Stream.of(
                Arguments.of("\"parallel\":\"4\"", RECV_PARAMS),
                Arguments.of("\"time\":[]", RECV_PARAMS),
                Arguments.of("\"len\":{}", RECV_PARAMS),
                Arguments.of("\"time\":1.5", RECV_PARAMS),
                Arguments.of("\"tcp\":1", RECV_PARAMS),
                Arguments.of("\"reverse\":\"yes\"", RECV_PARAMS),
                Arguments.of("\"nodelay\":false", RECV_PARAMS),
                Arguments.of("\"title\":5", RECV_PARAMS),
                Arguments.of("\"authtoken\":{}", RECV_PARAMS),
                Arguments.of("\"get_server_output\":\"1\"", RECV_PARAMS),
                Arguments.of("\"bandwidth\":-1", RECV_PARAMS),
                Arguments.of("\"num\":-1", RECV_PARAMS),
                Arguments.of("\"pacing_timer\":-1", RECV_PARAMS),
                Arguments.of("\"parallel\":-1", 6),
                Arguments.of("\"parallel\":0", 6),
                Arguments.of("\"parallel\":129", 6),
                Arguments.of("\"parallel\":18446744073709551615", 6),  // 3.12's -1
                Arguments.of("\"len\":1048577", 7),
                Arguments.of("\"len\":-1", 7),
                Arguments.of("\"time\":-5", 5),
                Arguments.of("\"time\":86401", 5),
                Arguments.of("\"omit\":601", 12),
                Arguments.of("\"window\":-1", 8),
                Arguments.of("\"MSS\":99999", 10),
                Arguments.of("\"burst\":1001", 15),
                Arguments.of("\"TOS\":256", 21),
                Arguments.of("\"reverse\":true,\"bidirectional\":true", 25),
                Arguments.of("\"sctp\":true", 18));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("badParameters")
    void wrongTypesAndRangesAreRefusedWithIperf3sCode(String member, int code) throws Exception {
        String body = withMember(member);
        try (RawPeer p = RawPeer.atParameters(server.port())) {
            p.writeJson(body);
            p.expectServerErrorThenClose(code, ANSWER_DEADLINE_MS);
        }
        server.awaitLogLine(Duration.ofSeconds(2), "result=refused");
    }

    /** The valid parameters with one member replaced (or added): duplicate keys would leave the first in force. */
    private static String withMember(String member) {
        StringBuilder sb = new StringBuilder("{");
        for (String m : VALID.substring(1, VALID.length() - 1).split(",")) {
            String key = m.substring(0, m.indexOf(':'));
            if (!member.contains(key + ":")) {
                sb.append(m).append(',');
            }
        }
        return sb.append(member).append('}').toString();
    }

    @Test
    void udpLengthAboveTheDatagramLimitIsRefused() throws Exception {
        String body = VALID.replace("\"tcp\":true", "\"udp\":true").replace("131072", "70000");
        try (RawPeer p = RawPeer.atParameters(server.port())) {
            p.writeJson(body);
            p.expectServerErrorThenClose(20, ANSWER_DEADLINE_MS);
        }
    }

    /** Bug 2 of docs/design/server-session-split.md: one SERVER_ERROR with the errno, not two, and result=refused. */
    @Test
    void aTakenUdpPortIsOneServerErrorThenClose() throws Exception {
        String body = VALID.replace("\"tcp\":true", "\"udp\":true").replace("131072", "1460");
        try (java.nio.channels.DatagramChannel holder = java.nio.channels.DatagramChannel.open()) {
            holder.bind(new java.net.InetSocketAddress(server.port())); // no SO_REUSEADDR: the server cannot bind
            try (RawPeer p = RawPeer.atParameters(server.port())) {
                p.writeJson(body);
                byte[] answer = p.readToEof(2000);
                java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(answer);
                assertThat(answer).as("one SERVER_ERROR frame (byte, code, errno), then the close: %s",
                        java.util.Arrays.toString(answer)).hasSize(9);
                assertThat(b.get()).isEqualTo(RawPeer.SERVER_ERROR);
                assertThat(b.getInt()).as("IESTREAMLISTEN").isEqualTo(202);
                assertThat(b.getInt()).as("errno (EADDRINUSE)").isPositive();
            }
        }
        assertThat(server.awaitLogLine(java.time.Duration.ofSeconds(5), "event=end", "proto=UDP",
                "unable to start stream listener")).contains("result=refused");
    }

    // ------------------------------------------------------------ state bytes

    @ParameterizedTest(name = "state byte {0}")
    @ValueSource(ints = {0x42, 3, 9, 13, -3, 0})
    void unknownOrOutOfTurnStateBytesDuringSetupEndTheTest(int state) throws Exception {
        try (RawPeer p = RawPeer.atParameters(server.port())) {
            p.writeJson(VALID);
            assertThat(p.readByte(2000)).isEqualTo(RawPeer.CREATE_STREAMS);
            p.write(new byte[] {(byte) state});
            p.expectServerErrorThenClose(MESSAGE, ANSWER_DEADLINE_MS);
        }
    }

    @Test
    void unknownStateByteDuringTheTestEndsItAndASurplusStreamIsDenied() throws Exception {
        try (RawPeer p = RawPeer.atParameters(server.port())) {
            p.writeJson(VALID.replace("\"time\":1", "\"time\":30"));
            assertThat(p.readByte(2000)).isEqualTo(RawPeer.CREATE_STREAMS);
            try (RawPeer stream = new RawPeer(server.port(), p.cookie)) {
                stream.write(p.cookie.wireBytes());
                assertThat(p.readByte(2000)).as("TEST_START").isEqualTo(RawPeer.TEST_START);
                assertThat(p.readByte(2000)).as("TEST_RUNNING").isEqualTo(RawPeer.TEST_RUNNING);
                stream.write(new byte[64 * 1024]);
                // A second stream with the same cookie: the test has all its streams.
                try (RawPeer surplus = new RawPeer(server.port(), p.cookie)) {
                    surplus.write(p.cookie.wireBytes());
                    assertThat(surplus.readToEof(2000)).containsExactly(RawPeer.ACCESS_DENIED);
                }
                p.write(new byte[] {0x42});
                // Once running, failures close the connection as iperf3 3.12 does.
                assertThat(p.readToEof(ANSWER_DEADLINE_MS)).isEmpty();
                assertThat(stream.readToEof(ANSWER_DEADLINE_MS)).isEmpty();
            }
        }
        server.awaitLogLine(Duration.ofSeconds(2), "result=cut", "received an unknown control message");
    }

    // ------------------------------------------------------------ wrong cookies

    @Test
    void garbageCookiesAndSilentConnectionsCostOnlyThemselvesWhileATestRuns() throws Exception {
        // A server of its own with the default bounds: the running test is a real client, whose
        // setup on a loaded machine can outlast the shared server's 600 ms bound (seen at load ~25),
        // and this case is about what garbage costs a running test, not about slow clients.
        try (TestServer own = new TestServer(ServerLimits.DEFAULTS)) {
            CompletableFuture<ClientTest.Outcome> running = async(() -> own.ourClient("-t", "2", "-P", "2"));
            Thread.sleep(300); // staging only: the garbage must cost the test nothing whether it runs yet or not
            for (int i = 0; i < 20; i++) {
                byte[] garbage = new byte[Cookie.SIZE];
                java.util.concurrent.ThreadLocalRandom.current().nextBytes(garbage);
                try (RawPeer p = new RawPeer(own.port(), null)) {
                    p.write(garbage);
                    // Not a waiting test's cookie: a new test, which the garbage that follows ends.
                    assertThat(p.readByte(ANSWER_DEADLINE_MS)).isEqualTo(RawPeer.PARAM_EXCHANGE);
                    p.write(garbage);
                    assertThat(p.readToEof(ANSWER_DEADLINE_MS)).startsWith(RawPeer.SERVER_ERROR);
                }
            }
            ClientTest.Outcome o = running.get();
            assertThat(o.error()).as("the running test; log:\n%s", own.log()).isNull();
        }
    }

    // ------------------------------------------------------------ UDP

    /**
     * On a server of its own with the default bounds: this case is about the UDP acceptor, not
     * about slow clients, and a UDP client's setup is not fast. Between CREATE_STREAMS and its
     * first connect message it warms up its datagram code once per JVM, which took 1.3 s on a
     * loaded machine (load ~12 on 2 cores); the shared server's 600 ms setup bound then ended
     * the test and closed the UDP port, and the client's connect message met ICMP port
     * unreachable (PortUnreachableException), or its cookie missed the 300 ms cookie bound.
     * The datagrams flow from before the client starts until its test has ended, so they
     * overlap its stream setup however long that takes.
     */
    @Test
    void shortUdpDatagramsDoNotDisturbAUdpTest() throws Exception {
        try (TestServer own = new TestServer(ServerLimits.DEFAULTS);
             DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.2", 0))) {
            // From another address: a 4-byte datagram from the client's own address during stream setup would
            // be taken for its connect message (nothing on the wire tells them apart, as in iperf3).
            InetSocketAddress to = new InetSocketAddress("127.0.0.1", own.port());
            int n = 0;
            CompletableFuture<ClientTest.Outcome> running = null;
            while (running == null || !running.isDone()) {
                int size = n++ % 17; // 0..16: every size below a data header, and the connect size
                s.send(new DatagramPacket(new byte[size], size, to));
                if (n == 17) { // one of each size first, then the client starts
                    running = async(() -> own.ourClient("-u", "-b", "20M", "-t", "2", "-P", "2"));
                }
                // at most ~2 000 a second: this tests that they are ignored, not the server's speed. Unpaced (50 a
                // millisecond) they filled the listener's receive buffer (~270 of them) whenever the server's thread
                // was off its CPU for 5 ms on a busy machine, and the kernel then dropped the client's one connect
                // datagram: a 30 s "no answer" (quick tier, 2 modules at once). iperf3 sends it once too.
                if (n % 2 == 0) {
                    Thread.sleep(1);
                }
            }
            ClientTest.Outcome o = running.get();
            assertThat(o.error()).as("UDP test under short datagrams; log:\n%s", own.log()).isNull();
            own.assertStillServes();
            ClientTest.Outcome udp = own.ourClient("-u", "-b", "10M", "-t", "1");
            assertThat(udp.error()).as("log:\n%s", own.log()).isNull();
        }
    }

    @Test
    void theServerStillServes() {
        server.assertStillServes();
    }
}
