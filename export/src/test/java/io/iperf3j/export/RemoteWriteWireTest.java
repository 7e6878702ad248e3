package io.iperf3j.export;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import com.sun.net.httpserver.HttpServer;
import io.airlift.compress.v3.snappy.SnappyJavaDecompressor;
import io.iperf3j.export.internal.prompb.WriteRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What {@link RemoteWriteClient} puts on the wire, captured by a local HTTP server: the headers,
 * snappy's block format (decompressed by aircompressor's Java codec, not the native one that
 * compressed it), and a WriteRequest read twice: by the generated prompb classes and by a reader
 * of protobuf's wire format written here from the remote-write 1.0 spec's field numbers, so the test
 * does not only read back what the same generated code wrote.
 */
class RemoteWriteWireTest {
    /** A request as the server saw it. */
    record Captured(String method, String path, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            List<String> v = headers.get(name.toLowerCase(java.util.Locale.ROOT));
            return v == null ? null : String.join(",", v);
        }
    }

    private HttpServer server;
    private final BlockingQueue<Captured> captured = new LinkedBlockingQueue<>();

    private String startServer(int status) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            Map<String, List<String>> headers = new LinkedHashMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v));
            captured.add(new Captured(ex.getRequestMethod(), ex.getRequestURI().getPath(), headers,
                    ex.getRequestBody().readAllBytes()));
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1/write";
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void oneWriteIsASnappyWriteRequestWithTheProtocolsHeadersSortedLabelsAndExternalLabels(@TempDir Path dir)
            throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "s3cr3t-token\n");
        RemoteWriteConfig config = RemoteWriteConfig.builder(startServer(204)).label("site", "lab-1").label("job", "iperf3")
                .bearerTokenFile(token).tenant("team-a").header("X-Extra", "yes").build();
        RemoteWriteClient client = new RemoteWriteClient(config);

        Map<String, String> own = new LinkedHashMap<>();
        own.put("__name__", "iperf3_transferred_bytes");
        own.put("zone", "b");
        own.put("site", "own-site"); // a series' own label wins over the external one
        RemoteWriteClient.Series bytes = new RemoteWriteClient.Series(own, List.of(
                new RemoteWriteClient.Sample(2048, 1_700_000_002_000L), new RemoteWriteClient.Sample(1024, 1_700_000_001_000L)));
        RemoteWriteClient.Series rtt = RemoteWriteClient.Series.of(Map.of("__name__", "iperf3_tcp_rtt_seconds"), 0.000125,
                1_700_000_001_000L);

        assertThat(client.write(List.of(bytes, rtt))).isEqualTo(new RemoteWriteClient.Outcome.Written(204));

        Captured c = captured.poll(5, TimeUnit.SECONDS);
        assertThat(c).isNotNull();
        assertThat(c.method()).isEqualTo("POST");
        assertThat(c.path()).isEqualTo("/api/v1/write");
        assertThat(c.header("Content-Encoding")).isEqualTo("snappy");
        assertThat(c.header("Content-Type")).isEqualTo("application/x-protobuf");
        assertThat(c.header("X-Prometheus-Remote-Write-Version")).isEqualTo("0.1.0");
        assertThat(c.header("User-Agent")).startsWith("iperf3j/").isEqualTo(PushGatewayConfig.defaultUserAgent());
        assertThat(c.header("Authorization")).isEqualTo("Bearer s3cr3t-token");
        assertThat(c.header("X-Scope-OrgID")).isEqualTo("team-a");
        assertThat(c.header("X-Extra")).isEqualTo("yes");

        // snappy's block format starts with the uncompressed length as a varint; the framed format
        // would start with its stream identifier chunk, 0xff 0x06 0x00 0x00 "sNaPpY".
        assertThat(c.body()[0] & 0xff).isNotEqualTo(0xff);
        byte[] raw = unsnappy(c.body());

        List<List<Object>> expected = List.of(
                List.of(List.of("__name__", "iperf3_transferred_bytes", "job", "iperf3", "site", "own-site", "zone", "b"),
                        List.of(1024.0, 1_700_000_001_000L, 2048.0, 1_700_000_002_000L)),
                List.of(List.of("__name__", "iperf3_tcp_rtt_seconds", "job", "iperf3", "site", "lab-1"),
                        List.of(0.000125, 1_700_000_001_000L)));
        assertThat(bySpec(raw)).isEqualTo(expected);

        WriteRequest generated = WriteRequest.parseFrom(raw);
        assertThat(generated.getTimeseriesCount()).isEqualTo(2);
        assertThat(generated.getTimeseries(0).getLabelsList()).extracting(l -> l.getName() + "=" + l.getValue())
                .containsExactly("__name__=iperf3_transferred_bytes", "job=iperf3", "site=own-site", "zone=b");
        assertThat(generated.getTimeseries(0).getSamplesList()).extracting(s -> s.getTimestamp())
                .containsExactly(1_700_000_001_000L, 1_700_000_002_000L);
        assertThat(generated.getTimeseries(1).getSamples(0).getValue()).isEqualTo(0.000125);
        assertThat(generated.getUnknownFields().asMap()).isEmpty();
    }

    @Test
    void basicAuthIsTheUserAndTheFilesPasswordWithoutItsNewline(@TempDir Path dir) throws Exception {
        Path password = Files.writeString(dir.resolve("pw"), "pä ss\r\n");
        RemoteWriteConfig config = RemoteWriteConfig.builder(startServer(200)).basicAuth("writer", password)
                .userAgent("probe/1").build();
        assertThat(new RemoteWriteClient(config).write(List.of(RemoteWriteClient.Series.of(Map.of("__name__", "up"), 1, 1))))
                .isEqualTo(new RemoteWriteClient.Outcome.Written(200));
        Captured c = captured.poll(5, TimeUnit.SECONDS);
        assertThat(c.header("Authorization")).isEqualTo("Basic "
                + java.util.Base64.getEncoder().encodeToString("writer:pä ss".getBytes(StandardCharsets.UTF_8)));
        assertThat(c.header("User-Agent")).isEqualTo("probe/1");
        assertThat(c.header("X-Scope-OrgID")).isNull();
    }

    @Test
    void aSeriesNeedsAValidNameLabelsWithValuesAndASample() {
        assertThatThrownBy(() -> RemoteWriteClient.Series.of(Map.of("job", "x"), 1, 1))
                .hasMessageContaining("needs a __name__ label");
        assertThatThrownBy(() -> RemoteWriteClient.Series.of(Map.of("__name__", "1x"), 1, 1))
                .hasMessageContaining("not '1x'");
        assertThatThrownBy(() -> RemoteWriteClient.Series.of(Map.of("__name__", "up", "a-b", "x"), 1, 1))
                .hasMessageContaining("invalid label name 'a-b'");
        assertThatThrownBy(() -> RemoteWriteClient.Series.of(Map.of("__name__", "up", "a", ""), 1, 1))
                .hasMessageContaining("empty value");
        assertThatThrownBy(() -> new RemoteWriteClient.Series(Map.of("__name__", "up"), List.of()))
                .hasMessageContaining("no sample");
        assertThat(RemoteWriteClient.Series.of(Map.of("__name__", "ns:up_total"), 1, 1).name()).isEqualTo("ns:up_total");
    }

    static byte[] unsnappy(byte[] compressed) {
        SnappyJavaDecompressor d = new SnappyJavaDecompressor();
        byte[] out = new byte[d.getUncompressedLength(compressed, 0)];
        int n = d.decompress(compressed, 0, compressed.length, out, 0, out.length);
        assertThat(n).isEqualTo(out.length);
        return out;
    }

    // Field numbers of remote write 1.0's messages, from the spec (prometheus.io/docs/specs/remote_write_spec):
    // WriteRequest { repeated TimeSeries timeseries = 1; } TimeSeries { repeated Label labels = 1;
    // repeated Sample samples = 2; } Label { string name = 1; string value = 2; }
    // Sample { double value = 1; int64 timestamp = 2; }

    /** Each series as [[name, value, ...], [value, timestamp, ...]], read field by field; anything else fails. */
    static List<List<Object>> bySpec(byte[] writeRequest) throws IOException {
        List<List<Object>> series = new ArrayList<>();
        CodedInputStream in = CodedInputStream.newInstance(writeRequest);
        for (int tag; (tag = in.readTag()) != 0; ) {
            expect(tag, 1, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            CodedInputStream ts = CodedInputStream.newInstance(in.readByteArray());
            List<Object> labels = new ArrayList<>();
            List<Object> samples = new ArrayList<>();
            for (int t; (t = ts.readTag()) != 0; ) {
                CodedInputStream m = CodedInputStream.newInstance(ts.readByteArray());
                if (WireFormat.getTagFieldNumber(t) == 1) {
                    expect(t, 1, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                    String name = "";
                    String value = "";
                    for (int f; (f = m.readTag()) != 0; ) {
                        if (WireFormat.getTagFieldNumber(f) == 1) {
                            expect(f, 1, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                            name = m.readStringRequireUtf8();
                        } else {
                            expect(f, 2, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                            value = m.readStringRequireUtf8();
                        }
                    }
                    labels.add(name);
                    labels.add(value);
                } else {
                    expect(t, 2, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                    double value = 0;
                    long timestamp = 0;
                    for (int f; (f = m.readTag()) != 0; ) {
                        if (WireFormat.getTagFieldNumber(f) == 1) {
                            expect(f, 1, WireFormat.WIRETYPE_FIXED64);
                            value = m.readDouble();
                        } else {
                            expect(f, 2, WireFormat.WIRETYPE_VARINT);
                            timestamp = m.readInt64();
                        }
                    }
                    samples.add(value);
                    samples.add(timestamp);
                }
            }
            series.add(List.of(labels, samples));
        }
        return series;
    }

    private static void expect(int tag, int field, int wireType) {
        assertThat(WireFormat.getTagFieldNumber(tag)).as("field number").isEqualTo(field);
        assertThat(WireFormat.getTagWireType(tag)).as("wire type of field %d", field).isEqualTo(wireType);
    }
}
