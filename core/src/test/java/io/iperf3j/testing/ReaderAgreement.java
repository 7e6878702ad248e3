package io.iperf3j.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.iperf3j.IperfInterval;
import io.iperf3j.IperfJsonFormat;
import io.iperf3j.IperfJsonRead;
import io.iperf3j.IperfJsonReader;
import io.iperf3j.IperfRun;
import io.iperf3j.IperfSample;
import io.iperf3j.IperfSummary;
import io.iperf3j.Role;
import io.iperf3j.Transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

import org.assertj.core.api.SoftAssertions;

/**
 * Requires that {@link IperfJsonReader} reads one {@code -J} document or one {@code --json-stream} output as
 * one complete run whose typed figures agree with an independent reading of the same text: a Jackson
 * databind tree, the stream's events put back into the document's shape. Compared: the interval count,
 * each interval's stream count and sums, {@code test_start}'s stream count and protocol, the role, the
 * {@code end} sums (bytes, seconds, rate, retransmits; for UDP jitter, lost and packets; the bidir reverse
 * sums) and the error. Used by the live fidelity tests and by the test over the 3.12 reference captures.
 *
 * <p>The expected counts follow the reader's documented rules, written again here: absent or {@code null}
 * is absent, an integer of 2^63 or more is {@code v - 2^64} and a negative count is absent.
 */
public final class ReaderAgreement {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final BigInteger TWO_63 = BigInteger.ONE.shiftLeft(63);

    private ReaderAgreement() {
    }

    /**
     * @param text what one side printed with {@code -J} or {@code --json-stream}
     * @param context printed with a failure (which side, which command)
     * @return the run, for further checks
     */
    public static IperfRun requireOneAgreeingRun(String text, String context) {
        IperfJsonRead read = IperfJsonReader.read(text);
        assertThat(read).as("IperfJsonReader reads it\n%s", context).isInstanceOf(IperfJsonRead.Read.class);
        IperfJsonRead.Read r = (IperfJsonRead.Read) read;
        assertThat(r.runs()).as("one run\n%s", context).hasSize(1);
        IperfRun run = r.last();
        Independent doc = independent(text);
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(run.complete()).as("complete\n%s", context).isTrue();
        soft.assertThat(run.format()).as("format\n%s", context).isEqualTo(doc.format());
        intervals(soft, run, doc.tree().path("intervals"), context);
        start(soft, run, doc.tree().path("start"), context);
        end(soft, run, doc.tree().path("end"), context);
        JsonNode error = doc.tree().get("error");
        soft.assertThat(run.error()).as("error\n%s", context)
                .isEqualTo(error == null || error.isNull() ? Optional.empty()
                        : Optional.of(error.isTextual() ? error.asText() : error.toString()));
        soft.assertAll();
        return run;
    }

    /**
     * The document's tree, or for a stream its events as a document: start, intervals[], end, error. With
     * {@code --json-stream-full-output} the document after the events must equal what they say.
     */
    private record Independent(ObjectNode tree, IperfJsonFormat format) {
    }

