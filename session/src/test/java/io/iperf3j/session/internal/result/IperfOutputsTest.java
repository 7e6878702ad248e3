package io.iperf3j.session.internal.result;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.Direction;
import io.iperf3j.IntervalMetrics;
import io.iperf3j.IperfJsonRead;
import io.iperf3j.IperfJsonReader;
import io.iperf3j.IperfRun;
import io.iperf3j.Role;
import io.iperf3j.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import io.iperf3j.session.TestResult;

/** iperf2 captures (Debian's iperf 2.1.8); iperf3's outputs through core's reader (its golden files). */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class IperfOutputsTest {
    /** iperf3's outputs are core's golden files (core's test-jar). */
    static String iperf3(String name) throws IOException {
        try (InputStream in = IperfOutputsTest.class.getResourceAsStream("/io/iperf3j/golden/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static String capture(String name) throws IOException {
        try (InputStream in = IperfOutputsTest.class.getResourceAsStream("/captures/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"iperf3j_client_tcp.json", "iperf3-321_server_tcp_p2.jsonl"})
    void iperf3OutputsGoThroughCoresReader(String name) throws IOException {
        String text;
        try (InputStream in = IperfOutputsTest.class.getResourceAsStream("/io/iperf3j/golden/" + name)) {
            assertThat(in).as(name).isNotNull();
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        TestResult.ParsedOutput p = IperfOutputs.parse(text, Role.SERVER, Transport.TCP);
        IperfRun run = ((IperfJsonRead.Read) IperfJsonReader.read(text)).last();
        assertThat(p.problems()).isEmpty();
        assertThat(p.format()).isEqualTo(name.endsWith(".jsonl") ? TestResult.ParsedOutput.Format.IPERF3_JSON_STREAM
                : TestResult.ParsedOutput.Format.IPERF3_JSON);
        assertThat(p.intervals()).isEqualTo(run.intervalMetrics());
        assertThat(p.summary().sentBytes()).hasValue(run.summary().orElseThrow().sent().bytes());
        assertThat(p.summary().receivedBytes()).hasValue(run.summary().orElseThrow().received().bytes());
        assertThat(p.summary().receivedBitsPerSecond()).hasValue(run.summary().orElseThrow().received().bitsPerSecond());
    }

    @Test
    void aNullRateIsNoSummaryRateAndSeveralDocumentsGiveTheLast() {
        // D1: cJSON writes NaN as null; it was read as 0 bit/s
        String nullRate = "{\"start\":{\"connecting_to\":{\"host\":\"h\",\"port\":1}},\"intervals\":[],"
                + "\"end\":{\"sum_sent\":{\"bytes\":0,\"bits_per_second\":null},\"sum_received\":{\"bytes\":0,"
                + "\"bits_per_second\":null}}}";
        TestResult.ParsedOutput p = IperfOutputs.parse(nullRate, Role.CLIENT, Transport.UDP);
        assertThat(p.summary().sentBitsPerSecond()).isEmpty();
        assertThat(p.summary().receivedBitsPerSecond()).isEmpty();
        // D5: a server without -1 prints one document per test; the last test is the output's
        String two = nullRate + "\n" + nullRate.replace("\"bytes\":0,\"bits_per_second\":null},\"sum_received",
                "\"bytes\":7,\"bits_per_second\":8},\"sum_received");
        assertThat(IperfOutputs.parse(two, Role.CLIENT, Transport.UDP).summary().sentBytes()).hasValue(7);
    }

    @Test
    void iperf2TextSingleThreadServer() throws IOException {
        TestResult.ParsedOutput p = IperfOutputs.parse(capture("iperf2_server_tcp.txt"), Role.CLIENT, Transport.UDP);
        assertThat(p.problems()).isEmpty();
        assertThat(p.format()).isEqualTo(TestResult.ParsedOutput.Format.IPERF2_TEXT);
        assertThat(p.intervals()).extracting(IntervalMetrics::bandwidthBitsPerSecond).containsExactly(20.8e9, 17.0e9, 21.3e9);
        assertThat(p.intervals().getFirst().transferredBytes()).isEqualTo(Math.round(2.43 * (1L << 30)));
        assertThat(p.intervals().getFirst().role()).isEqualTo(Role.SERVER);
        assertThat(p.intervals().getFirst().transport()).isEqualTo(Transport.TCP);
        assertThat(p.summary().receivedBytes()).hasValue(Math.round(6.88 * (1L << 30)));
        assertThat(p.summary().sentBytes()).isEmpty();
    }

    @Test
    void iperf2TextTwoThreadsUsesOnlySumLines() throws IOException {
        TestResult.ParsedOutput p = IperfOutputs.parse(capture("iperf2_client_tcp_p2.txt"), Role.SERVER, Transport.TCP);
        assertThat(p.problems()).isEmpty();
        assertThat(p.intervals()).extracting(IntervalMetrics::bandwidthBitsPerSecond).containsExactly(32.8e9, 29.0e9, 32.3e9);
        assertThat(p.intervals()).allMatch(s -> s.streamCount() == 2 && s.direction() == Direction.SENDER);
        assertThat(p.summary().sentBytes()).hasValue(Math.round(11.0 * (1L << 30)));
        assertThat(p.summary().sentBitsPerSecond()).hasValue(31.4e9);
    }

    @Test
    void iperf2BytesAreBinaryUnits() throws IOException {
        // 11.0 GBytes in 3.0020 s at 31.4 Gbits/sec: only 1024^3 bytes per GByte fits the rate.
        TestResult.ParsedOutput p = IperfOutputs.parse(capture("iperf2_client_tcp_p2.txt"), Role.CLIENT, Transport.TCP);
        double rateFromBytes = p.summary().sentBytes().getAsLong() * 8 / 3.0020;
        assertThat(rateFromBytes / 31.4e9).isBetween(0.99, 1.01);
    }

    @Test
    void iperf2UdpServerTextHasJitterAndLoss() throws IOException {
        TestResult.ParsedOutput p = IperfOutputs.parse(capture("iperf2_server_udp.txt"), Role.CLIENT, Transport.TCP);
        assertThat(p.problems()).isEmpty();
        assertThat(p.intervals()).hasSize(3);
        IntervalMetrics first = p.intervals().getFirst();
        assertThat(first.transport()).isEqualTo(Transport.UDP);
        assertThat(first.udpJitterSeconds()).hasValue(0.002 / 1000);
        assertThat(first.udpLostPackets()).hasValue(0);
        assertThat(first.udpPackets()).hasValue(893);
    }

    @Test
    void iperf2UdpClientTextTakesTheServerReportAsReceived() throws IOException {
        TestResult.ParsedOutput p = IperfOutputs.parse(capture("iperf2_client_udp.txt"), Role.SERVER, Transport.TCP);
        assertThat(p.problems()).isEmpty();
        assertThat(p.intervals()).hasSize(3);
        assertThat(p.summary().sentBytes()).hasValue(Math.round(3.75 * (1L << 20)));
        assertThat(p.summary().receivedBytes()).hasValue(Math.round(3.75 * (1L << 20)));
    }

    @Test
    void iperf2CsvSingleThread() throws IOException {
        TestResult.ParsedOutput p = IperfOutputs.parse(capture("iperf2_server_tcp.csv"), Role.SERVER, Transport.TCP);
        assertThat(p.problems()).isEmpty();
        assertThat(p.format()).isEqualTo(TestResult.ParsedOutput.Format.IPERF2_CSV);
        assertThat(p.intervals()).extracting(IntervalMetrics::transferredBytes)
                .containsExactly(2481712750L, 2138440952L, 3034189014L);
        assertThat(p.summary().receivedBytes()).hasValue(7659585596L);
        assertThat(p.intervals().getFirst().timestampUnixSeconds()).isGreaterThan(1.7e9);
    }

    @Test
    void iperf2CsvTwoThreadsWithoutSumLinesAddsThreads() throws IOException {
        // iperf 2.1.8 writes no thread -1 lines: the threads are added per interval.
        TestResult.ParsedOutput p = IperfOutputs.parse(capture("iperf2_client_tcp_p2.csv"), Role.CLIENT, Transport.TCP);
        assertThat(p.problems()).isEmpty();
        assertThat(p.intervals()).extracting(IntervalMetrics::transferredBytes)
                .containsExactly(1323302972L + 1245446204L, 657981440L + 2213412864L, 1675886592L + 2205286400L);
        assertThat(p.summary().sentBytes()).hasValue(3579445308L + 5742133308L);
    }

    @Test
    void iperf2CsvThreadMinusOneIsTheSum() throws IOException {
        // older iperf 2.0 format (constructed for the rule; Debian's 2.1.8 no longer writes -1 lines)
        TestResult.ParsedOutput p = IperfOutputs.parse(capture("iperf2_2.0_csv_sum_lines.csv"), Role.CLIENT, Transport.TCP);
        assertThat(p.problems()).isEmpty();
        assertThat(p.intervals()).extracting(IntervalMetrics::transferredBytes).containsExactly(2490368L, 2359296L);
        assertThat(p.summary().sentBytes()).hasValue(4849664L);
    }

    @Test
    void malformedLinesAreReportedNeverZero() throws IOException {
        TestResult.ParsedOutput p = IperfOutputs.parse(capture("iperf2_malformed.txt"), Role.CLIENT, Transport.TCP);
        assertThat(p.problems()).singleElement().asString().startsWith("line 7:");
        assertThat(p.intervals()).hasSize(2).allMatch(s -> s.transferredBytes() > 0);
        TestResult.ParsedOutput csv = IperfOutputs.parse("20140115105000,1.1.1.1,1,2.2.2.2,2,3,0.0-1.0,xx,10\n", Role.CLIENT, Transport.TCP);
        assertThat(csv.problems()).singleElement().asString().startsWith("line 1:");
        assertThat(csv.intervals()).isEmpty();
        TestResult.ParsedOutput json = IperfOutputs.parse(iperf3("iperf3_client_tcp.json").substring(0, 900), Role.CLIENT, Transport.TCP);
        assertThat(json.problems()).isNotEmpty();
        TestResult.ParsedOutput stream = IperfOutputs.parse(iperf3("iperf3j_client_udp.jsonl") + "{not json\n", Role.CLIENT, Transport.TCP);
        assertThat(stream.problems()).singleElement().asString().contains("is cut: not valid JSON");
        // D14: a broken line before the last rejects the output
        String broken = iperf3("iperf3j_client_udp.jsonl").replaceFirst("\n", "\n{not json\n");
        assertThat(IperfOutputs.parse(broken, Role.CLIENT, Transport.TCP).problems()).singleElement().asString()
                .contains("not valid JSON at line 2");
        assertThat(IperfOutputs.parse("", Role.CLIENT, Transport.TCP).problems()).containsExactly("empty output");
    }
}
