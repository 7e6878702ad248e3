package io.iperf3j.internal.why;

import io.iperf3j.Cause;
import io.iperf3j.Confidence;
import io.iperf3j.Transport;
import io.iperf3j.Why;
import io.iperf3j.WhyFigures;
import io.iperf3j.internal.json.CJsonWriter;
import io.iperf3j.internal.json.JsonObject;
import io.iperf3j.internal.json.PeerJson;
import io.iperf3j.internal.stats.TestRecord;
import io.iperf3j.internal.stats.StreamRecord;
import io.iperf3j.Direction;
import io.iperf3j.internal.options.OptionParser;
import io.iperf3j.internal.options.ParseResult;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code end.iperf3j_why} as written and read back, and the results-exchange figures' codec and pairing. */
class WhyJsonTest {
    private static WhyFigures figures(List<String> unseen) {
        return new WhyFigures(Transport.TCP, 3.0, 4.5e7, 0, 0, OptionalDouble.of(1.0), OptionalDouble.of(0.25),
                OptionalDouble.of(0.0), OptionalDouble.of(0.75), OptionalDouble.of(0.5), OptionalDouble.of(0.125),
                OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.of(2.5), OptionalDouble.of(3.5),
                OptionalLong.of(100_000), OptionalLong.of(562_500), OptionalLong.of(653_952), OptionalLong.empty(),
                OptionalLong.of(4_194_304), OptionalDouble.empty(), unseen);
    }

    @Test
    void writtenAndReadBackThroughTheDocument() throws Exception {
        Why.Verdict a = new Why.Verdict(Cause.RECEIVER_WINDOW, figures(List.of()), "filled", Optional.of("raise it"));
        Why.Verdict b = new Why.Verdict(Cause.NOT_DETERMINED, figures(List.of("the sender's TCP_INFO")), "unseen",
                Optional.empty());
        Why why = new Why(List.of(new Why.DirectionWhy(true, a, List.of()),
                new Why.DirectionWhy(false, b, List.of(new Why.StreamWhy(3, 7, a), new Why.StreamWhy(4, 9, b)))));
        JsonObject doc = new JsonObject().put("end", new JsonObject().put(WhyJson.KEY, WhyJson.write(why)));
        String text = CJsonWriter.iperf312().pretty(doc);
        assertThat(text).contains("\"cause\":\t\"receiver_window\"", "\"headline\":\t\"limited by the receiver's window\"",
                "\"remedy\":\t\"raise it\"", "\"socket\":\t7", "\"unseen\":\t[]");
        assertThat(text).doesNotContain("\"congestion_window_bytes\"").doesNotContain("\"lost_share\"");
        Why back = WhyJson.read(PeerJson.parseObject(text.getBytes(StandardCharsets.UTF_8))).orElseThrow();
        assertThat(back).isEqualTo(why);
        assertThat(back.directions().get(1).streamsDiffer()).isTrue();
        assertThat(WhyJson.read(new JsonObject().put("end", new JsonObject()))).isEmpty();
    }

    @Test
    void aCloseVerdictKeepsItsConfidenceItsSecondCauseAndTheSides() throws Exception {
        WhyFigures base = figures(List.of());
        WhyFigures f = new WhyFigures(base.transport(), base.seconds(), base.bitsPerSecond(), 0, 0, base.busyShare(),
                base.rwndLimitedShare(), base.sndbufLimitedShare(), base.cwndLimitedShare(), base.senderRunShare(),
                base.senderWaitShare(), base.receiverRunShare(), base.receiverWaitShare(), base.senderCpuPercent(),
                base.receiverCpuPercent(), OptionalLong.of(6), OptionalLong.of(3467), OptionalLong.of(26_752),
                OptionalLong.empty(), base.senderBufferBytes(), OptionalDouble.empty(), OptionalDouble.empty(),
                OptionalLong.of(32_768), List.of(), OptionalLong.of(30), OptionalLong.of(32_768),
                OptionalLong.of(4 << 20), OptionalDouble.empty(), OptionalDouble.of(0.0125),
                new WhyFigures.Sides(false, 4, 2, 0, true, true), OptionalLong.of(500_000_000), OptionalLong.of(22_228));
        Why.Verdict v = new Why.Verdict(Cause.PATH, Confidence.CLOSE, Optional.of(Cause.RECEIVER_WINDOW), f, "even",
                Optional.of("nothing"));
        Why why = new Why(List.of(new Why.DirectionWhy(false, v, List.of())));
        String text = CJsonWriter.iperf312().pretty(new JsonObject().put("end", new JsonObject().put(WhyJson.KEY,
                WhyJson.write(why))));
        assertThat(text).contains("\"confidence\":\t\"close\"", "\"close_to\":\t\"receiver_window\"",
                "\"headline\":\t\"limited by the path (congestion window) or the receiver's window (close)\"",
                "\"srtt_us\":\t30", "\"receiver_buffer_max_bytes\":\t32768", "\"retransmit_share\":\t0.0125",
                "\"streams\":\t4", "\"sender_cores\":\t2", "\"local\":\ttrue",
                "\"sender_shaper_bits_per_second\":\t500000000", "\"sender_shaper_overlimits\":\t22228");
        assertThat(text).doesNotContain("receiver_cores");
        assertThat(WhyJson.read(PeerJson.parseObject(text.getBytes(StandardCharsets.UTF_8))).orElseThrow())
                .isEqualTo(why);
        // the text block: a LAN's round trip in microseconds, the bytes in flight, the buffers against their ceilings
        String block = String.join("\n", WhyText.lines(why, false));
        assertThat(block).contains("RTT 30 us (smallest 6 us), in flight at this rate 168 bytes, receiver's window 26 KiB")
                .contains("buffers: sender's 4.0 MiB (at most 4.0 MiB), receiver's 32 KiB (at most 32 KiB);"
                        + " retransmitted 1.25 % of the segments");
        // a document of an older build: no confidence, clear
        String old = text.replace("\"confidence\":\t\"close\",", "").replace("\"close_to\":\t\"receiver_window\",", "");
        assertThat(WhyJson.read(PeerJson.parseObject(old.getBytes(StandardCharsets.UTF_8))).orElseThrow()
                .directions().getFirst().verdict().confidence()).isEqualTo(Confidence.CLEAR);
    }

