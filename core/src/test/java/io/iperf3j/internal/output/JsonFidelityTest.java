package io.iperf3j.internal.output;

import static io.iperf3j.testing.JsonPaths.at;
import static io.iperf3j.testing.JsonPaths.keyPaths;
import static io.iperf3j.testing.JsonPaths.longAt;
import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.internal.json.CJsonWriter;
import io.iperf3j.internal.json.JsonObject;
import io.iperf3j.testing.Iperf3Binary;
import io.iperf3j.testing.JsonPaths;
import io.iperf3j.testing.PeerRun.Peer;
import io.iperf3j.testing.PeerRun.Result;
import io.iperf3j.testing.PeerRun.Side;
import io.iperf3j.testing.PeerRun.Scenario;
import io.iperf3j.testing.PeerRun;
import io.iperf3j.testing.ReaderAgreement;
import io.iperf3j.testing.Scenarios;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 2, "output fidelity", JSON: for the same command line, iperf3j's {@code -J}
 * document has every key path that iperf3 3.12's has (array indices collapsed), on the
 * client and on the server, compared with a live run of the real iperf3 (iperf3 client
 * and server talking to each other) and with the committed reference capture where the
 * options match. Keys iperf3 3.12 does not print are allowed only when listed in
 * {@link #ALLOWED_EXTRA_KEYS}.
 *
 * <p>Four documents are compared per scenario: our client's (talking to iperf3's
 * server) and our server's (talking to iperf3's client) against iperf3's own; and, in
 * the other direction, the real client's document when the server is ours and the real
 * server's when the client is ours, whose shapes depend on what we send in the
 * parameters and results.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
// Cases mostly wait on test time: two run at a time (junit-platform.properties), and no
// other test class runs meanwhile (@Isolated), so CPU-sensitive tests elsewhere are not disturbed.
@Tag("peer")
@Isolated
@Execution(ExecutionMode.CONCURRENT)
class JsonFidelityTest {
    /**
     * Keys iperf3j prints that 3.12 does not (all come from later iperf3 versions, up to
     * 3.21, and are harmless to 3.12 readers). Matched as a path or a path suffix, so they are
     * allowed inside {@code server_output_json} too.
     */
    static final Set<String> ALLOWED_EXTRA_KEYS = Set.of("start.test_start.bidir", "start.test_start.interval",
            // iperf3 3.21's keys, printed as 3.21 prints them (JsonFidelity321Test checks them against 3.21).
            "start.timestamp.timemillisecs", "start.fq_rate", "start.test_start.fqrate", "start.test_start.gso",
            "start.test_start.gro", "streams[].reorder", "sender.reorder");

    private static final String REFERENCE = "/reference/iperf3-3.12/";

    /**
     * A scenario and the committed captures made with matching options (client, server; null when none).
     * The captures used {@code -t 2 -i 1}; the shape does not depend on the test time.
     */
    record Case(Scenario scenario, String clientReference, String serverReference) {
        @Override
        public String toString() {
            return scenario.name();
        }
    }

    static final List<Case> CASES = List.of(
            new Case(Scenarios.DEFAULT, "tcp.json", "server_tcp.json"),
            new Case(Scenarios.REVERSE, "tcp_reverse.json", "server_tcp_reverse.json"),
            new Case(Scenarios.BIDIR, "tcp_bidir.json", null),
            new Case(Scenarios.PARALLEL_2, "tcp_parallel2.json", null),
            new Case(Scenarios.BYTES, "tcp_bytes_n.json", null),
            new Case(Scenarios.BLOCKS, "tcp_blocks_k.json", null),
            new Case(Scenarios.OMIT, "tcp_omit.json", null),
            new Case(Scenarios.TITLE_EXTRA, "tcp_title_extra.json", null),
            new Case(Scenarios.SERVER_OUTPUT_TEXT, "get_server_output.json", null),
            new Case(Scenarios.SERVER_OUTPUT_JSON, "get_server_output_json_server.json", null));

