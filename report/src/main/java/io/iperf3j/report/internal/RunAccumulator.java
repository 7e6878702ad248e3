package io.iperf3j.report.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects the parts of one run as a reader meets them (start, each interval, end, error,
 * the server's output) and builds the {@link RunDocument}. The -J reader and the --json-stream
 * reader both feed it, so both formats give the same page.
 */
public final class RunAccumulator {
    /** Per-interval keys charted or tabled, in the order tables show them. */
    static final List<String> METRICS = List.of("bits_per_second", "bytes", "retransmits", "snd_cwnd", "snd_wnd",
            "rtt", "rttvar", "pmtu", "jitter_ms", "lost_packets", "packets", "lost_percent", "out_of_order");

    private final String source;
    /** The document's own intervals: the client's, or the server's in a server's -J document. */
    private ViewBuilder own;
    private JsonNode start;
    private JsonNode end;
    private String error;
    private JsonNode serverOutput;
    private String title;
    private String extraData;

    /** @param source the input's name, for error messages */
    public RunAccumulator(String source) {
        this.source = source;
    }

    public void start(JsonNode node) {
        start = node;
    }

    public void interval(JsonNode node) throws InputFormatException {
        own().add(node, source);
    }

    public void end(JsonNode node) {
        end = node;
    }

    public void error(String text) {
        error = Texts.cut(text);
    }

    /** The top-level {@code title} (-T) and {@code extra_data} (--extra-data) of a -J document. */
    public void titleAndExtra(String title, String extraData) {
        if (title != null) {
            this.title = Texts.cut(title);
        }
        if (extraData != null) {
            this.extraData = Texts.cut(extraData);
        }
    }

    public void serverOutput(JsonNode node) {
        serverOutput = node;
    }

    /** Whether anything iperf3-like was seen (garbage JSON has none of these). */
    public boolean sawRunPart() {
        return start != null || end != null || error != null || (own != null && own.size() > 0);
    }

    public RunDocument build(String label, RawInput raw) throws InputFormatException {
        List<RunView> views = new ArrayList<>();
        views.add(own().build());
        JsonNode serverStart = null;
        if (serverOutput != null && serverOutput.isObject()) {
            ViewBuilder server = new ViewBuilder("server");
            JsonNode intervals = serverOutput.path("intervals");
            for (JsonNode interval : intervals) {
                server.add(interval, source + " (server_output_json)");
            }
            if (server.size() > 0) {
                views.add(server.build());
            }
            serverStart = serverOutput.path("start");
        }
        boolean bidir = views.getFirst().series().stream().anyMatch(x -> !x.stream() && !x.clientToServer())
                && views.getFirst().series().stream().anyMatch(x -> !x.stream() && x.clientToServer());
        ObjectNode summary = RunSummary.of(start, end, serverStart, error, bidir);
        ObjectNode latency = LatencySummary.of(end == null ? null : end.get("latency"), source);
        if (latency != null) {
            summary.set("latency", latency);
        }
        if (title != null) {
            summary.put("title", title);
        }
        if (extraData != null) {
            summary.put("extra_data", extraData);
        }
        return new RunDocument(Texts.cut(label), summary, error, List.copyOf(views), raw);
    }

    private ViewBuilder own() {
        if (own == null) {
            boolean serverDocument = start != null && start.has("accepted_connection");
            own = new ViewBuilder(serverDocument ? "server" : "client");
        }
        return own;
    }

    /** The intervals of one side, column by column. */
    private static final class ViewBuilder {
        private final String side;
        private final DoubleColumn start = new DoubleColumn();
        private final DoubleColumn end = new DoubleColumn();
        private final List<Boolean> omitted = new ArrayList<>();
        private final Map<String, SeriesBuilder> series = new LinkedHashMap<>();
        /** The intervals' latency figures (iperf3j --latency), created at the first interval that has them. */
        private Map<String, DoubleColumn> latency;

        ViewBuilder(String side) {
            this.side = side;
        }

        int size() {
            return start.size();
        }

        void add(JsonNode interval, String source) throws InputFormatException {
            if (!interval.isObject()) {
                throw new InputFormatException(source + ": interval " + (size() + 1) + " is not a JSON object");
            }
            JsonNode sum = interval.path("sum");
            if (!sum.isObject()) {
                throw new InputFormatException(source + ": interval " + (size() + 1) + " has no \"sum\" object");
            }
            if (size() >= InputLimits.MAX_INTERVALS) {
                throw new InputFormatException(source + ": more than " + InputLimits.MAX_INTERVALS + " intervals");
            }
            int index = size();
            start.add(number(sum, "start"));
            end.add(number(sum, "end"));
            omitted.add(sum.path("omitted").asBoolean(false));
            JsonNode streams = interval.path("streams");
            for (JsonNode stream : streams) {
                // UDP intervals nest nothing, but end.streams wraps each in "udp"/"sender"; intervals never do.
                String socket = stream.path("socket").asText("?");
                record(index, "stream " + socket, true, stream, source);
            }
            record(index, "sum", false, sum, source);
            JsonNode reverse = interval.path("sum_bidir_reverse");
            if (reverse.isObject()) {
                record(index, "sum", false, reverse, source);
            }
            JsonNode rtt = interval.path("latency");
            if (rtt.isObject()) {
                if (latency == null) {
                    latency = new LinkedHashMap<>();
                    for (String key : LatencySummary.FIGURES) {
                        latency.put(key, new DoubleColumn());
                    }
                }
                for (String key : LatencySummary.FIGURES) {
                    latency.get(key).set(index, number(rtt, key));
                }
            }
        }

        private void record(int index, String name, boolean stream, JsonNode node, String source) throws InputFormatException {
            boolean sender = node.path("sender").asBoolean(side.equals("client"));
            boolean clientSends = side.equals("client") == sender;
            String key = name + (clientSends ? " >" : " <");
            SeriesBuilder b = series.get(key);
            if (b == null) {
                if (series.size() >= InputLimits.MAX_SERIES) {
                    throw new InputFormatException(source + ": more than " + InputLimits.MAX_SERIES + " streams and sums");
                }
                b = new SeriesBuilder(name, stream, clientSends, sender);
                series.put(key, b);
            }
            b.set(index, node);
        }

        RunView build() {
            int n = size();
            boolean[] om = new boolean[n];
            for (int i = 0; i < n; i++) {
                om[i] = omitted.get(i);
            }
            List<Series> out = new ArrayList<>();
            // sums first, then streams, each direction client-to-server first
            for (boolean wantStream : new boolean[] {false, true}) {
                for (boolean c2s : new boolean[] {true, false}) {
                    for (SeriesBuilder b : series.values()) {
                        if (b.stream == wantStream && b.clientToServer == c2s) {
                            out.add(b.build(n));
                        }
                    }
                }
            }
            Map<String, double[]> rtt = new LinkedHashMap<>();
            if (latency != null) {
                latency.forEach((key, column) -> rtt.put(key, column.toArray(n)));
            }
            return new RunView(side, start.toArray(n), end.toArray(n), om, List.copyOf(out), rtt);
        }
    }

    private static final class SeriesBuilder {
        final String name;
        final boolean stream;
        final boolean clientToServer;
        final boolean sender;
        final Map<String, DoubleColumn> metrics = new LinkedHashMap<>();

        SeriesBuilder(String name, boolean stream, boolean clientToServer, boolean sender) {
            this.name = name;
            this.stream = stream;
            this.clientToServer = clientToServer;
            this.sender = sender;
        }

        void set(int index, JsonNode node) {
            for (String metric : METRICS) {
                JsonNode v = node.get(metric);
                if (v != null && v.isNumber()) {
                    metrics.computeIfAbsent(metric, k -> new DoubleColumn()).set(index, v.asDouble());
                }
            }
        }

        Series build(int n) {
            Map<String, double[]> m = new LinkedHashMap<>();
            for (String metric : METRICS) {
                DoubleColumn c = metrics.get(metric);
                if (c != null) {
                    m.put(metric, c.toArray(n));
                }
            }
            return new Series(name, stream, clientToServer, sender, m);
        }
    }

    private static double number(JsonNode node, String key) {
        JsonNode v = node.get(key);
        return v != null && v.isNumber() ? v.asDouble() : Double.NaN;
    }

    /** A growable double array whose unset slots are NaN. */
    private static final class DoubleColumn {
        private double[] values = new double[16];
        private int size;

        void add(double v) {
            set(size, v);
        }

        void set(int index, double v) {
            if (index >= values.length) {
                int old = values.length;
                values = java.util.Arrays.copyOf(values, Math.max(index + 1, old * 2));
                java.util.Arrays.fill(values, old, values.length, Double.NaN);
            }
            if (index >= size) {
                java.util.Arrays.fill(values, size, index, Double.NaN);
                size = index + 1;
            }
            values[index] = v;
        }

        int size() {
            return size;
        }

        double[] toArray(int n) {
            double[] out = java.util.Arrays.copyOf(values, n);
            if (size < n) {
                java.util.Arrays.fill(out, size, n, Double.NaN);
            }
            return out;
        }
    }

    static JsonNodeFactory nodes() {
        return JsonNodeFactory.instance;
    }
}
