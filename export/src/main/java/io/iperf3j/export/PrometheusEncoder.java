package io.iperf3j.export;

import io.iperf3j.Cause;
import io.iperf3j.IntervalMetrics;
import io.iperf3j.MetricEvent;
import io.iperf3j.WindowMetrics;
import io.iperf3j.Why;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Encodes interval samples and windows as Prometheus text exposition (format
 * 0.0.4), through the Prometheus Java client's model and text writer: HELP and
 * TYPE lines, label escaping and number formatting are the client's. The metric
 * list is in the {@linkplain io.iperf3j.export package documentation}.
 *
 * <p>Every sample gets the encoder's fixed labels and no others (no role,
 * direction or protocol label, as iperf3-rs). Optional protocol fields that a
 * sample lacks are left out, never written as zero; window statistics with no
 * sample are left out too. With {@link RunTotals} the cumulative
 * {@code <prefix>_run_*_total} counters are added. Immutable and thread-safe.
 */
public final class PrometheusEncoder {
    /** The content type of what {@link #encode(MetricSnapshots)} writes. */
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    /** The prefix of the families of {@link MetricEvent.Gauges}. */
    public static final String GAUGES_PREFIX = "iperf3j";

    private static final PrometheusTextFormatWriter WRITER = PrometheusTextFormatWriter.builder()
            .setIncludeCreatedTimestamps(false).build();

    private final String prefix;
    private final Labels labels;
    private final Map<String, String> labelMap;
    private final MetricNaming naming;

    /** An encoder with the default prefix {@code iperf3}, no labels and {@link MetricNaming#PROMETHEUS} names. */
    public PrometheusEncoder() {
        this(Names.DEFAULT_PREFIX, Map.of(), MetricNaming.PROMETHEUS);
    }

    /**
     * An encoder.
     *
     * @param prefix metric-name prefix, {@code [A-Za-z_][A-Za-z0-9_]*}
     * @param labels fixed labels put on every sample, in this order
     * @param naming which names the families get
     * @throws IllegalArgumentException for an invalid prefix or label
     */
    public PrometheusEncoder(String prefix, Map<String, String> labels, MetricNaming naming) {
        this.prefix = Names.requirePrefix(prefix);
        this.labelMap = Map.copyOf(Names.requireLabels(labels));
        Labels.Builder b = Labels.builder();
        Names.requireLabels(labels).forEach(b::label);
        this.labels = b.build();
        this.naming = Objects.requireNonNull(naming, "naming");
    }

    /** The metric-name prefix. */
    public String prefix() {
        return prefix;
    }

    /** The fixed labels. */
    public Map<String, String> labels() {
        return labelMap;
    }

    /** The naming scheme. */
    public MetricNaming naming() {
        return naming;
    }

    /** The exposition of one interval sample, without run totals. */
    public String encodeInterval(IntervalMetrics m) {
        return encode(intervalSnapshots(m, null));
    }

    /** The exposition of one interval sample and the run totals so far. */
    public String encodeInterval(IntervalMetrics m, RunTotals totals) {
        return encode(intervalSnapshots(m, Objects.requireNonNull(totals, "totals")));
    }

    /** The exposition of one window, without run totals. */
    public String encodeWindow(WindowMetrics w) {
        return encode(windowSnapshots(w, null));
    }

    /** The exposition of one window and the run totals so far. */
    public String encodeWindow(WindowMetrics w, RunTotals totals) {
        return encode(windowSnapshots(w, Objects.requireNonNull(totals, "totals")));
    }

    /** The exposition of either kind of event, with the run totals (may be null). */
    public String encode(MetricEvent event, RunTotals totals) {
        return encode(snapshots(event, totals));
    }

    /**
     * The snapshots of any kind of event, with the run totals (may be null; gauge sets carry no
     * totals). A {@link MetricEvent.Gauges} alone gives its own families only; use
     * {@link #gaugesSnapshots(Collection)} to write several instances together.
     */
    public MetricSnapshots snapshots(MetricEvent event, RunTotals totals) {
        return switch (event) {
            case MetricEvent.Interval(IntervalMetrics m) -> intervalSnapshots(m, totals);
            case MetricEvent.Window(WindowMetrics w) -> windowSnapshots(w, totals);
            case MetricEvent.Gauges g -> gaugesSnapshots(List.of(g));
        };
    }

