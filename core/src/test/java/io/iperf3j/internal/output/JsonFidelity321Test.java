package io.iperf3j.internal.output;


import io.iperf3j.internal.json.JsonObject;
import io.iperf3j.testing.Iperf3Binary;
import io.iperf3j.testing.PeerRun;
import io.iperf3j.testing.PeerRun.Peer;
import io.iperf3j.testing.PeerRun.Result;
import io.iperf3j.testing.PeerRun.Scenario;

import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 16, "output fidelity against 3.21": the same four comparisons as
 * {@link JsonFidelityTest} makes against 3.12, with esnet's iperf3 3.21 as the peer and
 * the reference. For each command line, iperf3j's {@code -J} document has exactly the key
 * paths of 3.21's own document (array indices collapsed), on the client and on the
 * server, and each real 3.21 peer prints the same shape whether its peer is 3.21 or
 * iperf3j. 3.21's keys that 3.12 lacks ({@code start.timestamp.timemillisecs},
 * {@code start.fq_rate}, {@code test_start.fqrate/gso/gro}, the TCP sender's
 * {@code reorder}) are therefore printed by iperf3j too; the 3.12 comparison allows them
 * as extras.
 */
@Tag("peer")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
@Isolated
@Execution(ExecutionMode.CONCURRENT)
class JsonFidelity321Test {
    /** Keys iperf3j prints that 3.21 does not: none. */
    private static final Set<String> ALLOWED_EXTRA = Set.of();

    static final List<Scenario> SCENARIOS = List.of(
            Scenario.of("tcp", "-t 1 -J", "-J"),
            Scenario.of("tcp -R", "-t 1 -R -J", "-J"),
            Scenario.of("tcp --bidir", "-t 1 --bidir -J", "-J"),
            Scenario.of("tcp -P 2 -n", "-n 20M -P 2 -J", "-J"),
            Scenario.of("udp", "-u -b 100M -t 1 -J", "-J"),
            Scenario.of("udp -R", "-u -b 100M -t 1 -R -J", "-J"),
            Scenario.of("--get-server-output (server -J)", "-t 1 --get-server-output -J", "-J"));

    @BeforeAll
    static void realIperf3IsInstalled() {
        Iperf3Binary.V3_21.requireThis();
    }

    static Stream<Scenario> scenarios() {
        return SCENARIOS.stream();
    }

    @ParameterizedTest(name = "client -J, {0}")
    @MethodSource("scenarios")
    void ourClientDocumentHas321sKeyPaths(Scenario sc) {
        Result ours = PeerRun.cached(Peer.IPERF3J, Peer.IPERF3_21, sc);
        Result real = PeerRun.cached(Peer.IPERF3_21, Peer.IPERF3_21, sc);
        SoftAssertions soft = new SoftAssertions();
        compare(soft, "3.21 client", document(real.client().json(), real), document(ours.client().json(), ours),
                ours.describe());
        soft.assertAll();
    }

    @ParameterizedTest(name = "server -J, {0}")
    @MethodSource("scenarios")
    void ourServerDocumentHas321sKeyPaths(Scenario sc) {
        Result ours = PeerRun.cached(Peer.IPERF3_21, Peer.IPERF3J, sc);
        Result real = PeerRun.cached(Peer.IPERF3_21, Peer.IPERF3_21, sc);
        SoftAssertions soft = new SoftAssertions();
        compare(soft, "3.21 server", document(real.server().json(), real), document(ours.server().json(), ours),
                ours.describe());
        soft.assertAll();
    }

    /** The 3.21 client's document is shaped by what our server sends (results, server output). */
    @ParameterizedTest(name = "3.21 client talking to iperf3j server, {0}")
    @MethodSource("scenarios")
    void real321ClientDocumentHasTheSameShapeWithOurServer(Scenario sc) {
        Result withOurs = PeerRun.cached(Peer.IPERF3_21, Peer.IPERF3J, sc);
        Result real = PeerRun.cached(Peer.IPERF3_21, Peer.IPERF3_21, sc);
        SoftAssertions soft = new SoftAssertions();
        compare(soft, "3.21 client with 3.21 server", document(real.client().json(), real),
                document(withOurs.client().json(), withOurs), withOurs.describe());
        soft.assertAll();
    }

    /** The 3.21 server's document is shaped by the parameters our client sends. */
    @ParameterizedTest(name = "3.21 server talking to iperf3j client, {0}")
    @MethodSource("scenarios")
    void real321ServerDocumentHasTheSameShapeWithOurClient(Scenario sc) {
        Result withOurs = PeerRun.cached(Peer.IPERF3J, Peer.IPERF3_21, sc);
        Result real = PeerRun.cached(Peer.IPERF3_21, Peer.IPERF3_21, sc);
        SoftAssertions soft = new SoftAssertions();
        compare(soft, "3.21 server with 3.21 client", document(real.server().json(), real),
                document(withOurs.server().json(), withOurs), withOurs.describe());
        soft.assertAll();
    }

    /**
     * Outputs read but not compared by shape: {@code --json-stream} (3.17+), which 3.12 lacks, and with
     * {@code --json-stream-full-output} (3.18+) the document after the events, on both sides.
     */
    static final List<Scenario> STREAMS = List.of(
            Scenario.of("tcp --json-stream", "-t 1 --json-stream", "--json-stream"),
            Scenario.of("udp -R --json-stream", "-u -b 100M -t 1 -R --json-stream", "--json-stream"),
            Scenario.of("--get-server-output --json-stream", "-t 1 --get-server-output --json-stream", "--json-stream"),
            Scenario.of("--json-stream-full-output", "-t 1 --json-stream --json-stream-full-output",
                    "--json-stream --json-stream-full-output"));

    static Stream<Scenario> everyScenario() {
        return Stream.concat(SCENARIOS.stream(), STREAMS.stream());
    }

    /**
     * Every document this class captures, iperf3j's and 3.21's, client and server, {@code -J} and
     * {@code --json-stream}, is one complete run that {@code IperfJsonReader} reads in agreement with an
     * independent reading (docs/design/one-json-reader.md, "Interop").
     */
    @ParameterizedTest(name = "read by IperfJsonReader, {0}")
    @MethodSource("everyScenario")
    void everyCapturedDocumentIsOneRunTheReaderAgreesWith(Scenario sc) {
        JsonFidelityTest.readEveryDocument(List.of(PeerRun.cached(Peer.IPERF3J, Peer.IPERF3_21, sc),
                PeerRun.cached(Peer.IPERF3_21, Peer.IPERF3_21, sc), PeerRun.cached(Peer.IPERF3_21, Peer.IPERF3J, sc)));
    }

    private static void compare(SoftAssertions soft, String against, JsonObject expected, JsonObject actual,
                                String context) {
        JsonFidelityTest.compareShapes(soft, against, expected, actual, context, ALLOWED_EXTRA);
    }

    private static JsonObject document(JsonObject doc, Result r) {
        return JsonFidelityTest.document(doc, r);
    }
}