    @BeforeAll
    static void realIperf3IsInstalled() {
        Iperf3Binary.require();
    }

    static Stream<Case> cases() {
        return CASES.stream();
    }

    @ParameterizedTest(name = "client -J, {0}")
    @MethodSource("cases")
    void ourClientDocumentHasIperf3sKeyPaths(Case c) {
        Result ours = PeerRun.cached(Peer.IPERF3J, Peer.IPERF3, c.scenario());
        Result real = PeerRun.cached(Peer.IPERF3, Peer.IPERF3, c.scenario());
        JsonObject ourDoc = document(ours.client().json(), ours);
        SoftAssertions soft = new SoftAssertions();
        compareShapes(soft, "live iperf3 client", document(real.client().json(), real), ourDoc, ours.describe());
        if (c.clientReference() != null) {
            compareShapes(soft, "reference " + c.clientReference(), reference(c.clientReference()), ourDoc,
                    ours.describe());
        }
        // What -J prints is the engine's document, printed as cJSON 1.7.15 would.
        soft.assertThat(ours.client().stdout()).as("printed -J document = ClientTest.Outcome.document()")
                .isEqualTo(CJsonWriter.standard().pretty(ours.client().engineDocument()) + "\n");
        soft.assertAll();
    }

    @ParameterizedTest(name = "server -J, {0}")
    @MethodSource("cases")
    void ourServerDocumentHasIperf3sKeyPaths(Case c) {
        Scenario jsonServer = c.scenario().serverJson() ? c.scenario() : Scenarios.SERVER_OUTPUT_JSON;
        Result ours = PeerRun.cached(Peer.IPERF3, Peer.IPERF3J, jsonServer);
        Result real = PeerRun.cached(Peer.IPERF3, Peer.IPERF3, jsonServer);
        JsonObject ourDoc = document(ours.server().json(), ours);
        SoftAssertions soft = new SoftAssertions();
        compareShapes(soft, "live iperf3 server", document(real.server().json(), real), ourDoc, ours.describe());
        if (c.serverReference() != null) {
            compareShapes(soft, "reference " + c.serverReference(), reference(c.serverReference()), ourDoc,
                    ours.describe());
        }
        soft.assertThat(ours.server().stdout()).as("printed -J document = the document given to the listener")
                .isEqualTo(CJsonWriter.standard().pretty(ours.server().engineDocument()) + "\n");
        soft.assertAll();
    }

    /** The real client's document is shaped by what our server sends (results, server output). */
    @ParameterizedTest(name = "iperf3 client talking to iperf3j server, {0}")
    @MethodSource("cases")
    void realClientDocumentHasTheSameShapeWithOurServer(Case c) {
        Result withOurs = PeerRun.cached(Peer.IPERF3, Peer.IPERF3J, c.scenario());
        Result real = PeerRun.cached(Peer.IPERF3, Peer.IPERF3, c.scenario());
        SoftAssertions soft = new SoftAssertions();
        compareShapes(soft, "iperf3 client with iperf3 server", document(real.client().json(), real),
                document(withOurs.client().json(), withOurs), withOurs.describe());
        soft.assertAll();
    }

    /** The real server's document is shaped by the parameters our client sends. */
    @ParameterizedTest(name = "iperf3 server talking to iperf3j client, {0}")
    @MethodSource("cases")
    void realServerDocumentHasTheSameShapeWithOurClient(Case c) {
        Scenario jsonServer = c.scenario().serverJson() ? c.scenario() : Scenarios.SERVER_OUTPUT_JSON;
        Result withOurs = PeerRun.cached(Peer.IPERF3J, Peer.IPERF3, jsonServer);
        Result real = PeerRun.cached(Peer.IPERF3, Peer.IPERF3, jsonServer);
        SoftAssertions soft = new SoftAssertions();
        compareShapes(soft, "iperf3 server with iperf3 client", document(real.server().json(), real),
                document(withOurs.server().json(), withOurs), withOurs.describe());
        soft.assertAll();
    }

