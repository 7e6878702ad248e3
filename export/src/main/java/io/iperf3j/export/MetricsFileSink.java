package io.iperf3j.export;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.iperf3j.Direction;
import io.iperf3j.IntervalMetrics;
import io.iperf3j.MetricEvent;
import io.iperf3j.Why;
import io.iperf3j.Role;
import io.iperf3j.Transport;
import io.iperf3j.WindowMetrics;
import io.iperf3j.internal.files.FileReplacement;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Writes live metrics to one file, as iperf3-rs's {@code --metrics.file}. The file
 * is created (or truncated) when the sink is made, so a bad path fails before the
 * test starts.
 *
 * <p>{@link MetricsFileFormat#JSONL}: one JSON object per event and line, flushed
 * at once: {@code schema_version} (1), {@code event} ({@code "interval"},
 * {@code "window"} or {@code "gauges"}), then the sample's fields in snake case, enums as iperf3-rs
 * spells them ({@code "Client"}, {@code "Sender"}, {@code "Tcp"}), fields a
 * sample lacks as {@code null}, window gauge statistics as
 * {@code {"samples","mean","min","max"}} objects; a gauge set as {@code source},
 * {@code instance}, {@code monotonic_nanos} and {@code values} (an object, non-finite
 * values as {@code null}). Every event handed in is written (both halves of a
 * {@code --bidir} test, per-stream samples too).
 *
 * <p>{@link MetricsFileFormat#PROMETHEUS}: the latest exposition (the encoder's
 * families for one sample plus the {@code _run_*_total} counters), written to a
 * temporary file beside the target ({@code .<name>.tmp-<pid>-<n>}) and renamed over
 * it, so a reader (node_exporter's textfile collector) never sees half a file.
 * Which samples: see {@link HalfSelection}. For gauge sets the file holds the latest set
 * of every source and instance seen ({@link PrometheusEncoder#gaugesSnapshots}).
 *
 * <p>Not thread-safe: one writer thread.
 */
public final class MetricsFileSink implements AutoCloseable {
    /** The JSONL schema version. */
    public static final int SCHEMA_VERSION = 1;

    /** jackson-core's streaming writer: the objects are flat maps, so no data binding is needed. */
    private static final JsonFactory JSON = new JsonFactory();
    private final Path path;
    private final MetricsFileFormat format;
    private final PrometheusEncoder encoder;
    private final HalfSelection selection = new HalfSelection();
    private final Writer jsonl;
    private RunTotals totals = RunTotals.EMPTY;
    private final GaugeSets gaugeSets = new GaugeSets();
    /** The test's verdict once {@link #why(Why)} gave it, else null. */
    private Why why;
    /** The latest iperf3 sample or window written (null before the first), kept beside the gauge sets. */
    private MetricEvent lastSample;

    /**
     * Creates or truncates the file.
     *
     * @param encoder names, prefix and labels for the Prometheus format (ignored for JSONL)
     * @throws IOException if the file cannot be created
     */
    public MetricsFileSink(Path path, MetricsFileFormat format, PrometheusEncoder encoder) throws IOException {
        this.path = Objects.requireNonNull(path, "path");
        this.format = Objects.requireNonNull(format, "format");
        this.encoder = Objects.requireNonNull(encoder, "encoder");
        if (format == MetricsFileFormat.JSONL) {
            jsonl = new BufferedWriter(Files.newBufferedWriter(path, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE));
        } else {
            jsonl = null;
            Files.write(path, new byte[0]);
        }
    }

    /** The file. */
    public Path path() {
        return path;
    }

    /** The format. */
    public MetricsFileFormat format() {
        return format;
    }

    /**
     * Writes one event.
     *
     * @throws IOException if the file cannot be written
     */
    public void write(MetricEvent event) throws IOException {
        Objects.requireNonNull(event, "event");
        if (format == MetricsFileFormat.JSONL) {
            jsonl.write(toJson(jsonObject(event)));
            jsonl.write('\n');
            jsonl.flush();
            return;
        }
        if (!selection.accept(event)) {
            return;
        }
        totals = totals.plus(event);
        // The file holds the latest iperf3 sample and every gauge set together: writing one
        // kind must not wipe the other (a --latency run has both).
        if (event instanceof MetricEvent.Gauges g) {
            gaugeSets.update(g);
        } else {
            lastSample = event;
        }
        replace(encoder.encodeTogether(lastSample, totals, gaugeSets.current(), why));
    }

    /**
     * Writes the test's verdict ({@code --why}, {@code -V}): in a Prometheus file the family
     * {@link PrometheusEncoder#LIMITED} beside the latest sample, from now on; in JSONL one line
     * {@code {"schema_version":1,"event":"why","directions":[{"sender":"client","cause":"path","headline":"..."}]}}.
     *
     * @throws IOException if the file cannot be written
     */
    public void why(Why verdicts) throws IOException {
        Objects.requireNonNull(verdicts, "verdicts");
        if (format == MetricsFileFormat.JSONL) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("schema_version", SCHEMA_VERSION);
            o.put("event", "why");
            List<Object> dirs = new java.util.ArrayList<>();
            for (Why.DirectionWhy d : verdicts.directions()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("sender", d.senderIsClient() ? "client" : "server");
                m.put("cause", d.verdict().cause().key());
                m.put("headline", d.verdict().headline());
                dirs.add(m);
            }
            o.put("directions", dirs);
            jsonl.write(toJson(o));
            jsonl.write('\n');
            jsonl.flush();
            return;
        }
        why = verdicts;
        replace(encoder.encodeTogether(lastSample, totals, gaugeSets.current(), why));
    }

    private void replace(String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        FileReplacement.write(path, out -> out.write(bytes));
    }

    /** Closes the JSONL file (a Prometheus file has nothing open). */
    @Override
    public void close() throws IOException {
        if (jsonl != null) {
            jsonl.close();
        }
    }

    /** The JSONL object of one event, in field order. */
    public static Map<String, Object> jsonObject(MetricEvent event) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("schema_version", SCHEMA_VERSION);
        switch (event) {
            case MetricEvent.Interval(IntervalMetrics m) -> {
                o.put("event", "interval");
                context(o, m.timestampUnixSeconds(), m.role(), m.direction(), m.transport(), m.streamId());
                o.put("start_seconds", m.startSeconds());
                o.put("end_seconds", m.endSeconds());
                o.put("interval_duration_seconds", m.durationSeconds());
                o.put("transferred_bytes", m.transferredBytes());
                o.put("bandwidth_bits_per_second", m.bandwidthBitsPerSecond());
                o.put("stream_count", m.streamCount());
                o.put("omitted", m.omitted());
                o.put("tcp_retransmits", value(m.tcpRetransmits()));
                o.put("tcp_rtt_seconds", value(m.tcpRttSeconds()));
                o.put("tcp_rttvar_seconds", value(m.tcpRttvarSeconds()));
                o.put("tcp_snd_cwnd_bytes", value(m.tcpSndCwndBytes()));
                o.put("tcp_snd_wnd_bytes", value(m.tcpSndWndBytes()));
                o.put("tcp_pmtu_bytes", value(m.tcpPmtuBytes()));
                o.put("udp_packets", value(m.udpPackets()));
                o.put("udp_lost_packets", value(m.udpLostPackets()));
                o.put("udp_out_of_order_packets", value(m.udpOutOfOrderPackets()));
                o.put("udp_jitter_seconds", value(m.udpJitterSeconds()));
            }
            case MetricEvent.Window(WindowMetrics w) -> {
                o.put("event", "window");
                context(o, w.timestampUnixSeconds(), w.role(), w.direction(), w.transport(), w.streamId());
                o.put("samples", w.samples());
                o.put("start_seconds", w.startSeconds());
                o.put("end_seconds", w.endSeconds());
                o.put("duration_seconds", w.durationSeconds());
                o.put("transferred_bytes", w.transferredBytes());
                o.put("stream_count", w.streamCount());
                o.put("omitted_intervals", w.omittedIntervals());
                o.put("bandwidth_bits_per_second", stats(Optional.of(w.bandwidthBitsPerSecond())));
                o.put("tcp_retransmits", value(w.tcpRetransmits()));
                o.put("tcp_rtt_seconds", stats(w.tcpRttSeconds()));
                o.put("tcp_rttvar_seconds", stats(w.tcpRttvarSeconds()));
                o.put("tcp_snd_cwnd_bytes", stats(w.tcpSndCwndBytes()));
                o.put("tcp_snd_wnd_bytes", stats(w.tcpSndWndBytes()));
                o.put("tcp_pmtu_bytes", stats(w.tcpPmtuBytes()));
                o.put("udp_packets", value(w.udpPackets()));
                o.put("udp_lost_packets", value(w.udpLostPackets()));
                o.put("udp_out_of_order_packets", value(w.udpOutOfOrderPackets()));
                o.put("udp_jitter_seconds", stats(w.udpJitterSeconds()));
            }
            case MetricEvent.Gauges g -> {
                o.put("event", "gauges");
                o.put("source", g.source());
                o.put("instance", g.instance());
                o.put("monotonic_nanos", g.monotonicNanos());
                Map<String, Object> values = new LinkedHashMap<>();
                g.values().forEach((k, v) -> values.put(k, finite(v)));
                o.put("values", values);
            }
        }
        return o;
    }

    private static void context(Map<String, Object> o, double timestamp, Role role, Direction direction,
                                Transport transport, OptionalInt streamId) {
        o.put("timestamp_unix_seconds", timestamp);
        o.put("role", role == Role.CLIENT ? "Client" : "Server");
        o.put("direction", direction == Direction.SENDER ? "Sender" : "Receiver");
        o.put("protocol", transport == Transport.TCP ? "Tcp" : "Udp");
        o.put("stream_id", streamId.isPresent() ? streamId.getAsInt() : null);
    }

    /** One JSON object on one line, fields in the map's order (values: maps, strings, numbers, null). */
    static String toJson(Map<String, Object> object) throws IOException {
        StringWriter text = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(text)) {
            writeValue(g, object);
        }
        return text.toString();
    }

    private static void writeValue(JsonGenerator g, Object v) throws IOException {
        switch (v) {
            case null -> g.writeNull();
            case Map<?, ?> m -> {
                g.writeStartObject();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    g.writeFieldName(String.valueOf(e.getKey()));
                    writeValue(g, e.getValue());
                }
                g.writeEndObject();
            }
            case List<?> l -> {
                g.writeStartArray();
                for (Object o : l) {
                    writeValue(g, o);
                }
                g.writeEndArray();
            }
            case String s -> g.writeString(s);
            case Integer i -> g.writeNumber(i);
            case Long l -> g.writeNumber(l);
            case Double d -> g.writeNumber(d);
            case Boolean b -> g.writeBoolean(b);
            default -> throw new IllegalArgumentException("no JSON form for " + v.getClass());
        }
    }

    private static Object value(OptionalLong v) {
        return v.isPresent() ? v.getAsLong() : null;
    }

    private static Object value(OptionalDouble v) {
        return v.isPresent() ? finite(v.getAsDouble()) : null;
    }

    private static Object finite(double d) {
        return Double.isFinite(d) ? d : null;
    }

    private static Object stats(Optional<WindowMetrics.GaugeStats> s) {
        if (s.isEmpty()) {
            return null;
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("samples", s.get().samples());
        o.put("mean", finite(s.get().mean()));
        o.put("min", finite(s.get().min()));
        o.put("max", finite(s.get().max()));
        return o;
    }
}