    /**
     * One exposition of everything a replacing target (a Pushgateway PUT, a Prometheus file) must
     * hold at once: an iperf3 sample or window (null when there is none yet) with its run totals,
     * and the latest gauge sets (a {@code --latency} probe's round trips beside the throughput).
     */
    public String encodeTogether(MetricEvent sample, RunTotals totals, Collection<MetricEvent.Gauges> sets) {
        return encodeTogether(sample, totals, sets, null);
    }

    /**
     * As {@link #encodeTogether(MetricEvent, RunTotals, Collection)}, and the test's verdict ({@code --why},
     * {@code -V}; null when there is none yet): {@link #whySnapshots(Why)}.
     */
    public String encodeTogether(MetricEvent sample, RunTotals totals, Collection<MetricEvent.Gauges> sets, Why why) {
        List<MetricSnapshot> all = new ArrayList<>();
        if (sample != null) {
            if (sample instanceof MetricEvent.Gauges) {
                throw new IllegalArgumentException("a gauge set goes in sets, not as the sample");
            }
            snapshots(sample, totals).forEach(all::add);
        }
        gaugesSnapshots(sets).forEach(all::add);
        if (why != null) {
            whySnapshots(why).forEach(all::add);
        }
        return encode(new MetricSnapshots(all));
    }

    /** The name of {@link #whySnapshots(Why)}'s family. */
    public static final String LIMITED = GAUGES_PREFIX + "_test_limited";