    /**
     * Every document this class captures, iperf3j's and iperf3's, client and server, is one complete run
     * that {@code IperfJsonReader} reads in agreement with an independent reading ({@link ReaderAgreement}):
     * every live 3.12 shape passes the reader (docs/design/one-json-reader.md, "Interop").
     */
    @ParameterizedTest(name = "read by IperfJsonReader, {0}")
    @MethodSource("cases")
    void everyCapturedDocumentIsOneRunTheReaderAgreesWith(Case c) {
        Scenario jsonServer = c.scenario().serverJson() ? c.scenario() : Scenarios.SERVER_OUTPUT_JSON;
        readEveryDocument(Stream.of(c.scenario(), jsonServer).distinct().flatMap(sc -> Stream.of(
                PeerRun.cached(Peer.IPERF3J, Peer.IPERF3, sc), PeerRun.cached(Peer.IPERF3, Peer.IPERF3, sc),
                PeerRun.cached(Peer.IPERF3, Peer.IPERF3J, sc))).toList());
    }

    /**
     * Reads each side's output that is JSON ({@code -J} or {@code --json-stream} on its command line); at least
     * one must be. Shared with {@link JsonFidelity321Test}.
     */
    static void readEveryDocument(List<Result> results) {
        int read = 0;
        for (Result r : results) {
            for (Side side : List.of(r.client(), r.server())) {
                List<String> args = side == r.client() ? r.scenario().clientArgs() : r.scenario().serverArgs();
                if (args.contains("-J") || args.contains("--json") || args.contains("--json-stream")) {
                    ReaderAgreement.requireOneAgreeingRun(side.stdout(), side.peer().label + " " + side.role()
                            + " output\n" + r.describe());
                    read++;
                }
            }
        }
        assertThat(read).as("documents read").isPositive();
    }

    /**
     * A server prints its JSON before the results exchange (output doc 6.5): the
     * direction it did not measure shows 0, and so do the remote CPU figures. The same
     * rule is checked on the real server's document, which shows the rule itself holds.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("serverViews")
    void serverDocumentShowsZeroForWhatItCannotKnowYet(Scenario sc, Peer server) {
        Result r = PeerRun.cached(Peer.IPERF3, server, sc);
        JsonObject s = document(r.server().json(), r);
        SoftAssertions soft = new SoftAssertions();
        boolean reverse = sc.has("-R");
        boolean bidir = sc.has("--bidir");
        if (!reverse) {
            soft.assertThat(longAt(s, "end.sum_sent.bytes")).as("client->server sender bytes unknown to the server\n%s",
                    r.describe()).isZero();
            soft.assertThat(longAt(s, "end.streams[0].sender.bytes")).as("stream sender bytes\n%s", r.describe())
                    .isZero();
        }
        if (reverse) {
            soft.assertThat(longAt(s, "end.sum_received.bytes")).as("server->client receiver bytes unknown\n%s",
                    r.describe()).isZero();
        }
        if (bidir) {
            soft.assertThat(longAt(s, "end.sum_received_bidir_reverse.bytes")).as("bidir reverse receiver unknown\n%s",
                    r.describe()).isZero();
        }
        for (String k : List.of("remote_total", "remote_user", "remote_system")) {
            soft.assertThat(longAt(s, "end.cpu_utilization_percent." + k)).as("%s\n%s", k, r.describe()).isZero();
        }
        soft.assertAll();
    }

    static Stream<Arguments> serverViews() {
        return Stream.of(Scenarios.DEFAULT, Scenarios.REVERSE, Scenarios.BIDIR)
                .flatMap(s -> Stream.of(Arguments.of(s, Peer.IPERF3), Arguments.of(s, Peer.IPERF3J)));
    }

    /**
     * Values that do not depend on timing are the same as iperf3's on this machine: the
     * {@code test_start} parameters, the control connection's MSS and the socket buffer
     * sizes read back from the kernel, on the client and on the server.
     */
    @Test
    void startValuesThatDoNotDependOnTimingMatchIperf3() {
        Scenario sc = Scenarios.DEFAULT;
        Result ourClient = PeerRun.cached(Peer.IPERF3J, Peer.IPERF3, sc);
        Result ourServer = PeerRun.cached(Peer.IPERF3, Peer.IPERF3J, sc);
        Result real = PeerRun.cached(Peer.IPERF3, Peer.IPERF3, sc);
        JsonObject c = document(ourClient.client().json(), ourClient);
        JsonObject s = document(ourServer.server().json(), ourServer);
        JsonObject rc = document(real.client().json(), real);
        JsonObject rs = document(real.server().json(), real);
        SoftAssertions soft = new SoftAssertions();
        for (String key : List.of("protocol", "num_streams", "blksize", "omit", "duration", "bytes", "blocks",
                "reverse", "tos", "target_bitrate")) {
            soft.assertThat(at(c, "start.test_start." + key)).as("client test_start.%s", key)
                    .isEqualTo(at(rc, "start.test_start." + key));
            soft.assertThat(at(s, "start.test_start." + key)).as("server test_start.%s", key)
                    .isEqualTo(at(rs, "start.test_start." + key));
        }
        for (String key : List.of("tcp_mss_default", "target_bitrate", "sock_bufsize", "sndbuf_actual",
                "rcvbuf_actual")) {
            soft.assertThat(at(c, "start." + key)).as("client start.%s", key).isEqualTo(at(rc, "start." + key));
            soft.assertThat(at(s, "start." + key)).as("server start.%s", key).isEqualTo(at(rs, "start." + key));
        }
        soft.assertThat(at(c, "start.system_info")).isEqualTo(at(rc, "start.system_info"));
        soft.assertThat(at(c, "start.connecting_to.host")).isEqualTo(at(rc, "start.connecting_to.host"));
        soft.assertAll();
    }

