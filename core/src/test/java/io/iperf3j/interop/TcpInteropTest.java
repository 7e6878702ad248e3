package io.iperf3j.interop;

import static io.iperf3j.testing.JsonPaths.arrayAt;
import static io.iperf3j.testing.JsonPaths.at;
import static io.iperf3j.testing.JsonPaths.longAt;
import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.internal.json.JsonObject;
import io.iperf3j.testing.InteropTable;
import io.iperf3j.testing.Iperf3Binary;
import io.iperf3j.testing.PeerRun.Peer;
import io.iperf3j.testing.PeerRun.Result;
import io.iperf3j.testing.PeerRun.Scenario;
import io.iperf3j.testing.PeerRun.Side;
import io.iperf3j.testing.PeerRun;
import io.iperf3j.testing.Scenarios;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 2, "interop both ways": iperf3j's client against {@code iperf3 -s -1} and
 * {@code iperf3 -c} against iperf3j's server, over loopback, for every TCP mode. Each
 * case checks that the test succeeds on both sides (exit status 0, no {@code error} in
 * the JSON, nothing on stderr, nothing hung) and that the two sides agree on the bytes
 * moved, using the figures each side can actually know:
 *
 * <ul>
 * <li>client→server data: the server's own {@code sum_received} must equal the client's
 *     {@code sum_received} (the client learns it in the results exchange), per stream as
 *     well; the client's {@code sum_sent} is at least that (bytes still in flight at
 *     TEST_END are never read);</li>
 * <li>server→client data: the server's own {@code sum_sent} must equal the client's
 *     {@code sum_sent}; the client received at most that;</li>
 * <li>a server prints its JSON before it gets the client's results (output doc 6.5),
 *     so it cannot know the other direction: those fields are not compared;</li>
 * <li>{@code -n}/{@code -k}: the sender's count is exact (whole 128 KiB blocks);
 *     with {@code -R -n} the client reads until it has n bytes and the server sends no
 *     more, so the received count is exact too; with {@code -R -k} the client counts
 *     reads, not blocks (3.12's {@code blocks_received}), so it may stop the server
 *     early: the sender's count is a whole number of blocks, at most k.</li>
 * </ul>
 * The outcome of every case goes into {@code target/interop-table.md}.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
// Cases mostly wait on test time: two run at a time (junit-platform.properties), and no
// other test class runs meanwhile (@Isolated), so CPU-sensitive tests elsewhere are not disturbed.
@Tag("peer")
@Isolated
@Execution(ExecutionMode.CONCURRENT)
class TcpInteropTest {
    private static final long BLOCK = 128 * 1024;

    enum Direction {
        OUR_CLIENT(Peer.IPERF3J, Peer.IPERF3, "iperf3j -c → iperf3 -s"),
        OUR_SERVER(Peer.IPERF3, Peer.IPERF3J, "iperf3 -c → iperf3j -s");

        final Peer client;
        final Peer server;
        final String label;

        Direction(Peer client, Peer server, String label) {
            this.client = client;
            this.server = server;
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    static final List<Scenario> MODES = List.of(Scenarios.DEFAULT, Scenarios.REVERSE, Scenarios.BIDIR,
            Scenarios.PARALLEL_4, Scenarios.BYTES, Scenarios.REVERSE_BYTES, Scenarios.BLOCKS, Scenarios.REVERSE_BLOCKS,
            Scenarios.OMIT, Scenarios.ZEROCOPY, Scenarios.SERVER_OUTPUT_JSON, Scenarios.TITLE_EXTRA, Scenarios.IPV6);

    @BeforeAll
    static void realIperf3IsInstalled() {
        Iperf3Binary.require();
    }

    @AfterAll
    static void writeTable() {
        InteropTable.write();
    }

    static Stream<Arguments> jsonModes() {
        List<Arguments> l = new ArrayList<>();
        for (Scenario s : MODES) {
            for (Direction d : Direction.values()) {
                l.add(Arguments.of(s, d));
            }
        }
        return l.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("jsonModes")
    void bothSidesSucceedAndAgreeOnBytes(Scenario scenario, Direction direction) {
        Result r = PeerRun.cached(direction.client, direction.server, scenario);
        SoftAssertions soft = new SoftAssertions();
        String note = "";
        try {
            assertSucceeded(soft, r);
            JsonObject c = r.client().json();
            JsonObject s = r.server().json();
            soft.assertThat(c).as("client JSON document\n%s", r.describe()).isNotNull();
            soft.assertThat(s).as("server JSON document\n%s", r.describe()).isNotNull();
            if (c != null && s != null) {
                note = checkBytes(soft, scenario, c, s, r);
            }
        } finally {
            boolean passed = soft.errorsCollected().isEmpty();
            InteropTable.add(new InteropTable.Row(MODES.indexOf(scenario), scenario.name(), direction.label, passed,
                    bytes(r.client().json()), bytes(r.server().json()),
                    passed ? note : firstLine(soft.errorsCollected().getFirst().getMessage())));
        }
        soft.assertAll();
    }

    /**
     * Text mode on both sides: the run succeeds, the client ends with {@code iperf Done.},
     * and the client's {@code receiver} summary line shows the same transfer as the server's.
     */
    @ParameterizedTest(name = "text: {0}")
    @MethodSource("directions")
    void textModeSucceedsAndBothSidesShowTheSameReceivedTransfer(Direction direction) {
        Scenario scenario = Scenarios.TEXT;
        Result r = PeerRun.cached(direction.client, direction.server, scenario);
        SoftAssertions soft = new SoftAssertions();
        String clientRecv = "?";
        String serverRecv = "?";
        try {
            assertSucceeded(soft, r);
            soft.assertThat(r.client().stdout()).as("client text ends as iperf3's\n%s", r.describe())
                    .endsWith("\niperf Done.\n");
            clientRecv = summaryTransfer(r.client().stdout(), "receiver");
            serverRecv = summaryTransfer(r.server().stdout(), "receiver");
            soft.assertThat(clientRecv).as("client's receiver line\n%s", r.describe()).isNotNull();
            soft.assertThat(clientRecv).as("client and server receiver transfer\n%s", r.describe())
                    .isEqualTo(serverRecv);
            String clientSent = summaryTransfer(r.client().stdout(), "sender");
            soft.assertThat(clientSent).as("client's sender line\n%s", r.describe()).isNotNull();
        } finally {
            boolean passed = soft.errorsCollected().isEmpty();
            InteropTable.add(new InteropTable.Row(MODES.size(), "text (no -J)", direction.label, passed,
                    "receiver line: " + clientRecv, "receiver line: " + serverRecv,
                    passed ? "" : firstLine(soft.errorsCollected().getFirst().getMessage())));
        }
        soft.assertAll();
    }

    /**
     * {@code -R -n}/{@code -R -k} end only when the receiving client has counted enough
     * (bytes, or reads). A receiver that drops the first bytes it reads, before it has
     * processed TEST_RUNNING, never gets there and the test hangs; the window is short,
     * so the case is repeated. Each run is bounded: 8 s for a transfer of well under 1 s.
     */
    @RepeatedTest(value = 8, name = "reverse limited test ends, run {currentRepetition}")
    void reverseLimitedTestAlwaysEnds(RepetitionInfo info) {
        boolean blocks = info.getCurrentRepetition() % 2 == 0;
        Scenario sc = blocks ? Scenario.of("-R -k 300 (repeat)", "-R -k 300 -J", "-J")
                : Scenario.of("-R -n 20M (repeat)", "-R -n 20M -J", "-J");
        Result r = PeerRun.run(Peer.IPERF3J, Peer.IPERF3, sc, Duration.ofSeconds(8));
        assertThat(r.client().hung()).as("iperf3j client -R %s hung\n%s", blocks ? "-k" : "-n", r.describe())
                .isFalse();
        assertThat(r.client().exitCode()).as(r.describe()).isZero();
        if (!blocks) {
            assertThat(longAt(r.client().json(), "end.sum_received.bytes")).as(r.describe()).isEqualTo(20L << 20);
        }
    }

    /**
     * With {@code --bidir} the server must give each data connection the direction the
     * client gave it, in connect order: the first {@code -P} connections carry
     * client-to-server data. If it mixes them up, both ends write on one connection,
     * neither reads, and the test moves a few MB in total. Repeated, because which
     * connection the server sees first is a matter of timing.
     */
    @RepeatedTest(value = 4, name = "iperf3 -c --bidir -> iperf3j -s, run {currentRepetition}")
    void bidirStreamsKeepTheirDirectionOnOurServer() {
        Scenario sc = Scenario.of("--bidir (repeat)", "-t 1 --bidir -J", "-J");
        Result r = PeerRun.run(Peer.IPERF3, Peer.IPERF3J, sc);
        JsonObject c = r.client().json();
        assertThat(c).as(r.describe()).isNotNull();
        // 1 s on loopback moves GBytes; a deadlocked pair moves a few MB before the buffers fill
        assertThat(longAt(c, "end.sum_received.bytes")).as("client->server bytes\n%s", r.describe())
                .isGreaterThan(64L << 20);
        assertThat(longAt(c, "end.sum_received_bidir_reverse.bytes")).as("server->client bytes\n%s", r.describe())
                .isGreaterThan(64L << 20);
    }

    static Stream<Direction> directions() {
        return Stream.of(Direction.values());
    }

    // ------------------------------------------------------------ checks

    private static void assertSucceeded(SoftAssertions soft, Result r) {
        for (Side side : List.of(r.client(), r.server())) {
            soft.assertThat(side.hung()).as("%s %s finished in time\n%s", side.peer().label, side.role(), r.describe())
                    .isFalse();
            soft.assertThat(side.exitCode()).as("%s %s exit status\n%s", side.peer().label, side.role(), r.describe())
                    .isZero();
            soft.assertThat(side.stderr()).as("%s %s stderr\n%s", side.peer().label, side.role(), r.describe())
                    .isEmpty();
            if (side.json() != null) {
                soft.assertThat(side.json().has("error")).as("%s %s JSON has an error: %s\n%s", side.peer().label,
                        side.role(), side.json().get("error"), r.describe()).isFalse();
            }
        }
    }

    /** The byte checks of the class description; returns a short note for the table. */
    private static String checkBytes(SoftAssertions soft, Scenario sc, JsonObject c, JsonObject s, Result r) {
        boolean reverse = sc.has("-R");
        boolean bidir = sc.has("--bidir");
        String ctx = r.describe();
        String note = "";
        if (!reverse) {
            // client -> server: the server's own receive count, reported to the client in the results
            long serverReceived = longAt(s, "end.sum_received.bytes");
            soft.assertThat(serverReceived).as("server received something\n%s", ctx).isPositive();
            soft.assertThat(longAt(c, "end.sum_received.bytes")).as("client's sum_received = server's own\n%s", ctx)
                    .isEqualTo(serverReceived);
            if (!sc.has("-O")) {
                // (with -O each side ends its omit period on its own clock, so the sums start at different bytes)
                soft.assertThat(longAt(c, "end.sum_sent.bytes")).as("client sent at least what the server got\n%s", ctx)
                        .isGreaterThanOrEqualTo(serverReceived);
            }
            soft.assertThat(streamBytes(c, "receiver", true)).as("per-stream received, client vs server\n%s", ctx)
                    .isEqualTo(streamBytes(s, "receiver", false));
        }
        if (reverse || bidir) {
            String suffix = bidir ? "_bidir_reverse" : "";
            long serverSent = longAt(s, "end.sum_sent" + suffix + ".bytes");
            soft.assertThat(serverSent).as("server sent something\n%s", ctx).isPositive();
            soft.assertThat(longAt(c, "end.sum_sent" + suffix + ".bytes")).as("client's sum_sent%s = server's own\n%s",
                    suffix, ctx).isEqualTo(serverSent);
            if (!sc.has("-O")) {
                soft.assertThat(longAt(c, "end.sum_received" + suffix + ".bytes"))
                        .as("client received at most what the server sent\n%s", ctx).isBetween(1L, serverSent);
            }
        }
        String n = sc.value("-n");
        String k = sc.value("-k");
        if (n != null || k != null) {
            long limit = n != null ? 50L * 1024 * 1024 : Long.parseLong(k) * BLOCK;
            soft.assertThat(n == null || n.equals("50M")).as("scenario limit is known").isTrue();
            String field = n != null ? "bytes" : "blocks";
            long expectedParam = n != null ? limit : Long.parseLong(k);
            soft.assertThat(longAt(c, "start.test_start." + field)).as("client test_start.%s\n%s", field, ctx)
                    .isEqualTo(expectedParam);
            soft.assertThat(longAt(s, "start.test_start." + field)).as("server test_start.%s\n%s", field, ctx)
                    .isEqualTo(expectedParam);
            if (!reverse) {
                soft.assertThat(longAt(c, "end.sum_sent.bytes")).as("client (sender) sent exactly the limit\n%s", ctx)
                        .isEqualTo(limit);
                soft.assertThat(longAt(c, "end.streams[0].sender.bytes")).as("stream sender bytes\n%s", ctx)
                        .isEqualTo(limit);
                note = "sender exact: " + limit;
            } else if (n != null) {
                soft.assertThat(longAt(s, "end.sum_sent.bytes")).as("server (sender) sent exactly -n\n%s", ctx)
                        .isEqualTo(limit);
                soft.assertThat(longAt(c, "end.sum_sent.bytes")).as("client's view of the server's sent bytes\n%s", ctx)
                        .isEqualTo(limit);
                soft.assertThat(longAt(c, "end.sum_received.bytes"))
                        .as("client read until it had -n bytes: received exactly -n\n%s", ctx).isEqualTo(limit);
                note = "sender and receiver exact: " + limit;
            } else {
                long sent = longAt(s, "end.sum_sent.bytes");
                soft.assertThat(sent % BLOCK).as("server sent whole blocks\n%s", ctx).isZero();
                soft.assertThat(sent).as("server sent at most -k blocks\n%s", ctx).isBetween(BLOCK, limit);
                note = "client stops after k reads (3.12 counts reads): sender " + sent / BLOCK + " blocks";
            }
        }
        if (sc.has("-P")) {
            int p = Integer.parseInt(sc.value("-P"));
            soft.assertThat(arrayAt(c, "end.streams")).as("client streams\n%s", ctx).hasSize(p);
            soft.assertThat(arrayAt(s, "end.streams")).as("server streams\n%s", ctx).hasSize(p);
            soft.assertThat(arrayAt(c, "start.connected")).as("client connections\n%s", ctx).hasSize(p);
            soft.assertThat(arrayAt(s, "start.connected")).as("server connections\n%s", ctx).hasSize(p);
        }
        if (bidir) {
            soft.assertThat(arrayAt(c, "end.streams")).as("bidir: two streams on the client\n%s", ctx).hasSize(2);
            soft.assertThat(arrayAt(s, "end.streams")).as("bidir: two streams on the server\n%s", ctx).hasSize(2);
        }
        if (sc.has("-O")) {
            soft.assertThat(at(c, "intervals[0].sum.omitted")).as("client's first interval is omitted\n%s", ctx)
                    .isEqualTo(true);
            soft.assertThat(at(s, "intervals[0].sum.omitted")).as("server's first interval is omitted\n%s", ctx)
                    .isEqualTo(true);
            soft.assertThat(longAt(c, "start.test_start.omit")).isEqualTo(1);
            soft.assertThat(longAt(s, "start.test_start.omit")).isEqualTo(1);
        }
        if (sc.has("--get-server-output")) {
            // The client carries the server's own document through the results exchange, unchanged.
            soft.assertThat(at(c, "server_output_json")).as("client's server_output_json = the server's document\n%s",
                    ctx).isEqualTo(s);
        }
        if (sc.has("-T")) {
            for (JsonObject doc : List.of(c, s)) {
                soft.assertThat(at(doc, "title")).as("title\n%s", ctx).isEqualTo("mytitle");
                soft.assertThat(at(doc, "extra_data")).as("extra_data\n%s", ctx).isEqualTo("some extra data");
            }
        }
        if (sc.has("-6")) {
            soft.assertThat(at(c, "start.connected[0].remote_host")).as("client connected over ::1\n%s", ctx)
                    .isEqualTo("::1");
            soft.assertThat(at(c, "start.connected[0].local_host")).as("client's local address\n%s", ctx)
                    .isEqualTo("::1");
            soft.assertThat(at(s, "start.accepted_connection.host")).as("server accepted ::1\n%s", ctx)
                    .isEqualTo("::1");
            soft.assertThat(at(s, "start.connected[0].local_host")).as("server's stream address\n%s", ctx)
                    .isEqualTo("::1");
        }
        return note;
    }

    /**
     * The bytes of every stream's {@code receiver} (or {@code sender}) object in the direction
     * client→server, in stream order. On the client those streams are the ones whose
     * {@code sender} flag is true, on the server the ones where it is false.
     */
    private static List<Long> streamBytes(JsonObject doc, String which, boolean isClient) {
        List<Long> out = new ArrayList<>();
        for (Object o : arrayAt(doc, "end.streams")) {
            JsonObject stream = (JsonObject) o;
            JsonObject part = stream.getObject(which);
            boolean localSends = Boolean.TRUE.equals(part.getBoolean("sender"));
            boolean clientToServer = isClient == localSends;
            if (clientToServer) {
                out.add(part.getLong("bytes"));
            }
        }
        return out;
    }

    private static final Pattern SUMMARY = Pattern.compile("sec +(\\S+ \\S*Bytes) .*\\b(sender|receiver)\\s*$");

    /** The transfer column ("2.22 GBytes") of the first summary line of that kind, or null. */
    static String summaryTransfer(String text, String kind) {
        for (String line : text.split("\n")) {
            Matcher m = SUMMARY.matcher(line);
            if (m.find() && m.group(2).equals(kind)) {
                return m.group(1);
            }
        }
        return null;
    }

    private static String bytes(JsonObject doc) {
        if (doc == null || !(doc.get("end") instanceof JsonObject end) || !end.has("sum_sent")) {
            return "-";
        }
        String s = v(end, "sum_sent") + " / " + v(end, "sum_received");
        if (end.has("sum_sent_bidir_reverse")) {
            s += "; reverse " + v(end, "sum_sent_bidir_reverse") + " / " + v(end, "sum_received_bidir_reverse");
        }
        return s;
    }

    private static String v(JsonObject end, String key) {
        return end.getObject(key) == null ? "-" : String.valueOf(end.getObject(key).get("bytes"));
    }

    private static String firstLine(String s) {
        String t = s == null ? "" : s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }
}