    @Test
    void aUdpVerdictKeepsTheReceivingSocketsDrops() throws Exception {
        WhyFigures f = new WhyFigures(Transport.UDP, 3.0, 9.5e7, 100_000_000, 0, OptionalDouble.empty(),
                OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.of(0.1),
                OptionalDouble.of(0.0), OptionalDouble.of(0.9), OptionalDouble.of(0.01), OptionalDouble.of(12.0),
                OptionalDouble.of(40.0), OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(),
                OptionalLong.empty(), OptionalLong.empty(), OptionalDouble.of(0.05), OptionalDouble.of(0.0475),
                OptionalLong.of(8192), List.of());
        Why.Verdict v = WhyRules.decide(f);
        assertThat(v.cause()).isEqualTo(Cause.RECEIVER_BUFFER);
        Why why = new Why(List.of(new Why.DirectionWhy(true, v, List.of())));
        JsonObject doc = new JsonObject().put("end", new JsonObject().put(WhyJson.KEY, WhyJson.write(why)));
        String text = CJsonWriter.iperf312().pretty(doc);
        assertThat(text).contains("\"cause\":\t\"receiver_buffer\"", "\"socket_dropped_share\":\t0.0475",
                "\"receiver_socket_buffer_bytes\":\t8192");
        assertThat(WhyJson.read(PeerJson.parseObject(text.getBytes(StandardCharsets.UTF_8))).orElseThrow())
                .isEqualTo(why);
        assertThat(String.join("\n", WhyText.lines(why, false)))
                .contains("limited by the receiver's socket buffer")
                .contains("lost 5.00 %, dropped by the receiver's socket 4.75 % (its buffer 8.0 KiB)");
    }

    @Test
    void theResultsExchangeFiguresPairEachStreamsSenderAndReceiver() {
        // a -R test as the client sees it: it receives stream 1, the server sent it and sent its figures
        ParseResult.Run run = (ParseResult.Run) OptionParser.parse("-c", "h", "-R", "--why");
        TestRecord rec = new TestRecord(true, run.options());
        rec.whyWanted = true;
        StreamRecord s = new StreamRecord(1, 5, Direction.RECEIVER, "a", 1, "b", 2);
        s.bytesReceived = 37_500_000;
        s.endTime = 3.0;
        rec.streams.add(s);
        rec.peerResultsKnown = true;
        WhyProbe mine = new WhyProbe(1, false, OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(),
                OptionalLong.empty(), OptionalLong.of(101_000), OptionalLong.empty(), OptionalLong.empty(),
                OptionalLong.empty(), OptionalLong.of(700_000), OptionalLong.of(30_000_000), OptionalLong.of(0),
                OptionalLong.of(3_000_000_000L), OptionalLong.empty(), OptionalLong.empty());
        WhyProbe theirs = new WhyProbe(1, true, OptionalLong.of(3_000_000), OptionalLong.of(900_000),
                OptionalLong.of(0), OptionalLong.of(100_000), OptionalLong.empty(), OptionalLong.of(650_000),
                OptionalLong.of(2_000_000), OptionalLong.of(4_194_304), OptionalLong.empty(), OptionalLong.of(60_000_000),
                OptionalLong.of(30_000_000), OptionalLong.of(3_000_000_000L), OptionalLong.empty(), OptionalLong.empty());
        // through the wire form, as the server sends it
        List<WhyProbe> peer = WhyProbe.fromJson(WhyProbe.toJson(List.of(theirs)));
        assertThat(peer).containsExactly(theirs);
        Why why = WhyAssembler.assemble(rec, List.of(mine), peer, true);
        Why.DirectionWhy d = why.directions().getFirst();
        assertThat(d.senderIsClient()).isFalse();
        WhyFigures f = d.verdict().figures();
        assertThat(f.bitsPerSecond()).isEqualTo(1e8);
        assertThat(f.rttMicros()).hasValue(100_000); // the sender's min RTT, not the receiver's estimate
        assertThat(f.receiverWindowBytes()).hasValue(650_000); // what the sender saw advertised
        assertThat(f.bdpBytes()).hasValue(1_250_000);
        assertThat(f.rwndLimitedShare().getAsDouble()).isEqualTo(0.3);
        assertThat(f.senderRunShare().getAsDouble()).isEqualTo(0.02);
        assertThat(f.senderWaitShare().getAsDouble()).isEqualTo(0.01);
        assertThat(f.receiverRunShare().getAsDouble()).isEqualTo(0.01);
        assertThat(f.unseen()).isEmpty();
        assertThat(d.verdict().cause()).isEqualTo(Cause.RECEIVER_WINDOW);

        // the same test against a real iperf3 server: no figures of its; the client's own receiving socket stands in
        Why real = WhyAssembler.assemble(rec, List.of(mine), List.of(), false);
        WhyFigures g = real.directions().getFirst().verdict().figures();
        assertThat(g.busyShare()).isEmpty();
        assertThat(g.rttMicros()).hasValue(101_000);
        assertThat(g.receiverWindowBytes()).hasValue(700_000);
        assertThat(g.unseen()).anyMatch(u -> u.contains("not an iperf3j"));
    }
}
