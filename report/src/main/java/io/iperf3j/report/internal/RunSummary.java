package io.iperf3j.report.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * The facts a report's header shows, taken from a run's {@code start} and {@code end} objects:
 * who to whom, protocol, streams, duration, the sender and receiver rates, retransmits, loss,
 * versions and an equivalent command line (iperf3's JSON does not record the command itself).
 * Keys absent from the input are absent here (never shown as 0).
 */
final class RunSummary {
    private RunSummary() {
    }

    static ObjectNode of(JsonNode start, JsonNode end, JsonNode serverStart, String error, boolean bidir) {
        ObjectNode s = JsonNodeFactory.instance.objectNode();
        JsonNode st = start == null ? JsonNodeFactory.instance.objectNode() : start;
        JsonNode en = end == null ? JsonNodeFactory.instance.objectNode() : end;
        JsonNode ts = st.path("test_start");
        JsonNode connected = st.path("connected").path(0);
        boolean serverDocument = st.has("accepted_connection");
        s.put("role", serverDocument ? "server" : "client");
        if (serverDocument) {
            JsonNode a = st.path("accepted_connection");
            putText(s, "client", hostPort(a.path("host"), a.path("port")));
            putText(s, "server", hostPort(connected.path("local_host"), connected.path("local_port")));
        } else {
            putText(s, "client", hostPort(connected.path("local_host"), connected.path("local_port")));
            JsonNode to = st.path("connecting_to");
            putText(s, "server", to.isObject() ? hostPort(to.path("host"), to.path("port"))
                    : hostPort(connected.path("remote_host"), connected.path("remote_port")));
        }
        copyText(ts, "protocol", s, "protocol");
        copyNumber(ts, "num_streams", s, "streams");
        copyNumber(ts, "duration", s, "duration");
        copyNumber(ts, "bytes", s, "bytes");
        copyNumber(ts, "blocks", s, "blocks");
        copyNumber(ts, "omit", s, "omit");
        copyNumber(ts, "blksize", s, "blksize");
        copyNumber(ts, "target_bitrate", s, "target_bitrate");
        boolean reverse = ts.path("reverse").asInt(0) != 0;
        boolean bidirFlag = bidir || ts.path("bidir").asInt(0) != 0 || en.has("sum_sent_bidir_reverse");
        s.put("mode", bidirFlag ? "bidir" : reverse ? "reverse" : "normal");
        copyText(st, "version", s, "version");
        copyText(st, "system_info", s, "system_info");
        copyText(st.path("timestamp"), "time", s, "time");
        if (serverStart != null) {
            copyText(serverStart, "version", s, "remote_version");
            copyText(serverStart, "system_info", s, "remote_system_info");
        }
        rates(en, "", s, "");
        rates(en, "_bidir_reverse", s, "reverse_");
        JsonNode udp = en.path("sum");
        if (udp.isObject()) {
            copyNumber(udp, "jitter_ms", s, "jitter_ms");
            copyNumber(udp, "lost_packets", s, "lost_packets");
            copyNumber(udp, "packets", s, "packets");
            copyNumber(udp, "lost_percent", s, "lost_percent");
        }
        JsonNode udpReverse = en.path("sum_bidir_reverse");
        if (udpReverse.isObject()) {
            copyNumber(udpReverse, "jitter_ms", s, "reverse_jitter_ms");
            copyNumber(udpReverse, "lost_percent", s, "reverse_lost_percent");
        }
        long outOfOrder = 0;
        boolean anyOutOfOrder = false;
        for (JsonNode stream : en.path("streams")) {
            JsonNode u = stream.path("udp");
            if (u.has("out_of_order")) {
                anyOutOfOrder = true;
                outOfOrder += u.path("out_of_order").asLong();
            }
        }
        if (anyOutOfOrder) {
            s.put("out_of_order", outOfOrder);
        }
        JsonNode cpu = en.path("cpu_utilization_percent");
        copyNumber(cpu, "host_total", s, "cpu_local_percent");
        copyNumber(cpu, "remote_total", s, "cpu_remote_percent");
        copyText(en, "sender_tcp_congestion", s, "sender_congestion");
        copyText(en, "receiver_tcp_congestion", s, "receiver_congestion");
        if (error != null) {
            s.put("error", error);
        }
        s.put("command", command(st, ts, en.path("latency"), bidirFlag, reverse));
        return s;
    }

    private static void rates(JsonNode end, String suffix, ObjectNode s, String prefix) {
        JsonNode sent = end.path("sum_sent" + suffix);
        JsonNode received = end.path("sum_received" + suffix);
        copyNumber(sent, "bits_per_second", s, prefix + "sender_bits_per_second");
        copyNumber(received, "bits_per_second", s, prefix + "receiver_bits_per_second");
        copyNumber(sent, "bytes", s, prefix + "sender_bytes");
        copyNumber(received, "bytes", s, prefix + "receiver_bytes");
        copyNumber(sent, "retransmits", s, prefix + "retransmits");
    }

    /** iperf3's options that the start object records, as a command line. */
    private static String command(JsonNode st, JsonNode ts, JsonNode latency, boolean bidir, boolean reverse) {
        // --latency (docs/design/latency.md) is iperf3j's own option
        List<String> args = new ArrayList<>(List.of(latency.isObject() ? "iperf3j" : "iperf3"));
        if (st.has("accepted_connection")) {
            args.add("-s");
        } else {
            JsonNode to = st.path("connecting_to");
            args.add("-c");
            args.add(to.path("host").asText(st.path("connected").path(0).path("remote_host").asText("HOST")));
            int port = to.path("port").asInt(5201);
            if (port != 5201) {
                args.add("-p");
                args.add(Integer.toString(port));
            }
        }
        if ("UDP".equalsIgnoreCase(ts.path("protocol").asText())) {
            args.add("-u");
        }
        int streams = ts.path("num_streams").asInt(1);
        if (streams > 1) {
            args.add("-P");
            args.add(Integer.toString(streams));
        }
        long bytes = ts.path("bytes").asLong(0);
        long blocks = ts.path("blocks").asLong(0);
        if (bytes > 0) {
            args.add("-n");
            args.add(Long.toString(bytes));
        } else if (blocks > 0) {
            args.add("-k");
            args.add(Long.toString(blocks));
        } else if (ts.has("duration")) {
            args.add("-t");
            args.add(ts.path("duration").asText());
        }
        if (ts.path("omit").asInt(0) > 0) {
            args.add("-O");
            args.add(ts.path("omit").asText());
        }
        long rate = ts.path("target_bitrate").asLong(0);
        if (rate > 0 && !(rate == 1_000_000 && "UDP".equalsIgnoreCase(ts.path("protocol").asText()))) {
            args.add("-b");
            args.add(Long.toString(rate));
        }
        if (bidir) {
            args.add("--bidir");
        } else if (reverse) {
            args.add("-R");
        }
        if (latency.isObject()) {
            int every = latency.path("interval_ms").asInt(10);
            args.add(every == 10 ? "--latency" : "--latency=" + every);
        }
        args.add("-J");
        return String.join(" ", args);
    }

    private static String hostPort(JsonNode host, JsonNode port) {
        if (host.isMissingNode() || host.isNull()) {
            return null;
        }
        String h = host.asText();
        if (h.contains(":")) {
            h = "[" + h + "]";
        }
        return port.isNumber() ? h + ":" + port.asText() : h;
    }

    private static void putText(ObjectNode s, String key, String value) {
        if (value != null) {
            s.put(key, Texts.cut(value));
        }
    }

    private static void copyText(JsonNode from, String key, ObjectNode to, String as) {
        JsonNode v = from.get(key);
        if (v != null && v.isValueNode() && !v.isNull()) {
            to.put(as, Texts.cut(v.asText()));
        }
    }

    private static void copyNumber(JsonNode from, String key, ObjectNode to, String as) {
        JsonNode v = from.get(key);
        if (v != null && v.isNumber()) {
            to.set(as, v);
        }
    }
}
