package io.iperf3j;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.ToDoubleFunction;

/**
 * One test as one side printed it, read by {@link IperfJsonReader}.
 *
 * @param format the form it was read from
 * @param start the {@code start} object
 * @param intervals the intervals, unless they went to an {@link IperfJsonReader.IntervalSink}
 * @param intervalCount intervals read (also when they went to a sink)
 * @param summary the end figures, when {@code end} has {@code sum_sent} and {@code sum_received}
 * @param latency {@code end.latency} of {@code iperf3j --latency}
 * @param error iperf3's error message (a non-string {@code error} as compact JSON)
 * @param title {@code -T}
 * @param extraData {@code --extra-data} (a non-string value as compact JSON)
 * @param serverOutput the server's document of {@code --get-server-output} with {@code -J}
 * @param serverOutputText the server's text of {@code --get-server-output}
 * @param complete whether the document closed, or the stream's {@code end} (or {@code error}) event was read
 */
public record IperfRun(IperfJsonFormat format, Optional<Start> start, List<IperfInterval> intervals, int intervalCount,
                       Optional<IperfSummary> summary, Optional<IperfLatency> latency, Optional<String> error,
                       Optional<String> title, Optional<String> extraData, Optional<IperfRun> serverOutput,
                       Optional<String> serverOutputText, boolean complete) {
    /** Copies {@code intervals}. */
    public IperfRun {
        intervals = List.copyOf(intervals);
    }

    /** CLIENT with {@code start.connecting_to}, SERVER with {@code start.accepted_connection}, else empty. */
    public Optional<Role> role() {
        return start.flatMap(IperfRun::roleOf);
    }

    static Optional<Role> roleOf(Start s) {
        if (s.connectingTo().isPresent()) {
            return Optional.of(Role.CLIENT);
        }
        return s.acceptedConnection().isPresent() ? Optional.of(Role.SERVER) : Optional.empty();
    }

    /** {@code start.test_start.protocol}, else UDP iff {@code end.sum} (the summary's). */
    public Optional<Transport> transport() {
        Optional<Transport> t = start.flatMap(Start::test).map(TestStart::protocol);
        return t.isPresent() ? t : summary.map(IperfSummary::transport);
    }

    /** {@code test_start.bidir} (3.13+), else whether any reverse sum was printed (3.12). */
    public boolean bidir() {
        Optional<Boolean> b = start.flatMap(Start::test).flatMap(TestStart::bidir);
        if (b.isPresent()) {
            return b.get();
        }
        return summary.flatMap(IperfSummary::reverse).isPresent()
                || intervals.stream().anyMatch(i -> i.sumBidirReverse().isPresent());
    }

    /**
     * One sample per interval's {@code sum} and {@code sum_bidir_reverse}, with the definitions live metrics use:
     * TCP figures of the sender as means over its streams ({@code snd_wnd} over the positive ones), UDP loss,
     * out-of-order and jitter of the receiver. Empty when the intervals went to a sink.
     */
    public List<IntervalMetrics> intervalMetrics() {
        Role role = role().orElse(Role.CLIENT);
        Transport transport = transport().orElse(Transport.TCP);
        double t0 = start.map(Start::timesecs).orElse(OptionalDouble.empty()).orElse(Double.NaN);
        List<IntervalMetrics> out = new ArrayList<>();
        for (IperfInterval i : intervals) {
            out.add(metrics(i.sum(), i.streams(), role, transport, t0));
            i.sumBidirReverse().ifPresent(r -> out.add(metrics(r, i.streams(), role, transport, t0)));
        }
        return out;
    }

    private static IntervalMetrics metrics(IperfSample sum, List<IperfSample> streams, Role role, Transport transport,
                                           double t0) {
        List<IperfSample> mine = streams.stream().filter(s -> s.sender() == sum.sender()).toList();
        List<IperfSample> info = mine.stream().filter(s -> s.rttMicros().isPresent()).toList();
        boolean tcpSender = transport == Transport.TCP && sum.sender();
        boolean udpReceiver = transport == Transport.UDP && !sum.sender();
        OptionalLong ooo = sum.outOfOrder();
        if (ooo.isEmpty() && mine.stream().anyMatch(s -> s.outOfOrder().isPresent())) {
            ooo = OptionalLong.of(mine.stream().mapToLong(s -> s.outOfOrder().orElse(0)).sum());
        }
        return new IntervalMetrics(role, sum.sender() ? Direction.SENDER : Direction.RECEIVER, transport,
                Double.isNaN(t0) ? Double.NaN : t0 + sum.end(), sum.start(), sum.end(), sum.seconds(), sum.bytes(),
                sum.bitsPerSecond(), Math.max(1, mine.size()), sum.omitted(), OptionalInt.empty(),
                tcpSender ? sum.retransmits() : OptionalLong.empty(),
                tcpSender ? mean(info, s -> s.rttMicros().getAsLong() / 1e6, false) : OptionalDouble.empty(),
                tcpSender ? mean(info, s -> s.rttvarMicros().orElse(0) / 1e6, false) : OptionalDouble.empty(),
                tcpSender ? mean(info, s -> s.sndCwnd().orElse(0), false) : OptionalDouble.empty(),
                tcpSender ? mean(info, s -> s.sndWnd().orElse(0), true) : OptionalDouble.empty(),
                tcpSender ? mean(info, s -> s.pmtu().orElse(0), false) : OptionalDouble.empty(),
                transport == Transport.UDP ? sum.packets() : OptionalLong.empty(),
                udpReceiver ? sum.lostPackets() : OptionalLong.empty(),
                udpReceiver ? ooo : OptionalLong.empty(),
                udpReceiver && sum.jitterMillis().isPresent() ? OptionalDouble.of(sum.jitterMillis().getAsDouble() / 1000)
                        : OptionalDouble.empty());
    }

    private static OptionalDouble mean(List<IperfSample> samples, ToDoubleFunction<IperfSample> f, boolean positiveOnly) {
        double sum = 0;
        int n = 0;
        for (IperfSample s : samples) {
            double v = f.applyAsDouble(s);
            if (!positiveOnly || v > 0) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? OptionalDouble.empty() : OptionalDouble.of(sum / n);
    }

    /**
     * iperf3's {@code start} object, the keys a reader of results needs.
     *
     * @param version {@code version} ("" when absent)
     * @param systemInfo {@code system_info} ("" when absent)
     * @param timesecs {@code timestamp.timesecs}
     * @param time {@code timestamp.time}
     * @param connectingTo a client's {@code connecting_to}
     * @param acceptedConnection a server's {@code accepted_connection}
     * @param connected the streams' connections
     * @param test {@code test_start}, when its protocol is TCP or UDP
     */
    public record Start(String version, String systemInfo, OptionalDouble timesecs, Optional<String> time,
                        Optional<Endpoint> connectingTo, Optional<Endpoint> acceptedConnection, List<Connected> connected,
                        Optional<TestStart> test) {
        /** Copies {@code connected}. */
        public Start {
            connected = List.copyOf(connected);
        }
    }

    /**
     * A host and port.
     *
     * @param host as printed
     * @param port 0 when absent
     */
    public record Endpoint(String host, int port) {
    }

    /**
     * One element of {@code start.connected}.
     *
     * @param socket the stream's socket
     * @param localHost this side's address
     * @param localPort this side's port
     * @param remoteHost the peer's address
     * @param remotePort the peer's port
     */
    public record Connected(int socket, String localHost, int localPort, String remoteHost, int remotePort) {
    }

    /**
     * {@code start.test_start}; a number absent is 0.
     *
     * @param protocol TCP or UDP
     * @param numStreams {@code -P}
     * @param blksize {@code -l}
     * @param omit {@code -O}
     * @param duration {@code -t}
     * @param bytes {@code -n}
     * @param blocks {@code -k}
     * @param reverse {@code -R}
     * @param bidir {@code --bidir}, printed from 3.13
     * @param tos {@code -S}
     * @param targetBitrate {@code -b}
     */
    public record TestStart(Transport protocol, int numStreams, long blksize, int omit, double duration, long bytes,
                            long blocks, boolean reverse, Optional<Boolean> bidir, int tos, long targetBitrate) {
    }
}
