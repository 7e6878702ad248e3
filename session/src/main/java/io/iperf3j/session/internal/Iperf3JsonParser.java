package io.iperf3j.session.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.iperf3j.Direction;
import io.iperf3j.IntervalMetrics;
import io.iperf3j.Role;
import io.iperf3j.Transport;
import io.iperf3j.session.ParsedOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * iperf3's {@code -J} (one or more documents, as a long-running server prints one per
 * test) and {@code --json-stream} (an event per line, rebuilt into a document) into
 * samples: each interval's {@code sum} (and {@code sum_bidir_reverse}), the end's
 * {@code sum_sent}/{@code sum_received}. Works for iperf3j's and the real iperf3's
 * output (3.12 and 3.21 captures in the tests). Pure.
 */
public final class Iperf3JsonParser {
    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).maxStringLength(1 << 20).build())
            .build());

    private Iperf3JsonParser() {
    }

    /** Parses a {@code -J} or {@code --json-stream} output. */
    public static ParsedOutput parse(String text) {
        List<String> problems = new ArrayList<>();
        List<JsonNode> docs = new ArrayList<>();
        boolean stream = isStream(text);
        if (stream) {
            docs.add(rebuild(text, problems));
        } else {
            try (JsonParser p = MAPPER.createParser(text)) {
                while (p.nextToken() != null) {
                    docs.add(MAPPER.readTree(p));
                }
            } catch (IOException e) {
                problems.add("not valid iperf3 JSON after " + docs.size() + " document(s): " + firstLine(e.getMessage()));
            }
        }
        List<IntervalMetrics> samples = new ArrayList<>();
        ParsedOutput.Summary summary = ParsedOutput.Summary.NONE;
        Optional<String> error = Optional.empty();
        for (JsonNode doc : docs) {
            if (!doc.isObject()) {
                problems.add("a JSON value that is not an object");
                continue;
            }
            if (doc.hasNonNull("error")) {
                error = Optional.of(doc.get("error").asText());
            }
            read(doc, samples, problems);
            if (doc.has("end") && doc.get("end").size() > 0) {
                summary = summary(doc);
            }
        }
        return new ParsedOutput(stream ? ParsedOutput.Format.IPERF3_JSON_STREAM : ParsedOutput.Format.IPERF3_JSON,
                samples, summary, error, problems);
    }

    private static boolean isStream(String text) {
        String first = text.lines().map(String::strip).filter(s -> !s.isEmpty()).findFirst().orElse("");
        return first.startsWith("{\"event\"") || first.startsWith("{ \"event\"");
    }

    private static JsonNode rebuild(String text, List<String> problems) {
        ObjectNode doc = JsonNodeFactory.instance.objectNode();
        ArrayNode intervals = doc.putArray("intervals");
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            JsonNode event;
            try {
                event = MAPPER.readTree(line);
            } catch (IOException e) {
                problems.add("line " + (i + 1) + ": not JSON: " + (line.length() > 200 ? line.substring(0, 200) + "..." : line));
                continue;
            }
            String name = event.path("event").asText("");
            JsonNode data = event.path("data");
            switch (name) {
                case "start" -> doc.set("start", data);
                case "interval" -> intervals.add(data);
                case "end" -> doc.set("end", data);
                case "error" -> doc.put("error", data.asText());
                default -> problems.add("line " + (i + 1) + ": unknown event '" + name + "'");
            }
        }
        return doc;
    }

    private static void read(JsonNode doc, List<IntervalMetrics> samples, List<String> problems) {
        JsonNode start = doc.path("start");
        JsonNode testStart = start.path("test_start");
        Role role = start.has("connecting_to") ? Role.CLIENT : Role.SERVER;
        Transport transport = "UDP".equalsIgnoreCase(testStart.path("protocol").asText("TCP")) ? Transport.UDP
                : Transport.TCP;
        boolean reverse = testStart.path("reverse").asInt(0) != 0;
        double t0 = start.path("timestamp").path("timesecs").asDouble(Double.NaN);
        Direction forward = (role == Role.CLIENT) != reverse ? Direction.SENDER : Direction.RECEIVER;
        JsonNode intervals = doc.path("intervals");
        for (int i = 0; i < intervals.size(); i++) {
            JsonNode interval = intervals.get(i);
            JsonNode sum = interval.path("sum");
            if (sum.isMissingNode()) {
                problems.add("interval " + i + " has no sum");
                continue;
            }
            samples.add(sample(sum, interval.path("streams"), role, forward, transport, t0, problems, i));
            if (interval.has("sum_bidir_reverse")) {
                Direction back = forward == Direction.SENDER ? Direction.RECEIVER : Direction.SENDER;
                samples.add(sample(interval.get("sum_bidir_reverse"), interval.path("streams"), role, back, transport, t0,
                        problems, i));
            }
        }
    }

    private static IntervalMetrics sample(JsonNode sum, JsonNode streams, Role role, Direction fallback,
            Transport transport, double t0, List<String> problems, int index) {
        Direction direction = sum.has("sender") ? (sum.get("sender").asBoolean() ? Direction.SENDER : Direction.RECEIVER)
                : fallback;
        if (!sum.has("bytes") || !sum.has("seconds")) {
            problems.add("interval " + index + ": sum without bytes or seconds");
        }
        double start = sum.path("start").asDouble();
        double end = sum.path("end").asDouble();
        long bytes = sum.path("bytes").asLong();
        double seconds = sum.path("seconds").asDouble(end - start);
        int n = 0;
        double rtt = 0;
        double rttvar = 0;
        double cwnd = 0;
        double pmtu = 0;
        for (JsonNode s : streams) {
            if (s.path("sender").asBoolean(direction == Direction.SENDER) == (direction == Direction.SENDER) && s.has("rtt")) {
                n++;
                rtt += s.path("rtt").asDouble() / 1e6;
                rttvar += s.path("rttvar").asDouble() / 1e6;
                cwnd += s.path("snd_cwnd").asDouble();
                pmtu += s.path("pmtu").asDouble();
            }
        }
        boolean tcpSender = transport == Transport.TCP && direction == Direction.SENDER;
        boolean udpReceiver = transport == Transport.UDP && direction == Direction.RECEIVER;
        int streamCount = 0;
        for (JsonNode s : streams) {
            if (!s.has("sender") || s.get("sender").asBoolean() == (direction == Direction.SENDER)) {
                streamCount++;
            }
        }
        return new IntervalMetrics(role, direction, transport, Double.isNaN(t0) ? Double.NaN : t0 + end, start, end,
                seconds, bytes, sum.path("bits_per_second").asDouble(), Math.max(1, streamCount),
                sum.path("omitted").asBoolean(false), OptionalInt.empty(),
                tcpSender && sum.has("retransmits") ? OptionalLong.of(sum.get("retransmits").asLong()) : OptionalLong.empty(),
                tcpSender && n > 0 ? OptionalDouble.of(rtt / n) : OptionalDouble.empty(),
                tcpSender && n > 0 ? OptionalDouble.of(rttvar / n) : OptionalDouble.empty(),
                tcpSender && n > 0 ? OptionalDouble.of(cwnd / n) : OptionalDouble.empty(), OptionalDouble.empty(),
                tcpSender && n > 0 ? OptionalDouble.of(pmtu / n) : OptionalDouble.empty(),
                transport == Transport.UDP && sum.has("packets") ? OptionalLong.of(sum.get("packets").asLong())
                        : OptionalLong.empty(),
                udpReceiver && sum.has("lost_packets") ? OptionalLong.of(sum.get("lost_packets").asLong()) : OptionalLong.empty(),
                OptionalLong.empty(),
                udpReceiver && sum.has("jitter_ms") ? OptionalDouble.of(sum.get("jitter_ms").asDouble() / 1000)
                        : OptionalDouble.empty());
    }

    private static ParsedOutput.Summary summary(JsonNode doc) {
        JsonNode end = doc.path("end");
        JsonNode sent = end.path("sum_sent");
        JsonNode received = end.path("sum_received");
        if (sent.isMissingNode() && end.has("sum")) {
            sent = end.get("sum");
        }
        return new ParsedOutput.Summary(longOf(sent, "bytes"), doubleOf(sent, "bits_per_second"), longOf(received, "bytes"),
                doubleOf(received, "bits_per_second"), doubleOf(end.path("sum_received_bidir_reverse"), "bits_per_second"));
    }

    private static OptionalLong longOf(JsonNode n, String field) {
        return n.has(field) ? OptionalLong.of(n.get(field).asLong()) : OptionalLong.empty();
    }

    private static OptionalDouble doubleOf(JsonNode n, String field) {
        return n.has(field) ? OptionalDouble.of(n.get(field).asDouble()) : OptionalDouble.empty();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