    // ------------------------------------------------------------ helpers

    private static void compareShapes(SoftAssertions soft, String against, JsonObject expected, JsonObject actual,
                                      String context) {
        compareShapes(soft, against, expected, actual, context, ALLOWED_EXTRA_KEYS);
    }

    /**
     * Key paths of {@code expected} missing from {@code actual}, and paths of {@code actual} that
     * {@code expected} lacks, other than those {@code allowedExtra} lists (as a path or a path
     * suffix): both must be empty. Shared with {@link JsonFidelity321Test}.
     */
    static void compareShapes(SoftAssertions soft, String against, JsonObject expected, JsonObject actual,
                              String context, Set<String> allowedExtra) {
        SortedSet<String> want = keyPaths(expected);
        SortedSet<String> got = keyPaths(actual);
        SortedSet<String> missing = new TreeSet<>(want);
        missing.removeAll(got);
        SortedSet<String> extra = new TreeSet<>(got);
        extra.removeAll(want);
        extra.removeIf(path -> allowed(path, allowedExtra));
        soft.assertThat(missing).as("key paths of %s missing from iperf3j's document\n%s", against, context).isEmpty();
        soft.assertThat(extra).as("key paths iperf3j prints that %s does not (and that are not allow-listed)\n%s",
                against, context).isEmpty();
    }

    private static boolean allowed(String path, Set<String> allowedExtra) {
        for (String allowed : allowedExtra) {
            if (path.equals(allowed) || path.endsWith("." + allowed)) {
                return true;
            }
        }
        return false;
    }

    static JsonObject document(JsonObject doc, Result r) {
        assertThat(doc).as("a JSON document was printed\n%s", r.describe()).isNotNull();
        return doc;
    }

    static JsonObject reference(String name) {
        try (InputStream in = JsonFidelityTest.class.getResourceAsStream(REFERENCE + name)) {
            assertThat(in).as("reference file %s", name).isNotNull();
            return JsonPaths.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
