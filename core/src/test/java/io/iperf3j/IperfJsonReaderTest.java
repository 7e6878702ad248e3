package io.iperf3j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link IperfJsonReader} over real outputs (iperf3 3.12 captures, 3.21 and iperf3j golden files), each
 * {@code -J} file also as the events of {@code --json-stream}, one case per disagreement of the readers it
 * replaced (D1–D14 of docs/design/one-json-reader.md) and one per limit.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IperfJsonReaderTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    static final List<String> CAPTURES_312 = List.of("auth_denied", "client_interrupted", "error_busy", "error_refused",
            "get_server_output", "get_server_output_json_server", "server_tcp", "server_tcp_reverse", "server_udp", "tcp",
            "tcp_bidir", "tcp_blocks_k", "tcp_bytes_n", "tcp_omit", "tcp_parallel2", "tcp_reverse", "tcp_title_extra", "udp",
            "udp_bidir", "udp_reverse");
    static final List<String> GOLDEN = List.of("iperf3-321_client_tcp_p2.jsonl", "iperf3-321_server_tcp_p2.jsonl",
            "iperf3_client_tcp.json", "iperf3_client_udp.json", "iperf3_server_tcp.json", "iperf3_server_udp.json",
            "iperf3j_client_tcp.json", "iperf3j_client_udp.jsonl", "iperf3j_server_tcp.json", "iperf3j_server_udp.jsonl",
            "ours_latency_stream.jsonl", "ours_tcp_bidir.json", "v321_udp.json");

    static String reference(String name) {
        return resource("/reference/iperf3-3.12/" + name + ".json");
    }

    static String golden(String name) {
        return resource("/io/iperf3j/golden/" + name);
    }

    static String resource(String path) {
        try (InputStream in = IperfJsonReaderTest.class.getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static IperfJsonRead.Read ok(IperfJsonRead r) {
        assertThat(r).isInstanceOf(IperfJsonRead.Read.class);
        return (IperfJsonRead.Read) r;
    }

    static IperfRun one(String text) {
        IperfJsonRead.Read r = ok(IperfJsonReader.read(text));
        assertThat(r.runs()).hasSize(1);
        return r.last();
    }

    static IperfJsonRead.Rejected rejected(IperfJsonRead r) {
        assertThat(r).isInstanceOf(IperfJsonRead.Rejected.class);
        return (IperfJsonRead.Rejected) r;
    }

    /** A -J document as the events --json-stream writes for it. */
    static String events(String document) throws IOException {
        JsonNode doc = MAPPER.readTree(document);
        StringBuilder out = new StringBuilder();
        if (doc.has("start")) {
            out.append(event("start", doc.get("start")));
        }
        for (JsonNode i : doc.path("intervals")) {
            out.append(event("interval", i));
        }
        if (doc.has("end")) {
            out.append(event("end", doc.get("end")));
        }
        if (doc.has("error")) {
            out.append(event("error", doc.get("error")));
        }
        if (doc.has("server_output_json")) {
            out.append(event("server_output_json", doc.get("server_output_json")));
        }
        if (doc.has("server_output_text")) {
            out.append(event("server_output_text", doc.get("server_output_text")));
        }
        return out.toString();
    }

    private static String event(String name, JsonNode data) throws IOException {
        return MAPPER.writeValueAsString(MAPPER.createObjectNode().put("event", name).set("data", data)) + "\n";
    }

    @ParameterizedTest
    @FieldSource("CAPTURES_312")
    void everyCaptureOf312IsOneCompleteRunWithDatabindsFigures(String name) throws IOException {
        String text = reference(name);
        IperfRun run = one(text);
        JsonNode doc = MAPPER.readTree(text);
        assertThat(run.format()).isEqualTo(IperfJsonFormat.JSON);
        assertThat(run.complete()).isTrue();
        JsonNode intervals = doc.path("intervals");
        assertThat(run.intervalCount()).isEqualTo(intervals.size());
        assertThat(run.intervals()).hasSize(intervals.size());
        for (int i = 0; i < intervals.size(); i++) {
            sameSum(run.intervals().get(i).sum(), intervals.get(i).get("sum"));
            JsonNode rev = intervals.get(i).get("sum_bidir_reverse");
            assertThat(run.intervals().get(i).sumBidirReverse().isPresent()).isEqualTo(rev != null);
            if (rev != null) {
                sameSum(run.intervals().get(i).sumBidirReverse().orElseThrow(), rev);
            }
            assertThat(run.intervals().get(i).streams()).hasSize(intervals.get(i).path("streams").size());
        }
        JsonNode end = doc.path("end");
        assertThat(run.summary().isPresent()).isEqualTo(end.has("sum_sent") && end.has("sum_received"));
        run.summary().ifPresent(s -> {
            assertThat(s.sent().bytes()).isEqualTo(end.get("sum_sent").get("bytes").asLong());
            assertThat(s.received().bytes()).isEqualTo(end.get("sum_received").get("bytes").asLong());
            assertThat(s.received().bitsPerSecond()).isEqualTo(end.get("sum_received").get("bits_per_second").asDouble());
            assertThat(s.reverse().isPresent()).isEqualTo(end.has("sum_sent_bidir_reverse"));
            assertThat(s.transport()).isEqualTo(end.has("sum") ? Transport.UDP : Transport.TCP);
            assertThat(s.cpuLocalPercent()).isEqualTo(end.path("cpu_utilization_percent").path("host_total").asDouble());
        });
        assertThat(run.error()).isEqualTo(Optional.ofNullable(doc.get("error")).map(JsonNode::asText));
        assertThat(run.intervalMetrics()).hasSize(run.intervals().size()
                + (int) run.intervals().stream().filter(i -> i.sumBidirReverse().isPresent()).count());
    }

    private static void sameSum(IperfSample s, JsonNode n) {
        assertThat(s.bytes()).isEqualTo(n.get("bytes").asLong());
        assertThat(s.bitsPerSecond()).isEqualTo(n.get("bits_per_second").asDouble());
        assertThat(s.sender()).isEqualTo(n.get("sender").asBoolean());
        assertThat(s.start()).isEqualTo(n.get("start").asDouble());
        assertThat(s.omitted()).isEqualTo(n.get("omitted").asBoolean());
    }

    @ParameterizedTest
    @FieldSource("CAPTURES_312")
    void everyCaptureOf312GivesTheSameRunAsItsEvents(String name) throws IOException {
        sameAsEvents(reference(name));
        // streamed: the intervals go to the sink, a server's own output's never do
        assertThat(streamed(reference(name))).isEqualTo(ok(IperfJsonReader.read(reference(name))).runs());
    }

    @ParameterizedTest
    @FieldSource("GOLDEN")
    void goldenFilesOf321AndIperf3jAreCompleteRuns(String name) throws IOException {
        String text = golden(name);
        IperfJsonRead.Read r = ok(IperfJsonReader.read(text));
        assertThat(r.notes()).isEmpty();
        for (IperfRun run : r.runs()) {
            assertThat(run.complete()).isTrue();
            assertThat(run.format()).isEqualTo(name.endsWith(".jsonl") ? IperfJsonFormat.JSON_STREAM : IperfJsonFormat.JSON);
            assertThat(run.start()).isPresent();
            assertThat(run.role()).isPresent();
            assertThat(run.transport()).isPresent();
            assertThat(run.intervals()).isNotEmpty();
            assertThat(run.summary()).isPresent();
            assertThat(run.intervalMetrics()).isNotEmpty();
        }
        if (!name.endsWith(".jsonl") && r.runs().size() == 1) {
            sameAsEvents(text);
        }
        assertThat(streamed(text)).isEqualTo(collected(r));
    }

    private static void sameAsEvents(String document) throws IOException {
        IperfRun fromDocument = one(document);
        IperfRun fromEvents = one(events(document));
        assertThat(fromEvents.format()).isEqualTo(IperfJsonFormat.JSON_STREAM);
        // --json-stream has no event for -T and --extra-data
        IperfRun untitled = new IperfRun(fromDocument.format(), fromDocument.start(), fromDocument.intervals(),
                fromDocument.intervalCount(), fromDocument.summary(), fromDocument.latency(), fromDocument.error(),
                Optional.empty(), Optional.empty(), fromDocument.serverOutput(), fromDocument.serverOutputText(),
                fromDocument.complete());
        assertThat(withFormat(fromEvents, IperfJsonFormat.JSON)).isEqualTo(untitled);
    }

    static IperfRun withFormat(IperfRun r, IperfJsonFormat f) {
        return new IperfRun(f, r.start(), r.intervals(), r.intervalCount(), r.summary(), r.latency(), r.error(), r.title(),
                r.extraData(), r.serverOutput(), r.serverOutputText(), r.complete());
    }

    /** Runs of a streamed read with the intervals the sink got put back. */
    static List<IperfRun> streamed(String text) throws IOException {
        List<List<IperfInterval>> got = new ArrayList<>();
        IperfJsonRead r = IperfJsonReader.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
                IperfJsonLimits.DEFAULT, (run, role, interval) -> {
                    while (got.size() <= run) {
                        got.add(new ArrayList<>());
                    }
                    got.get(run).add(interval);
                });
        List<IperfRun> out = new ArrayList<>();
        List<IperfRun> runs = ok(r).runs();
        for (int i = 0; i < runs.size(); i++) {
            IperfRun x = runs.get(i);
            assertThat(x.intervals()).isEmpty();
            out.add(new IperfRun(x.format(), x.start(), i < got.size() ? got.get(i) : List.of(), x.intervalCount(),
                    x.summary(), x.latency(), x.error(), x.title(), x.extraData(), x.serverOutput(), x.serverOutputText(),
                    x.complete()));
        }
        return out;
    }

    static List<IperfRun> collected(IperfJsonRead.Read r) {
        return r.runs();
    }

    @Test
    void errorsRolesAndSpecialParts() {
        assertThat(one(reference("error_refused")).error()).hasValue("unable to connect to server: Connection refused");
        assertThat(one(reference("error_busy")).error()).hasValue("the server is busy running a test. try again later");
        assertThat(one(reference("auth_denied")).error()).hasValue("test authorization failed");
        IperfRun interrupted = one(reference("client_interrupted"));
        assertThat(interrupted.error()).hasValue("interrupt - the client has terminated");
        assertThat(interrupted.summary()).isPresent();
        // D3: an error document has no role
        assertThat(one(reference("error_refused")).role()).isEmpty();
        assertThat(one(reference("server_tcp")).role()).hasValue(Role.SERVER);
        assertThat(one(reference("server_udp")).role()).hasValue(Role.SERVER);
        assertThat(one(reference("tcp")).role()).hasValue(Role.CLIENT);

        IperfRun withServer = one(reference("get_server_output_json_server"));
        IperfRun server = withServer.serverOutput().orElseThrow();
        assertThat(server.intervals()).isNotEmpty();
        assertThat(server.role()).hasValue(Role.SERVER);
        assertThat(one(reference("get_server_output")).serverOutputText()).hasValueSatisfying(
                t -> assertThat(t).contains("Accepted connection"));
        IperfRun titled = one(reference("tcp_title_extra"));
        assertThat(titled.title()).isPresent();
        assertThat(titled.extraData()).isPresent();
        IperfRun omit = one(reference("tcp_omit"));
        assertThat(omit.intervals().stream().anyMatch(i -> i.sum().omitted())).isTrue();
        assertThat(omit.intervals().stream().anyMatch(i -> !i.sum().omitted())).isTrue();
        for (String bidir : List.of("tcp_bidir", "udp_bidir")) {
            IperfRun b = one(reference(bidir));
            assertThat(b.bidir()).isTrue();
            assertThat(b.summary().orElseThrow().reverse()).isPresent();
            assertThat(b.intervals()).allMatch(i -> i.sumBidirReverse().isPresent()
                    && i.sum().sender() != i.sumBidirReverse().orElseThrow().sender());
        }
        IperfSummary udp = one(reference("udp")).summary().orElseThrow();
        assertThat(udp.transport()).isEqualTo(Transport.UDP);
        assertThat(udp.jitterMillis()).isPresent();
        assertThat(udp.packets()).isPresent();
        assertThat(udp.retransmits()).isEmpty();
        IperfSummary tcp = one(reference("tcp")).summary().orElseThrow();
        assertThat(tcp.retransmits()).isPresent();
        assertThat(tcp.jitterMillis()).isEmpty();
        assertThat(tcp.senderCongestion()).isPresent();
    }

    @Test
    void latencyOfIperf3j() {
        IperfRun run = one(golden("ours_latency_stream.jsonl"));
        IperfLatency l = run.latency().orElseThrow();
        assertThat(l.intervalMs()).isPositive();
        assertThat(l.loaded().orElseThrow().cdf()).isNotEmpty();
        assertThat(run.intervals()).allMatch(i -> i.latency().isPresent());
    }

    // ---------------------------------------------------------------- D1-D14

    private static final String START = "{\"connecting_to\":{\"host\":\"h\",\"port\":5201},"
            + "\"test_start\":{\"protocol\":\"UDP\",\"reverse\":0}}";

    private static String doc(String intervals, String end) {
        return "{\"start\":" + START + ",\"intervals\":[" + intervals + "],\"end\":{" + end + "}}";
    }

    private static String interval(String sum) {
        return "{\"streams\":[],\"sum\":{" + sum + "}}";
    }

    @Test
    void d1NullNumbersAreAbsentNotZero() {
        IperfRun run = one(doc(interval("\"start\":0,\"end\":0,\"seconds\":0,\"bytes\":0,\"bits_per_second\":null,"
                + "\"jitter_ms\":null,\"lost_percent\":null,\"lost_packets\":null,\"packets\":0,\"sender\":false"),
                "\"sum_sent\":{\"bytes\":0,\"bits_per_second\":null,\"seconds\":0},"
                        + "\"sum_received\":{\"bytes\":0,\"bits_per_second\":null,\"jitter_ms\":null,\"lost_packets\":null},"
                        + "\"sum\":{}"));
        IperfSample s = run.intervals().getFirst().sum();
        assertThat(s.bitsPerSecond()).isNaN();
        assertThat(s.jitterMillis()).isEmpty();
        assertThat(s.lostPackets()).isEmpty();
        assertThat(s.packets()).hasValue(0);
        IperfSummary sum = run.summary().orElseThrow();
        assertThat(sum.received().bitsPerSecond()).isNaN();
        assertThat(sum.lostPackets()).isEmpty();
        assertThat(run.intervalMetrics().getFirst().udpJitterSeconds()).isEmpty();
    }

    @Test
    void d2UnsignedMinusOneIsAbsent() {
        IperfRun run = one(doc(interval("\"start\":0,\"end\":1,\"bytes\":100,\"bits_per_second\":800,"
                + "\"retransmits\":18446744073709551615,\"sender\":true"), ""));
        assertThat(run.intervals().getFirst().sum().retransmits()).isEmpty();
        assertThat(run.intervals().getFirst().sum().bytes()).isEqualTo(100);
        rejected(IperfJsonReader.read(doc(interval("\"bytes\":18446744073709551615"), "")));
    }

    @Test
    void d3RoleIsEmptyWithoutEitherKey() {
        assertThat(one("{\"start\":{\"version\":\"iperf3j\"},\"intervals\":[],\"end\":{},\"error\":\"x\"}").role()).isEmpty();
        assertThat(one("{\"start\":{\"accepted_connection\":{\"host\":\"h\",\"port\":1}},\"end\":{}}").role())
                .hasValue(Role.SERVER);
    }

    @Test
    void d4SumWithoutSenderFollowsRoleAndReverse() {
        String start = "{\"accepted_connection\":{\"host\":\"h\",\"port\":1},\"test_start\":{\"protocol\":\"TCP\",\"reverse\":%d}}";
        String body = ",\"intervals\":[{\"streams\":[],\"sum\":{\"bytes\":1},\"sum_bidir_reverse\":{\"bytes\":2}}]}";
        IperfRun server = one("{\"start\":" + start.formatted(0) + body);
        assertThat(server.intervals().getFirst().sum().sender()).isFalse();
        assertThat(server.intervals().getFirst().sumBidirReverse().orElseThrow().sender()).isTrue();
        IperfRun reversed = one("{\"start\":" + start.formatted(1) + body);
        assertThat(reversed.intervals().getFirst().sum().sender()).isTrue();
        assertThat(reversed.intervals().getFirst().sumBidirReverse().orElseThrow().sender()).isFalse();
    }

    @Test
    void d5SeveralDocumentsAreSeveralRuns() {
        String a = doc(interval("\"bytes\":1,\"sender\":true"), "");
        String b = doc(interval("\"bytes\":2,\"sender\":true") + "," + interval("\"bytes\":3,\"sender\":true"), "");
        IperfJsonRead.Read r = ok(IperfJsonReader.read(a + "\n" + b + "\n"));
        assertThat(r.runs()).extracting(IperfRun::intervalCount).containsExactly(1, 2);
        assertThat(r.last().intervals().getFirst().sum().bytes()).isEqualTo(2);
        IperfJsonRead.Rejected one = rejected(IperfJsonReader.read(a + b, IperfJsonLimits.DEFAULT.withMaxRuns(1)));
        assertThat(one.reason()).isEqualTo(IperfJsonRead.Reason.OVER_LIMIT);
        assertThat(one.message()).contains("more JSON after");
        // a stream: a start after end opens the next run
        String events = "{\"event\":\"start\",\"data\":" + START + "}\n{\"event\":\"end\",\"data\":{}}\n"
                + "{\"event\":\"start\",\"data\":" + START + "}\n{\"event\":\"end\",\"data\":{}}\n";
        assertThat(ok(IperfJsonReader.read(events)).runs()).hasSize(2);
        // a cut second document keeps the first, with a note
        IperfJsonRead.Read cut = ok(IperfJsonReader.read(a + b.substring(0, 30)));
        assertThat(cut.runs()).hasSize(1);
        assertThat(cut.notes()).anyMatch(n -> n.contains("document 2 is cut"));
    }

    @Test
    void d6ServerOutputEvents() throws IOException {
        String text = events(reference("get_server_output_json_server"));
        IperfRun run = one(text);
        assertThat(run.serverOutput()).isPresent();
        assertThat(ok(IperfJsonReader.read(text)).notes()).isEmpty();
        assertThat(one(events(reference("get_server_output"))).serverOutputText()).isPresent();
    }

    @Test
    void d7FullStreamIsTheEventsOnce() throws IOException {
        String document = reference("tcp");
        IperfJsonRead.Read r = ok(IperfJsonReader.read(events(document) + document));
        assertThat(r.notes()).isEmpty();
        assertThat(r.runs()).hasSize(1);
        assertThat(r.last().format()).isEqualTo(IperfJsonFormat.JSON_STREAM_FULL);
        assertThat(withFormat(r.last(), IperfJsonFormat.JSON)).isEqualTo(one(document));
        // the document disagreeing with the events is a note
        String lines = events(document);
        String fewer = lines.replaceFirst("\\{\"event\":\"interval\"[^\n]*\n", "");
        assertThat(ok(IperfJsonReader.read(fewer + document)).notes()).anyMatch(n -> n.contains("intervals"));
    }

    @Test
    void d8StreamIsToldByTheFirstKey() {
        String spaced = "  { \"event\" : \"start\", \"data\": " + START + "}\n{\"event\":\"end\",\"data\":{}}\n";
        assertThat(one(spaced).format()).isEqualTo(IperfJsonFormat.JSON_STREAM);
        assertThat(one("{\"start\":" + START + ",\"event\":\"x\"}").format()).isEqualTo(IperfJsonFormat.JSON);
    }

    @Test
    void d9ErrorThatIsNotAStringIsCompactJson() {
        assertThat(one("{\"error\":{\"code\":1,\"text\":\"a\\\"b\"}}").error()).hasValue("{\"code\":1,\"text\":\"a\\\"b\"}");
        assertThat(one("{\"event\":\"error\",\"data\":[1,2]}\n").error()).hasValue("[1,2]");
    }

    /** The text of a non-string value is pinned: it is what the report shows and session keeps. */
    @Test
    void d9TheCompactTextKeepsItsEscapesAndNumbers() {
        String error = "{\"t\":\"a\\tb\\bc\\u0001d\\\"e\\\\f/\u00e9\\n\\r\\f\","
                + "\"n\":[1e400,-0.0,1.5e-7,18446744073709551615,true,null],\"n\":2}";
        assertThat(one("{\"error\":" + error + "}").error()).hasValue(
                "{\"t\":\"a\\u0009b\\u0008c\\u0001d\\\"e\\\\f/\u00e9\\n\\u000d\\u000c\","
                        + "\"n\":[Infinity,-0.0,1.5E-7,-1,true,null]}");
    }

    @Test
    void d10SendWindowAndOutOfOrderFromAFile() {
        String text = "{\"start\":{\"connecting_to\":{\"host\":\"h\",\"port\":1},\"test_start\":{\"protocol\":\"TCP\"}},"
                + "\"intervals\":[{\"streams\":[{\"socket\":5,\"bytes\":1,\"rtt\":1000,\"snd_wnd\":0,\"sender\":true},"
                + "{\"socket\":6,\"bytes\":1,\"rtt\":3000,\"snd_wnd\":400,\"sender\":true}],\"sum\":{\"bytes\":2,\"sender\":true}}]}";
        IntervalMetrics m = one(text).intervalMetrics().getFirst();
        assertThat(m.tcpSndWndBytes()).hasValue(400);
        assertThat(m.tcpRttSeconds()).hasValue(0.002);
        assertThat(m.streamCount()).isEqualTo(2);
        String udp = "{\"start\":" + START + ",\"intervals\":[{\"streams\":[{\"socket\":5,\"bytes\":1,\"out_of_order\":3,"
                + "\"sender\":false}],\"sum\":{\"bytes\":1,\"sender\":false,\"jitter_ms\":2}}]}";
        IntervalMetrics u = one(udp).intervalMetrics().getFirst();
        assertThat(u.udpOutOfOrderPackets()).hasValue(3);
        assertThat(u.udpJitterSeconds()).hasValue(0.002);
    }

    @Test
    void d11CpuAbsentIsNaN() {
        IperfSummary s = one(doc("", "\"sum_sent\":{\"bytes\":1},\"sum_received\":{\"bytes\":1}")).summary().orElseThrow();
        assertThat(s.cpuLocalPercent()).isNaN();
        assertThat(s.cpuRemotePercent()).isNaN();
    }

    @Test
    void d12FirstOfDuplicateKeysWins() {
        IperfRun run = one("{\"start\":{\"version\":\"a\",\"version\":\"b\"},\"error\":\"first\",\"error\":\"second\"}");
        assertThat(run.start().orElseThrow().version()).isEqualTo("a");
        assertThat(run.error()).hasValue("first");
    }

    @Test
    void d13ServerSentIsWhatTheServerPrinted() {
        IperfSummary s = one(reference("server_tcp")).summary().orElseThrow();
        assertThat(s.sent().bytes()).isZero();
        assertThat(s.received().bytes()).isPositive();
    }

    @Test
    void d14CutLastLineIsAnIncompleteRunABrokenOneBeforeIsNotJson() throws IOException {
        List<String> lines = events(reference("tcp")).lines().toList();
        String cut = lines.get(0) + "\n" + lines.get(1) + "\n" + lines.get(2).substring(0, 20) + "\n";
        IperfJsonRead.Read r = ok(IperfJsonReader.read(cut));
        assertThat(r.last().complete()).isFalse();
        assertThat(r.last().intervalCount()).isEqualTo(1);
        assertThat(r.notes()).anyMatch(n -> n.startsWith("line 3 is cut: not valid JSON at line 3"));
        String broken = lines.get(0) + "\n" + lines.get(1).substring(0, 20) + "\n" + lines.get(2) + "\n";
        IperfJsonRead.Rejected x = rejected(IperfJsonReader.read(broken));
        assertThat(x.reason()).isEqualTo(IperfJsonRead.Reason.NOT_JSON);
        assertThat(x.message()).startsWith("not valid JSON at line 2");
        assertThat(x.line()).isEqualTo(2);
        // an unknown event is a note
        assertThat(ok(IperfJsonReader.read(lines.get(0) + "\n{\"event\":\"new\",\"data\":1}\n")).notes())
                .containsExactly("line 2: unknown event 'new'");
    }

    @Test
    void badInputIsRejectedWithTheReportsMessages() {
        assertThat(rejected(IperfJsonReader.read("")).reason()).isEqualTo(IperfJsonRead.Reason.EMPTY);
        assertThat(rejected(IperfJsonReader.read(" \n")).message()).contains("empty file");
        assertThat(rejected(IperfJsonReader.read("[1, 2, 3]")).message()).contains("does not start with a JSON object");
        assertThat(rejected(IperfJsonReader.read("{\"name\": \"x\", \"values\": [1, 2]}")).message())
                .contains("not an iperf3 -J or --json-stream output (no start, intervals, end or error)");
        IperfJsonRead.Rejected text = rejected(IperfJsonReader.read(reference("tcp").replace("{", "Connecting {")));
        assertThat(text.reason()).isEqualTo(IperfJsonRead.Reason.NOT_JSON);
        assertThat(text.message()).startsWith("not valid JSON at line 1, column");
        assertThat(rejected(IperfJsonReader.read("{\"start\": {}, \"intervals\": [1, 2]}")).message())
                .isEqualTo("interval 1 is not a JSON object");
        IperfJsonRead.Rejected noSum = rejected(IperfJsonReader.read("{\"start\": {}, \"intervals\": [{\"streams\": []}]}"));
        assertThat(noSum.reason()).isEqualTo(IperfJsonRead.Reason.BAD_VALUE);
        assertThat(noSum.message()).isEqualTo("interval 1 has no \"sum\" object");
        assertThat(rejected(IperfJsonReader.read(doc(interval("\"bytes\":\"many\""), ""))).message())
                .isEqualTo("interval 1 sum has no numeric \"bytes\"");
        String whole = reference("tcp");
        assertThat(rejected(IperfJsonReader.read(whole.substring(0, whole.length() / 2))).message())
                .startsWith("not valid JSON at line");
        assertThat(rejected(IperfJsonReader.read("{\"event\":\"start\",\"data\":{}}\n[1]\n")).message())
                .isEqualTo("--json-stream line 2 is not a JSON object");
        assertThat(rejected(IperfJsonReader.read("{\"event\":\"start\",\"data\":{}}\n{\"data\":1}\n")).message())
                .isEqualTo("--json-stream line 2 has no \"event\" key");
    }

    @Test
    void aStringWhereANumberBelongsIsANote() {
        IperfJsonRead.Read r = ok(IperfJsonReader.read(doc(interval("\"bytes\":1,\"retransmits\":\"3\",\"sender\":true"), "")));
        assertThat(r.last().intervals().getFirst().sum().retransmits()).isEmpty();
        assertThat(r.notes()).containsExactly("interval 1 sum.retransmits is not a number and is ignored");
    }

    // ---------------------------------------------------------------- limits

    private static final IperfJsonLimits D = IperfJsonLimits.DEFAULT;

    private static IperfJsonRead.Rejected overLimit(IperfJsonRead r) {
        IperfJsonRead.Rejected x = rejected(r);
        assertThat(x.reason()).as(x.message()).isEqualTo(IperfJsonRead.Reason.OVER_LIMIT);
        return x;
    }

    private static String intervals(int n) {
        return doc(String.join(",", java.util.Collections.nCopies(n, interval("\"bytes\":1,\"sender\":true"))), "");
    }

    @Test
    void maxIntervals() {
        IperfJsonLimits three = new IperfJsonLimits(D.maxBytes(), D.maxRuns(), 3, D.maxStreams(), D.maxDepth(),
                D.maxStringChars(), D.maxCdfPoints());
        assertThat(ok(IperfJsonReader.read(intervals(3), three)).last().intervalCount()).isEqualTo(3);
        assertThat(overLimit(IperfJsonReader.read(intervals(4), three)).message()).isEqualTo("more than 3 intervals");
    }

    @Test
    void maxStreams() {
        String stream = "{\"socket\":1,\"bytes\":1,\"sender\":true}";
        String ok = "{\"start\":{},\"intervals\":[{\"streams\":[" + String.join(",", java.util.Collections.nCopies(256, stream))
                + "],\"sum\":{\"bytes\":1}}]}";
        assertThat(one(ok).intervals().getFirst().streams()).hasSize(256);
        String over = ok.replace("\"streams\":[", "\"streams\":[" + stream + ",");
        assertThat(overLimit(IperfJsonReader.read(over)).message()).isEqualTo("intervals[].streams has 257 elements, more than the limit of 256");
    }

    @Test
    void maxDepth() {
        String deep31 = "{\"start\":{},\"title\":" + "[".repeat(30) + "]".repeat(30) + "}";
        one(deep31.replace("\"title\":", "\"x\":"));
        String deep33 = "{\"start\":{},\"x\":" + "[".repeat(32) + "]".repeat(32) + "}";
        assertThat(overLimit(IperfJsonReader.read(deep33)).message()).contains("depth");
        String deep32 = "{\"start\":{},\"x\":" + "[".repeat(31) + "]".repeat(31) + "}";
        one(deep32);
    }

    @Test
    void maxStringChars() {
        IperfJsonLimits small = new IperfJsonLimits(D.maxBytes(), D.maxRuns(), D.maxIntervals(), D.maxStreams(),
                D.maxDepth(), 100, D.maxCdfPoints());
        assertThat(one("{\"error\":\"" + "e".repeat(100) + "\"}").error().orElseThrow()).hasSize(100);
        assertThat(ok(IperfJsonReader.read("{\"error\":\"" + "e".repeat(100) + "\"}", small)).last().error()).isPresent();
        assertThat(overLimit(IperfJsonReader.read("{\"error\":\"" + "e".repeat(101) + "\"}", small)).message())
                .contains("String value length");
    }

    @Test
    void maxBytes(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        String text = reference("tcp");
        assertThat(ok(IperfJsonReader.read(text, D.withMaxBytes(text.length()))).runs()).hasSize(1);
        assertThat(overLimit(IperfJsonReader.read(text, D.withMaxBytes(text.length() - 1))).message())
                .contains("more than the limit of " + (text.length() - 1));
        Path file = Files.writeString(dir.resolve("tcp.json"), text);
        long size = Files.size(file);
        assertThat(ok(IperfJsonReader.read(file, D.withMaxBytes(size))).runs()).hasSize(1);
        assertThat(overLimit(IperfJsonReader.read(file, D.withMaxBytes(size - 1))).message())
                .isEqualTo(size + " bytes, more than the limit of " + (size - 1) + " bytes");
        // a stream without a size: Jackson counts the bytes
        IperfJsonRead streamed = IperfJsonReader.read(Files.newInputStream(file), D.withMaxBytes(size / 2),
                (run, role, i) -> { });
        overLimit(streamed);
        String events = events(text);
        overLimit(IperfJsonReader.read(new ByteArrayInputStream(events.getBytes(StandardCharsets.UTF_8)),
                D.withMaxBytes(events.length() / 2), (run, role, i) -> { }));
    }

    private static String latency(int points, double percentile) {
        StringBuilder cdf = new StringBuilder();
        for (int i = 0; i < points; i++) {
            cdf.append(i == 0 ? "" : ",").append('[').append(i == points - 1 ? percentile : 0.0).append(",10]");
        }
        return "{\"start\":{},\"end\":{\"latency\":{\"interval_ms\":100,\"loaded\":{\"count\":1,\"lost\":0,\"cdf\":[" + cdf
                + "]}}}}";
    }

    @Test
    void maxCdfPointsAndThePairs() {
        assertThat(one(latency(1000, 100)).latency().orElseThrow().loaded().orElseThrow().cdf()).hasSize(1000);
        assertThat(overLimit(IperfJsonReader.read(latency(1001, 100))).message())
                .isEqualTo("end.latency.loaded.cdf has 1001 points, more than the limit of 1000");
        String events = "{\"event\":\"end\",\"data\":" + latency(1001, 100).replace("{\"start\":{},\"end\":", "")
                .replaceFirst("}$", "") + "}\n";
        assertThat(overLimit(IperfJsonReader.read(events)).message())
                .isEqualTo("end.latency.loaded.cdf has 1001 points, more than the limit of 1000");
        IperfJsonRead.Rejected pct = rejected(IperfJsonReader.read(latency(3, 150)));
        assertThat(pct.reason()).isEqualTo(IperfJsonRead.Reason.BAD_VALUE);
        assertThat(pct.message()).isEqualTo("end.latency.loaded.cdf point 3 has percentile 150.0, outside 0..100");
        String fast = "{\"start\":{},\"end\":{\"latency\":{\"loaded\":{\"cdf\":[[1,2],\"fast\"]}}}}";
        assertThat(rejected(IperfJsonReader.read(fast)).message())
                .isEqualTo("end.latency.loaded.cdf point 2 is not a [percentile, rtt_us] pair of numbers: \"fast\"");
        String triple = "{\"start\":{},\"end\":{\"latency\":{\"loaded\":{\"cdf\":[[1,2,3]]}}}}";
        assertThat(rejected(IperfJsonReader.read(triple)).reason()).isEqualTo(IperfJsonRead.Reason.BAD_VALUE);
    }

    @Test
    void maxRuns() {
        String a = doc(interval("\"bytes\":1,\"sender\":true"), "");
        IperfJsonLimits two = D.withMaxRuns(2);
        assertThat(ok(IperfJsonReader.read(a + a, two)).runs()).hasSize(2);
        assertThat(overLimit(IperfJsonReader.read(a + a + a, two)).message()).isEqualTo("more than 2 -J documents");
    }

    @Test
    void limitsMustBePositive() {
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> D.withMaxRuns(0));
    }

    @Test
    void trustedReadsIperf3jsOwnDocuments() {
        assertThat(IperfJsonLimits.TRUSTED.maxBytes()).isEqualTo(Long.MAX_VALUE);
        assertThat(ok(IperfJsonReader.read(golden("iperf3j_client_tcp.json"), IperfJsonLimits.TRUSTED)).runs()).hasSize(1);
    }
}