    /**
     * What held a test back ({@code --why}, {@code -V}; docs/design/why.md), as one gauge family
     * {@value #LIMITED}: per direction of data ({@code sender="client"} or {@code "server"}) a sample per cause
     * ({@code cause="path"}, {@code "receiver_window"}, ... as {@code end.iperf3j_why}'s), 1 for the verdict's
     * cause and 0 for the others, with the fixed labels (a fixed label {@code cause} or {@code sender} is replaced).
     * {@code count by (cause) (iperf3j_test_limited == 1)} counts a fleet's tests by cause. The prefix is always
     * {@value #GAUGES_PREFIX}, as the gauge sets'.
     */
    public MetricSnapshots whySnapshots(Why why) {
        Objects.requireNonNull(why, "why");
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(LIMITED)
                .help("What held the test's data back (--why): 1 for the verdict's cause, 0 for the others, by the"
                        + " side that sent the data.");
        for (Why.DirectionWhy d : why.directions()) {
            for (Cause c : Cause.values()) {
                Labels.Builder lb = Labels.builder();
                labelMap.forEach((k, v) -> {
                    if (!k.equals("cause") && !k.equals("sender")) {
                        lb.label(k, v);
                    }
                });
                lb.label("cause", c.key()).label("sender", d.senderIsClient() ? "client" : "server");
                b.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(lb.build())
                        .value(d.verdict().cause() == c ? 1 : 0).build());
            }
        }
        return new MetricSnapshots(why.directions().isEmpty() ? List.of() : List.of(b.build()));
    }

    /** The exposition of gauge sets ({@link #gaugesSnapshots(Collection)}). */
    public String encodeGauges(Collection<MetricEvent.Gauges> sets) {
        return encode(gaugesSnapshots(sets));
    }

    /**
     * The families of gauge sets from other parts of iperf3j (the UDP message link, a latency
     * probe): one gauge family {@code iperf3j_<source>_<key>} per source and key, one sample per
     * instance with the fixed labels plus {@code instance="<instance>"} (which replaces a fixed
     * label of that name). The prefix is always {@value #GAUGES_PREFIX}, whatever this encoder's
     * prefix: that one names iperf3's families after iperf3-rs. Non-finite values (not known yet)
     * are left out, and a family with no sample left is too. When a source and instance come
     * twice, the later set counts.
     */
    public MetricSnapshots gaugesSnapshots(Collection<MetricEvent.Gauges> sets) {
        Objects.requireNonNull(sets, "sets");
        Map<List<String>, MetricEvent.Gauges> latest = new LinkedHashMap<>();
        for (MetricEvent.Gauges g : sets) {
            latest.put(List.of(g.source(), g.instance()), Objects.requireNonNull(g, "gauge set"));
        }
        Map<String, GaugeSnapshot.Builder> families = new LinkedHashMap<>();
        for (MetricEvent.Gauges g : latest.values()) {
            Labels.Builder lb = Labels.builder();
            labelMap.forEach((k, v) -> {
                if (!k.equals("instance")) {
                    lb.label(k, v);
                }
            });
            Labels point = lb.label("instance", g.instance()).build();
            g.values().forEach((key, value) -> {
                if (!Double.isFinite(value)) {
                    return;
                }
                String name = GAUGES_PREFIX + "_" + g.source() + "_" + key;
                families.computeIfAbsent(name, n -> GaugeSnapshot.builder().name(n)
                                .help(key.replace('_', ' ') + " (" + g.source().replace('_', ' ') + "), by instance."))
                        .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(point).value(value).build());
            });
        }
        List<MetricSnapshot> out = new ArrayList<>();
        families.values().forEach(b -> out.add(b.build()));
        return new MetricSnapshots(out);
    }

    /** The families of one interval sample as the client library's model ({@code totals} may be null). */
    public MetricSnapshots intervalSnapshots(IntervalMetrics m, RunTotals totals) {
        Objects.requireNonNull(m, "sample");
        boolean rs = naming == MetricNaming.IPERF3_RS;
        List<MetricSnapshot> out = new ArrayList<>();
        gauge(out, "transferred_bytes", "Bytes transferred in the last reporting interval.", m.transferredBytes());
        if (rs) {
            gauge(out, "bandwidth_bits_per_second", "Throughput of the last reporting interval, in bits per second.",
                    m.bandwidthBitsPerSecond());
            gauge(out, "stream_count", "Streams summed in the sample.", m.streamCount());
        } else {
            gauge(out, "bandwidth_bytes_per_second", "Throughput of the last reporting interval, in bytes per second.",
                    m.bandwidthBitsPerSecond() / 8);
            gauge(out, "streams", "Streams summed in the sample.", m.streamCount());
        }
        gauge(out, "omitted_intervals", "1 if the last interval was in the -O warm-up, else 0.", m.omitted() ? 1 : 0);
        gauge(out, "tcp_retransmits", "TCP retransmits in the last interval (sender).", m.tcpRetransmits());
        gauge(out, "tcp_rtt_seconds", "TCP smoothed round-trip time, mean over streams (sender).", m.tcpRttSeconds());
        gauge(out, "tcp_rttvar_seconds", "TCP round-trip time variance, mean over streams (sender).", m.tcpRttvarSeconds());
        gauge(out, "tcp_snd_cwnd_bytes", "TCP congestion window, mean over streams (sender).", m.tcpSndCwndBytes());
        gauge(out, "tcp_snd_wnd_bytes", "TCP send window, mean over streams (sender).", m.tcpSndWndBytes());
        gauge(out, "tcp_pmtu_bytes", "TCP path MTU, mean over streams (sender).", m.tcpPmtuBytes());
        gauge(out, "udp_packets", "UDP datagrams in the last interval.", m.udpPackets());
        gauge(out, "udp_lost_packets", "UDP datagrams lost in the last interval (receiver).", m.udpLostPackets());
        gauge(out, "udp_jitter_seconds", "UDP jitter, mean over streams (receiver).", m.udpJitterSeconds());
        gauge(out, "udp_out_of_order_packets", "UDP datagrams out of order in the last interval (receiver).",
                m.udpOutOfOrderPackets());
        totals(out, totals);
        return new MetricSnapshots(out);
    }

    /** The families of one window as the client library's model ({@code totals} may be null). */
    public MetricSnapshots windowSnapshots(WindowMetrics w, RunTotals totals) {
        Objects.requireNonNull(w, "window");
        boolean rs = naming == MetricNaming.IPERF3_RS;
        List<MetricSnapshot> out = new ArrayList<>();
        gauge(out, "window_duration_seconds", "Sum of the interval durations in the window.", w.durationSeconds());
        gauge(out, "window_transferred_bytes", "Bytes transferred in the window.", w.transferredBytes());
        gauge(out, rs ? "window_stream_count" : "window_streams", "Streams summed in the window's samples.",
                w.streamCount());
        gauge(out, "window_omitted_intervals", "Intervals of the window in the -O warm-up.", w.omittedIntervals());
        WindowMetrics.GaugeStats bw = w.bandwidthBitsPerSecond();
        if (bw.samples() > 0) {
            if (rs) {
                stats(out, "window_bandwidth", "bits_per_second",
                        "throughput in bits per second (mean: total bits over total time)", bw, 1);
            } else {
                stats(out, "window_bandwidth", "bytes_per_second",
                        "throughput in bytes per second (mean: total bytes over total time)", bw, 1.0 / 8);
            }
        }
        w.tcpRttSeconds().ifPresent(s -> stats(out, "window_tcp_rtt", "seconds", "TCP smoothed round-trip time", s, 1));
        w.tcpRttvarSeconds().ifPresent(s -> stats(out, "window_tcp_rttvar", "seconds", "TCP round-trip time variance", s, 1));
        w.udpJitterSeconds().ifPresent(s -> stats(out, "window_udp_jitter", "seconds", "UDP jitter", s, 1));
        w.tcpSndCwndBytes().ifPresent(s -> stats(out, "window_tcp_snd_cwnd", "bytes", "TCP congestion window", s, 1));
        w.tcpSndWndBytes().ifPresent(s -> stats(out, "window_tcp_snd_wnd", "bytes", "TCP send window", s, 1));
        w.tcpPmtuBytes().ifPresent(s -> stats(out, "window_tcp_pmtu", "bytes", "TCP path MTU", s, 1));
        gauge(out, "window_tcp_retransmits", "TCP retransmits in the window (sender).", w.tcpRetransmits());
        gauge(out, "window_udp_packets", "UDP datagrams in the window.", w.udpPackets());
        gauge(out, "window_udp_lost_packets", "UDP datagrams lost in the window (receiver).", w.udpLostPackets());
        gauge(out, "window_udp_out_of_order_packets", "UDP datagrams out of order in the window (receiver).",
                w.udpOutOfOrderPackets());
        totals(out, totals);
        return new MetricSnapshots(out);
    }

    /**
     * Writes snapshots as text exposition format 0.0.4.
     *
     * @throws IllegalArgumentException if the snapshots are not a valid exposition (e.g. duplicate names)
     */
    public static String encode(MetricSnapshots snapshots) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(2048);
        try {
            WRITER.write(bytes, snapshots, EscapingScheme.UNDERSCORE_ESCAPING);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private void totals(List<MetricSnapshot> out, RunTotals t) {
        if (t == null) {
            return;
        }
        counter(out, "run_transferred_bytes", "Bytes transferred since the exporter started.",
                OptionalLong.of(t.transferredBytes()));
        counter(out, "run_tcp_retransmits", "TCP retransmits since the exporter started (sender).", t.tcpRetransmits());
        counter(out, "run_udp_packets", "UDP datagrams since the exporter started.", t.udpPackets());
        counter(out, "run_udp_lost_packets", "UDP datagrams lost since the exporter started (receiver).",
                t.udpLostPackets());
        counter(out, "run_udp_out_of_order_packets",
                "UDP datagrams out of order since the exporter started (receiver).", t.udpOutOfOrderPackets());
    }

    private void stats(List<MetricSnapshot> out, String family, String unit, String what, WindowMetrics.GaugeStats s,
                       double scale) {
        gauge(out, family + "_mean_" + unit, "Mean " + what + " over the window.", s.mean() * scale);
        gauge(out, family + "_min_" + unit, "Smallest " + what + " in the window.", s.min() * scale);
        gauge(out, family + "_max_" + unit, "Largest " + what + " in the window.", s.max() * scale);
    }

    private void gauge(List<MetricSnapshot> out, String name, String help, OptionalLong value) {
        if (value.isPresent()) {
            gauge(out, name, help, value.getAsLong());
        }
    }

    private void gauge(List<MetricSnapshot> out, String name, String help, OptionalDouble value) {
        if (value.isPresent()) {
            gauge(out, name, help, value.getAsDouble());
        }
    }

    private void gauge(List<MetricSnapshot> out, String name, String help, double value) {
        out.add(GaugeSnapshot.builder().name(prefix + "_" + name).help(help)
                .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(value).build())
                .build());
    }

    private void counter(List<MetricSnapshot> out, String name, String help, OptionalLong value) {
        if (value.isEmpty()) {
            return;
        }
        // The client library appends the _total suffix of a counter.
        out.add(CounterSnapshot.builder().name(prefix + "_" + name).help(help)
                .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels)
                        .value(value.getAsLong()).build())
                .build());
    }

    @Override
    public String toString() {
        return "PrometheusEncoder[prefix=" + prefix + ", labels=" + labelMap + ", naming=" + naming + "]";
    }

}
