package io.iperf3j.internal.protocol;

import io.iperf3j.internal.json.JsonObject;
import io.iperf3j.internal.json.JsonTypeException;

import java.util.ArrayList;
import java.util.List;

/**
 * The results message each side sends at EXCHANGE_RESULTS (client first). Keys
 * and their order are iperf3 3.12's; reading checks the keys 3.12 requires and
 * their types.
 *
 * @param cpuTotal CPU use in percent of one core
 * @param cpuUser user part
 * @param cpuSystem system part
 * @param senderHasRetransmits -1 for a side in receiver mode, else 1 with TCP_INFO retransmits, 0 without
 * @param congestionUsed the TCP congestion control in use, or null
 * @param serverOutputJson server only: its JSON report for the client's {@code --get-server-output}, or null
 * @param serverOutputText server only: its text report, or null
 * @param streams per-stream figures
 */
public record TestResults(
        double cpuTotal,
        double cpuUser,
        double cpuSystem,
        int senderHasRetransmits,
        String congestionUsed,
        JsonObject serverOutputJson,
        String serverOutputText,
        List<StreamResult> streams) {

    public TestResults {
        streams = List.copyOf(streams);
    }

    /**
     * One stream's figures, from the point of view of the side that sends them.
     *
     * @param id stream id (1, 3, 4, ...)
     * @param bytes bytes sent (after omit) by a sending stream, received by a receiving one
     * @param retransmits TCP retransmits of a sending stream with TCP_INFO, else -1
     * @param jitter UDP jitter in seconds
     * @param errors UDP lost datagrams
     * @param omittedErrors the part of {@code errors} counted during the omit period
     * @param packets UDP datagrams sent, or the highest sequence received
     * @param omittedPackets the part of {@code packets} counted during the omit period
     * @param startTime always 0
     * @param endTime the stream's measured duration in seconds
     */
    public record StreamResult(int id, long bytes, long retransmits, double jitter, long errors, long omittedErrors,
                               long packets, long omittedPackets, double startTime, double endTime) {
    }

    public JsonObject toJson() {
        JsonObject j = new JsonObject();
        j.put("cpu_util_total", cpuTotal);
        j.put("cpu_util_user", cpuUser);
        j.put("cpu_util_system", cpuSystem);
        j.put("sender_has_retransmits", senderHasRetransmits);
        if (congestionUsed != null) {
            j.put("congestion_used", congestionUsed);
        }
        if (serverOutputJson != null) {
            j.put("server_output_json", serverOutputJson);
        }
        if (serverOutputText != null) {
            j.put("server_output_text", serverOutputText);
        }
        List<Object> list = new ArrayList<>(streams.size());
        for (StreamResult s : streams) {
            list.add(new JsonObject()
                    .put("id", s.id())
                    .put("bytes", s.bytes())
                    .put("retransmits", s.retransmits())
                    .put("jitter", s.jitter())
                    .put("errors", s.errors())
                    // 3.17+ read these, and take a missing pair as "every packet omitted"
                    // (a 3.21 client shows 0 sender packets against a 3.12 server); 3.12 ignores them.
                    .put("omitted_errors", s.omittedErrors())
                    .put("packets", s.packets())
                    .put("omitted_packets", s.omittedPackets())
                    .put("start_time", s.startTime())
                    .put("end_time", s.endTime()));
        }
        j.put("streams", list);
        return j;
    }

    /**
     * Reads a peer's results.
     *
     * @throws IperfException {@link ErrorCode#RECV_RESULTS} when a required key is
     *         missing or has the wrong type
     */
    public static TestResults fromJson(JsonObject j) throws IperfException {
        try {
            double total = required(j.getDouble("cpu_util_total"), "cpu_util_total");
            double user = required(j.getDouble("cpu_util_user"), "cpu_util_user");
            double system = required(j.getDouble("cpu_util_system"), "cpu_util_system");
            long shr = required(j.getLong("sender_has_retransmits"), "sender_has_retransmits");
            List<Object> raw = required(j.getArray("streams"), "streams");
            if (raw.size() > 4 * 128) {
                throw new IperfException(ErrorCode.RECV_RESULTS, "too many streams in results: " + raw.size());
            }
            List<StreamResult> streams = new ArrayList<>(raw.size());
            for (Object o : raw) {
                if (!(o instanceof JsonObject s)) {
                    throw new IperfException(ErrorCode.RECV_RESULTS, "a stream result is not an object");
                }
                long id = required(s.getLong("id"), "id");
                long bytes = required(s.getLong("bytes"), "bytes");
                long retransmits = required(s.getLong("retransmits"), "retransmits");
                double jitter = required(s.getDouble("jitter"), "jitter");
                long errors = required(s.getLong("errors"), "errors");
                long packets = required(s.getLong("packets"), "packets");
                Long omittedErrors = s.getLong("omitted_errors");
                Long omittedPackets = s.getLong("omitted_packets");
                Double start = s.getDouble("start_time");
                Double end = s.getDouble("end_time");
                if (id < 0 || id > Integer.MAX_VALUE) {
                    throw new IperfException(ErrorCode.STREAM_ID);
                }
                streams.add(new StreamResult((int) id, bytes, retransmits, jitter, errors,
                        omittedErrors == null ? 0 : omittedErrors, packets, omittedPackets == null ? 0 : omittedPackets,
                        start == null ? 0 : start, end == null ? 0 : end));
            }
            return new TestResults(total, user, system, (int) Math.max(-1, Math.min(1, shr)), j.getString("congestion_used"),
                    j.getObject("server_output_json"), j.getString("server_output_text"), streams);
        } catch (JsonTypeException e) {
            throw new IperfException(ErrorCode.RECV_RESULTS, e.getMessage());
        }
    }

    private static <T> T required(T value, String key) throws IperfException {
        if (value == null) {
            throw new IperfException(ErrorCode.RECV_RESULTS, "missing \"" + key + "\"");
        }
        return value;
    }
}
