package io.iperf3j.report.internal;

import io.iperf3j.IperfInterval;
import io.iperf3j.IperfJsonReader;
import io.iperf3j.IperfRun;
import io.iperf3j.IperfSample;
import io.iperf3j.Role;
import io.iperf3j.RttFigures;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * Collects one run's intervals as core's {@link IperfJsonReader} streams them (an {@link IperfJsonReader.IntervalSink})
 * and builds the {@link RunDocument} with the rest of the {@link IperfRun}: the -J document and --json-stream give
 * the same page.
 */
public final class RunAccumulator implements IperfJsonReader.IntervalSink {
    /** Per-interval keys charted or tabled, in the order tables show them, and where each comes from. */
    static final Map<String, Function<IperfSample, OptionalDouble>> METRICS = metrics();

    private final String source;
    /** The document's own intervals: the client's, or the server's in a server's -J document. */
    private ViewBuilder own;

    /** An {@link InputFormatException} out of the sink; {@link RunReader} unwraps it. */
    static final class Unchecked extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unchecked(InputFormatException cause) {
            super(cause);
        }

        @Override
        public synchronized InputFormatException getCause() {
            return (InputFormatException) super.getCause();
        }
    }

    /** @param source the input's name, for error messages */
    public RunAccumulator(String source) {
        this.source = source;
    }

    @Override
    public void accept(int run, Optional<Role> role, IperfInterval interval) {
        if (own == null) {
            own = new ViewBuilder(role.orElse(Role.CLIENT) == Role.SERVER ? "server" : "client");
        }
        try {
            own.add(interval, source);
        } catch (InputFormatException e) {
            throw new Unchecked(e);
        }
    }

    public RunDocument build(String label, RawInput raw, IperfRun run) throws InputFormatException {
        if (own == null) {
            own = new ViewBuilder(run.role().orElse(Role.CLIENT) == Role.SERVER ? "server" : "client");
        }
        List<RunView> views = new ArrayList<>();
        views.add(own.build());
        Optional<IperfRun.Start> serverStart = Optional.empty();
        if (run.serverOutput().isPresent()) {
            IperfRun server = run.serverOutput().get();
            ViewBuilder b = new ViewBuilder("server");
            for (IperfInterval interval : server.intervals()) {
                b.add(interval, source + " (server_output_json)");
            }
            if (b.size() > 0) {
                views.add(b.build());
            }
            serverStart = Optional.of(server.start().orElse(new IperfRun.Start("", "", OptionalDouble.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(), List.of(), Optional.empty())));
        }
        boolean bidir = views.getFirst().series().stream().anyMatch(x -> !x.stream() && !x.clientToServer())
                && views.getFirst().series().stream().anyMatch(x -> !x.stream() && x.clientToServer());
        String error = run.error().map(Texts::cut).orElse(null);
        ObjectNode summary = RunSummary.of(run, serverStart, error, bidir);
        run.latency().ifPresent(l -> summary.set("latency", LatencySummary.of(l)));
        run.title().ifPresent(t -> summary.put("title", Texts.cut(t)));
        run.extraData().ifPresent(t -> summary.put("extra_data", Texts.cut(t)));
        return new RunDocument(Texts.cut(label), summary, error, List.copyOf(views), raw);
    }

    private static Map<String, Function<IperfSample, OptionalDouble>> metrics() {
        Map<String, Function<IperfSample, OptionalDouble>> m = new LinkedHashMap<>();
        m.put("bits_per_second", s -> Double.isNaN(s.bitsPerSecond()) ? OptionalDouble.empty()
                : OptionalDouble.of(s.bitsPerSecond()));
        m.put("bytes", s -> OptionalDouble.of(s.bytes()));
        m.put("retransmits", s -> of(s.retransmits()));
        m.put("snd_cwnd", s -> of(s.sndCwnd()));
        m.put("snd_wnd", s -> of(s.sndWnd()));
        m.put("rtt", s -> of(s.rttMicros()));
        m.put("rttvar", s -> of(s.rttvarMicros()));
        m.put("pmtu", s -> of(s.pmtu()));
        m.put("jitter_ms", IperfSample::jitterMillis);
        m.put("lost_packets", s -> of(s.lostPackets()));
        m.put("packets", s -> of(s.packets()));
        m.put("lost_percent", IperfSample::lostPercent);
        m.put("out_of_order", s -> of(s.outOfOrder()));
        return java.util.Collections.unmodifiableMap(m);
    }

    private static OptionalDouble of(OptionalLong v) {
        return v.isPresent() ? OptionalDouble.of(v.getAsLong()) : OptionalDouble.empty();
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

        void add(IperfInterval interval, String source) throws InputFormatException {
            if (size() >= InputLimits.MAX_INTERVALS) {
                throw new InputFormatException(source + ": more than " + InputLimits.MAX_INTERVALS + " intervals");
            }
            int index = size();
            IperfSample sum = interval.sum();
            start.add(sum.start());
            end.add(sum.end());
            omitted.add(sum.omitted());
            for (IperfSample stream : interval.streams()) {
                String socket = stream.socket().isPresent() ? Integer.toString(stream.socket().getAsInt()) : "?";
                record(index, "stream " + socket, true, stream, source);
            }
            record(index, "sum", false, sum, source);
            if (interval.sumBidirReverse().isPresent()) {
                record(index, "sum", false, interval.sumBidirReverse().get(), source);
            }
            if (interval.latency().isPresent()) {
                RttFigures rtt = interval.latency().get();
                if (latency == null) {
                    latency = new LinkedHashMap<>();
                    for (String key : LatencySummary.FIGURES) {
                        latency.put(key, new DoubleColumn());
                    }
                }
                double[] values = {rtt.count(), rtt.lost(), rtt.minMicros(), rtt.p50Micros(), rtt.p90Micros(),
                        rtt.p99Micros(), rtt.maxMicros()};
                for (int k = 0; k < values.length; k++) {
                    latency.get(LatencySummary.FIGURES.get(k)).set(index, values[k]);
                }
            }
        }

        private void record(int index, String name, boolean stream, IperfSample sample, String source)
                throws InputFormatException {
            boolean sender = sample.sender();
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
            b.set(index, sample);
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

        void set(int index, IperfSample sample) {
            for (Map.Entry<String, Function<IperfSample, OptionalDouble>> metric : METRICS.entrySet()) {
                OptionalDouble v = metric.getValue().apply(sample);
                if (v.isPresent()) {
                    metrics.computeIfAbsent(metric.getKey(), k -> new DoubleColumn()).set(index, v.getAsDouble());
                }
            }
        }

        Series build(int n) {
            Map<String, double[]> m = new LinkedHashMap<>();
            for (String metric : METRICS.keySet()) {
                DoubleColumn c = metrics.get(metric);
                if (c != null) {
                    m.put(metric, c.toArray(n));
                }
            }
            return new Series(name, stream, clientToServer, sender, m);
        }
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
}
