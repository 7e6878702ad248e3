package io.iperf3j.internal.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real iperf3 3.12 output, parsed and printed again, must come back byte for
 * byte: this proves the cJSON layout, number printing (including the float
 * {@code seconds} with 17 digits and {@code %1.15g} values), duplicate keys
 * and string escaping together.
 */
class ReferenceRoundTripTest {

    private static final String REF = "/reference/iperf3-3.12/";

    static List<String> referenceJsonFiles() throws IOException, URISyntaxException {
        URL dir = ReferenceRoundTripTest.class.getResource(REF);
        assertThat(dir).isNotNull();
        try (Stream<Path> files = Files.list(Path.of(dir.toURI()))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted().toList();
        }
    }

    @Test
    void allReferenceDocumentsAreFound() throws Exception {
        assertThat(referenceJsonFiles()).hasSize(20).contains("tcp.json", "tcp_parallel2.json", "server_udp.json");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("referenceJsonFiles")
    void prettyPrintReproducesTheFile(String name) throws Exception {
        byte[] original = resource(name);
        JsonObject doc = PeerJson.parseObject(original, 0, original.length, PeerJson.Limits.DEFAULT);
        String printed = CJsonWriter.iperf312().pretty(doc) + "\n";
        assertThat(printed).isEqualTo(new String(original, StandardCharsets.UTF_8));
        assertThat(printed.getBytes(StandardCharsets.UTF_8)).isEqualTo(original);
        // A compact print parses back to an equal tree.
        byte[] compact = CJsonWriter.iperf312().compact(doc).getBytes(StandardCharsets.UTF_8);
        assertThat(PeerJson.parseObject(compact)).isEqualTo(doc);
    }

    @Test
    void duplicateKeysSurviveTheRoundTrip() throws Exception {
        JsonObject start = PeerJson.parseObject(resource("tcp_parallel2.json")).getObject("start");
        assertThat(start.keys().stream().filter("sock_bufsize"::equals).count()).isEqualTo(2);
        assertThat(start.keys().stream().filter("rcvbuf_actual"::equals).count()).isEqualTo(2);
        JsonObject server = PeerJson.parseObject(resource("server_udp.json")).getObject("start");
        assertThat(server.keys().stream().filter("target_bitrate"::equals).count()).isEqualTo(2);
    }

    @Test
    void floatSecondsAndCJsonNumbersKeepTheirText() throws Exception {
        JsonObject doc = PeerJson.parseObject(resource("tcp.json"));
        JsonObject first = (JsonObject) doc.getArray("intervals").get(0);
        JsonObject stream = (JsonObject) first.getArray("streams").get(0);
        assertThat(stream.getDouble("seconds")).isEqualTo((double) 1.051053f);
        assertThat(stream.getLong("bytes")).isEqualTo(945029120L);
        assertThat(stream.get("start")).isEqualTo(0L);
        assertThat(CJsonWriter.iperf312().compact(stream))
                .startsWith("{\"socket\":5,\"start\":0,\"end\":1.051053,\"seconds\":1.0510530471801758,"
                        + "\"bytes\":945029120,\"bits_per_second\":7193007984.02423,");
    }

    /**
     * Every control-connection message captured on the wire (the
     * {@code JSON:} lines of the transcripts) reprints identically with
     * {@code cJSON_PrintUnformatted} rules, including 3.12's unsigned
     * {@code 18446744073709551615}, which reads as -1.
     */
    @Test
    void capturedWireMessagesRoundTrip() throws Exception {
        int messages = 0;
        boolean sawUnsigned = false;
        for (String t : List.of("tcp_control_transcript.txt", "tcp_parallel2_lowrate_transcript.txt",
                "udp_lowrate_transcript.txt", "udp_reverse_lowrate_transcript.txt",
                "udp_64bit_lowrate_transcript.txt", "auth_denied_transcript.txt")) {
            for (String line : new String(resource(t), StandardCharsets.UTF_8).lines().toList()) {
                String s = line.strip();
                if (!s.startsWith("JSON: ")) {
                    continue;
                }
                String json = s.substring("JSON: ".length());
                JsonObject o = PeerJson.parseObject(json.getBytes(StandardCharsets.UTF_8));
                assertThat(CJsonWriter.iperf312().compact(o)).as(t).isEqualTo(json);
                if (json.contains("\"sender_has_retransmits\":18446744073709551615")) {
                    assertThat(o.getLong("sender_has_retransmits")).isEqualTo(-1L);
                    assertThat(CJsonWriter.standard().compact(o)).contains("\"sender_has_retransmits\":-1,");
                    sawUnsigned = true;
                }
                messages++;
            }
        }
        assertThat(messages).isGreaterThanOrEqualTo(10);
        assertThat(sawUnsigned).isTrue();
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = ReferenceRoundTripTest.class.getResourceAsStream(REF + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }
}