    private static Independent independent(String text) {
        try (MappingIterator<JsonNode> values = MAPPER.readerFor(JsonNode.class).readValues(text)) {
            JsonNode first = values.next();
            if (!first.has("event")) {
                assertThat(values.hasNext()).as("one -J document").isFalse();
                return new Independent((ObjectNode) first, IperfJsonFormat.JSON);
            }
            ObjectNode doc = MAPPER.createObjectNode();
            ArrayNode intervals = doc.putArray("intervals");
            for (JsonNode event = first; ; event = values.next()) {
                if (!event.has("event")) {
                    // the -full form's document: the same start, intervals and end as the events
                    for (String key : new String[] {"start", "intervals", "end"}) {
                        assertThat(event.get(key)).as("the document's %s equals the events'", key).isEqualTo(doc.get(key));
                    }
                    assertThat(values.hasNext()).as("nothing after the document").isFalse();
                    return new Independent(doc, IperfJsonFormat.JSON_STREAM_FULL);
                }
                String name = event.path("event").asText();
                if (name.equals("interval")) {
                    intervals.add(event.get("data"));
                } else if (!doc.has(name)) {
                    doc.set(name, event.get("data"));
                }
                if (!values.hasNext()) {
                    break;
                }
            }
            return new Independent(doc, IperfJsonFormat.JSON_STREAM);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void intervals(SoftAssertions soft, IperfRun run, JsonNode intervals, String context) {
        soft.assertThat(run.intervalCount()).as("interval count\n%s", context).isEqualTo(intervals.size());
        soft.assertThat(run.intervals()).as("intervals\n%s", context).hasSize(intervals.size());
        for (int i = 0; i < Math.min(intervals.size(), run.intervals().size()); i++) {
            IperfInterval got = run.intervals().get(i);
            JsonNode n = intervals.get(i);
            String at = "intervals[" + i + "]";
            soft.assertThat(got.streams()).as("%s.streams\n%s", at, context).hasSize(n.path("streams").size());
            sample(soft, got.sum(), n.path("sum"), at + ".sum", context);
            JsonNode reverse = n.get("sum_bidir_reverse");
            soft.assertThat(got.sumBidirReverse().isPresent()).as("%s.sum_bidir_reverse\n%s", at, context)
                    .isEqualTo(reverse != null);
            if (reverse != null && got.sumBidirReverse().isPresent()) {
                sample(soft, got.sumBidirReverse().get(), reverse, at + ".sum_bidir_reverse", context);
            }
        }
    }

    private static void start(SoftAssertions soft, IperfRun run, JsonNode start, String context) {
        soft.assertThat(run.start().isPresent()).as("start\n%s", context).isEqualTo(!start.isMissingNode());
        Optional<Role> role = start.has("connecting_to") ? Optional.of(Role.CLIENT)
                : start.has("accepted_connection") ? Optional.of(Role.SERVER) : Optional.empty();
        soft.assertThat(run.role()).as("role\n%s", context).isEqualTo(role);
        JsonNode test = start.path("test_start");
        if (!test.isMissingNode() && run.start().flatMap(IperfRun.Start::test).isPresent()) {
            IperfRun.TestStart t = run.start().get().test().get();
            soft.assertThat(t.numStreams()).as("test_start.num_streams\n%s", context)
                    .isEqualTo(test.path("num_streams").asInt());
            soft.assertThat(t.protocol().name()).as("test_start.protocol\n%s", context)
                    .isEqualTo(test.path("protocol").asText());
            soft.assertThat(t.reverse()).as("test_start.reverse\n%s", context)
                    .isEqualTo(test.path("reverse").asInt() != 0);
        } else {
            soft.assertThat(test.isMissingNode()).as("test_start read\n%s", context).isTrue();
        }
    }

    private static void end(SoftAssertions soft, IperfRun run, JsonNode end, String context) {
        boolean sums = end.path("sum_sent").isObject() && end.path("sum_received").isObject();
        soft.assertThat(run.summary().isPresent()).as("end summary\n%s", context).isEqualTo(sums);
        if (!sums || run.summary().isEmpty()) {
            return;
        }
        IperfSummary s = run.summary().get();
        String protocol = run.start().flatMap(IperfRun.Start::test).map(t -> t.protocol().name())
                .orElse(end.has("sum") ? "UDP" : "TCP");
        soft.assertThat(s.transport()).as("transport\n%s", context).isEqualTo(Transport.valueOf(protocol));
        summary(soft, s, end.get("sum_sent"), end.get("sum_received"), "end", context);
        soft.assertThat(s.udpSum().isPresent()).as("end.sum\n%s", context).isEqualTo(end.path("sum").isObject());
        JsonNode rs = end.get("sum_sent_bidir_reverse");
        JsonNode rr = end.get("sum_received_bidir_reverse");
        boolean reverse = rs != null && rs.isObject() && rr != null && rr.isObject();
        soft.assertThat(s.reverse().isPresent()).as("end reverse sums\n%s", context).isEqualTo(reverse);
        if (reverse && s.reverse().isPresent()) {
            summary(soft, s.reverse().get(), rs, rr, "end (bidir reverse)", context);
        }
    }

    private static void summary(SoftAssertions soft, IperfSummary s, JsonNode sent, JsonNode received, String at,
                                String context) {
        sample(soft, s.sent(), sent, at + ".sum_sent", context);
        sample(soft, s.received(), received, at + ".sum_received", context);
        soft.assertThat(s.retransmits()).as("%s retransmits\n%s", at, context).isEqualTo(count(sent.get("retransmits")));
        if (s.transport() == Transport.UDP) {
            soft.assertThat(s.jitterMillis()).as("%s jitter\n%s", at, context).isEqualTo(number(received.get("jitter_ms")));
            soft.assertThat(s.lostPackets()).as("%s lost\n%s", at, context).isEqualTo(count(received.get("lost_packets")));
            soft.assertThat(s.packets()).as("%s packets\n%s", at, context).isEqualTo(count(received.get("packets")));
        }
    }

    private static void sample(SoftAssertions soft, IperfSample got, JsonNode n, String at, String context) {
        soft.assertThat(OptionalLong.of(got.bytes())).as("%s.bytes\n%s", at, context).isEqualTo(count(n.get("bytes")));
        soft.assertThat(got.seconds()).as("%s.seconds\n%s", at, context).isEqualTo(n.path("seconds").asDouble());
        soft.assertThat(got.bitsPerSecond()).as("%s.bits_per_second\n%s", at, context)
                .isEqualTo(number(n.get("bits_per_second")).orElse(Double.NaN));
        if (n.has("sender")) {
            soft.assertThat(got.sender()).as("%s.sender\n%s", at, context).isEqualTo(n.get("sender").asBoolean());
        }
        soft.assertThat(got.retransmits()).as("%s.retransmits\n%s", at, context).isEqualTo(count(n.get("retransmits")));
        soft.assertThat(got.packets()).as("%s.packets\n%s", at, context).isEqualTo(count(n.get("packets")));
        soft.assertThat(got.lostPackets()).as("%s.lost_packets\n%s", at, context).isEqualTo(count(n.get("lost_packets")));
        soft.assertThat(got.jitterMillis()).as("%s.jitter_ms\n%s", at, context).isEqualTo(number(n.get("jitter_ms")));
    }

    /** A count as the reader's rules define it, from the databind node. */
    static OptionalLong count(JsonNode n) {
        if (n == null || !n.isNumber()) {
            return OptionalLong.empty();
        }
        if (n.isIntegralNumber()) {
            BigInteger v = n.bigIntegerValue();
            return v.signum() >= 0 && v.compareTo(TWO_63) < 0 ? OptionalLong.of(v.longValueExact()) : OptionalLong.empty();
        }
        double d = n.doubleValue();
        return d >= 0 && d < 0x1p63 ? OptionalLong.of((long) d) : OptionalLong.empty();
    }

    private static OptionalDouble number(JsonNode n) {
        return n == null || !n.isNumber() ? OptionalDouble.empty() : OptionalDouble.of(n.doubleValue());
    }
}
