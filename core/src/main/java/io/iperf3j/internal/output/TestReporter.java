package io.iperf3j.internal.output;

import io.iperf3j.internal.why.WhyJson;
import io.iperf3j.internal.why.WhyText;

import io.iperf3j.Transport;
import io.iperf3j.internal.format.CFormat;
import io.iperf3j.internal.json.CJsonWriter;
import io.iperf3j.internal.json.JsonObject;
import io.iperf3j.internal.stats.CpuUtilization;
import io.iperf3j.internal.stats.IntervalRecord;
import io.iperf3j.internal.stats.StreamRecord;
import io.iperf3j.internal.stats.TestMode;
import io.iperf3j.internal.stats.TestObserver;
import io.iperf3j.internal.stats.TestRecord;

import java.util.ArrayList;
import java.util.List;

/**
 * Produces one test's reports exactly as iperf3 3.12 does: the text lines, the
 * {@code -J} document, or {@code --json-stream} events. As in iperf3, text and
 * JSON come out of the same computation, branch by branch, so they can never
 * disagree on a number.
 *
 * <p>The engine calls it at the points where iperf3 reports: on connect, per
 * stream connected, at TEST_START, per interval, at the end, on error, and when
 * the test is done. It always builds the JSON document, whatever the output mode,
 * because the library returns it.
 */
public final class TestReporter {
    private static final CJsonWriter PRETTY = CJsonWriter.standard();
    private static final CJsonWriter COMPACT = CJsonWriter.standard();

    private final TestRecord t;
    private final TestPrinter printer;
    private final OutputMode mode;
    private final boolean verbose;
    private final char format;
    private final double statsInterval;
    private final String versionText;
    private final String systemInfo;
    private final TestObserver observer;

    private final JsonObject top = new JsonObject();
    private final JsonObject start = new JsonObject();
    private final List<Object> connected = new ArrayList<>();
    private final List<Object> intervals = new ArrayList<>();
    private final JsonObject end = new JsonObject();
    private boolean finished;
    /** The text line being built: one buffer per reporter (one test's thread), no String per column. */
    private final StringBuilder line = new StringBuilder(160);
    /** A {@code --json-stream} event's text, built in place. */
    private final StringBuilder eventText = new StringBuilder(1024);
    /** One pass's sums of an interval, reset for each. */
    private final PassTotals passTotals = new PassTotals();

    /**
     * @param statsInterval this side's {@code -i} in seconds (0 = none), for the
     *        short-interval rule
     * @param versionText the {@code start.version} value and first {@code -V} line
     * @param observer told about each reported interval and the end (live metrics);
     *        {@link TestObserver#NONE} for none
     */
    public TestReporter(TestRecord record, TestPrinter printer, OutputMode mode, boolean verbose, char format,
                        double statsInterval, String versionText, String systemInfo,
                        TestObserver observer) {
        this.t = record;
        this.printer = printer;
        this.mode = mode;
        this.verbose = verbose;
        this.format = format;
        this.statsInterval = statsInterval;
        this.versionText = versionText;
        this.systemInfo = systemInfo;
        this.observer = observer;
        top.put("start", start);
        top.put("intervals", intervals);
        top.put("end", end);
        start.put("connected", connected);
        start.put("version", versionText);
        start.put("system_info", systemInfo);
        printer.quiet(mode.json());
    }

    private boolean text() {
        return mode == OutputMode.TEXT;
    }

    /** The JSON document as built so far (the whole {@code -J} output once the test is done). */
    public JsonObject document() {
        return top;
    }

    /** The {@code start} object. */
    public JsonObject startObject() {
        return start;
    }

    // ---------------------------------------------------------------- start

    /** The server's banner, printed at start-up and after each test: {@code Server listening on P (test #N)}. */
    public static void printServerBanner(TestPrinter printer, String port, int testNumber) {
        printer.hold(); // one piece, never inside a running test's block
        printer.line(TextFormats.SERVER_DASHES);
        printer.line("Server listening on " + port + " (test #" + testNumber + ")");
        printer.line(TextFormats.SERVER_DASHES);
        printer.release();
    }

    /** {@code -V} preamble of a client or of each server test cycle: version and uname lines. */
    public void printVersionPreamble() {
        if (text() && verbose) {
            printer.line(versionText);
            printer.line(systemInfo);
        }
    }

    /** Client with {@code -V}: the control connection's MSS, printed without prefixes as iperf3 does. */
    public void printControlMss(int mss) {
        if (text() && verbose) {
            printer.plain("Control connection MSS " + mss + "\n");
        }
    }

    /** Server only: {@code target_bitrate} is recorded while the parameters are read, when the client sent a rate. */
    public void onParametersReceived() {
        if (!t.client && t.targetBitrate != 0) {
            start.put("target_bitrate", t.targetBitrate);
        }
    }

    /** Server TCP: the data listener's buffer sizes, recorded once. */
    public void onListenerBuffers(int requested, int sndbuf, int rcvbuf) {
        putBuffers(requested, sndbuf, rcvbuf);
    }

    /** A data socket's buffer sizes (client per stream; server per UDP stream). */
    public void onSocketBuffers(int requested, int sndbuf, int rcvbuf) {
        putBuffers(requested, sndbuf, rcvbuf);
    }

    private void putBuffers(int requested, int sndbuf, int rcvbuf) {
        start.put("sock_bufsize", requested);
        start.put("sndbuf_actual", sndbuf);
        start.put("rcvbuf_actual", rcvbuf);
    }

    /** iperf3's {@code on_connect}: client after sending the parameters, server after accepting them. */
    public void onConnect() {
        start.put("timestamp", new JsonObject().put("time", t.timestampText).put("timesecs", t.timestampMillis / 1000)
                .put("timemillisecs", t.timestampMillis)); // timemillisecs: 3.21+
        if (text() && verbose) {
            printer.line("Time: " + t.timestampText);
        }
        if (t.client) {
            start.put("connecting_to", new JsonObject().put("host", t.connectingHost).put("port", t.connectingPort));
            if (text()) {
                printer.line("Connecting to host " + t.connectingHost + ", port " + t.connectingPort);
                if (t.reverse) {
                    printer.line("Reverse mode, remote host " + t.connectingHost + " is sending");
                }
            }
        } else {
            start.put("accepted_connection", new JsonObject().put("host", t.acceptedHost).put("port", t.acceptedPort));
            if (text()) {
                printer.line("Accepted connection from " + t.acceptedHost + ", port " + t.acceptedPort);
            }
        }
        boolean tcp = t.protocol == Transport.TCP;
        start.put("cookie", t.cookie);
        if (tcp) {
            if (t.mssRequested != 0) {
                start.put("tcp_mss", t.mssRequested);
            } else {
                start.put("tcp_mss_default", t.controlMss);
            }
        }
        start.put("target_bitrate", t.targetBitrate);
        start.put("fq_rate", t.fqRate); // 3.21+
        if (text() && verbose) {
            printer.line("      Cookie: " + t.cookie);
            if (tcp) {
                if (t.mssRequested != 0) {
                    printer.line("      TCP MSS: " + t.mssRequested);
                } else {
                    printer.line("      TCP MSS: " + t.controlMss + " (default)");
                }
            }
            if (t.targetBitrate != 0) {
                printer.line("      Target Bitrate: " + t.targetBitrate);
            }
        }
    }

    /** A data stream is connected: {@code [  5] local ... connected to ...}. */
    public void onStreamConnected(StreamRecord s) {
        connected.add(new JsonObject()
                .put("socket", s.socketNumber())
                .put("local_host", s.localHost())
                .put("local_port", s.localPort())
                .put("remote_host", s.remoteHost())
                .put("remote_port", s.remotePort()));
        if (text()) {
            printer.line(TextFormats.connected(s.socketNumber(), s.localHost(), s.localPort(), s.remoteHost(),
                    s.remotePort()));
        }
    }

    /** iperf3's {@code on_test_start}. */
    public void onTestStart() {
        String protocol = t.protocol.name();
        JsonObject ts = new JsonObject()
                .put("protocol", protocol)
                .put("num_streams", t.parallel)
                .put("blksize", t.blockSize)
                .put("omit", t.omit)
                .put("duration", t.duration)
                .put("bytes", t.bytes)
                .put("blocks", t.blocks)
                .put("reverse", t.reverse ? 1 : 0)
                .put("tos", t.tos)
                .put("target_bitrate", t.targetBitrate)
                // Not in 3.12: 3.13 added "bidir", 3.17 "interval". Extra keys are allowed.
                .put("bidir", t.bidirectional ? 1 : 0)
                // 3.21 added "fqrate", "gso" and "gro".
                .put("fqrate", t.fqRate)
                .put("interval", statsInterval)
                .put("gso", t.gso ? 1 : 0)
                .put("gro", t.gro ? 1 : 0);
        start.put("test_start", ts);
        if (text() && verbose) {
            String what;
            if (t.bytes != 0) {
                what = t.bytes + " bytes to send";
            } else if (t.blocks != 0) {
                what = t.blocks + " blocks to send";
            } else {
                what = t.duration + " second test";
            }
            printer.line("Starting Test: protocol: " + protocol + ", " + t.parallel + " streams, " + t.blockSize
                    + " byte blocks, omitting " + t.omit + " seconds, " + what + ", tos " + t.tos);
        }
        if (mode.streams()) {
            emitEvent("start", start);
        }
    }

    // ---------------------------------------------------------------- intervals

    /**
     * Reports the latest interval of every stream (iperf3's
     * {@code iperf_print_intermediate}), unless it is a short, empty trailing
     * interval that iperf3 suppresses.
     */
    public void onInterval() {
        if (!anyIntervalToReport()) {
            return;
        }
        printer.hold(); // the streams and their [SUM] in one piece
        try {
            reportInterval();
        } finally {
            printer.release();
        }
    }

    private void reportInterval() {
        JsonObject jsonInterval = new JsonObject();
        List<Object> jsonStreams = new ArrayList<>(t.streams.size());
        jsonInterval.put("streams", jsonStreams);
        // --latency: the probe's figures for this interval, a column on the interval's total line(s).
        io.iperf3j.RttFigures rtt = t.latency == null ? null : t.latency.nextInterval();
        String rttColumn = LatencyReport.column(rtt);

        List<StreamRecord> streams = t.streams;
        for (int pass : passes()) {
            boolean mustBeSender = pass != 0;
            passTotals.reset();
            for (int i = 0; i < streams.size(); i++) {
                StreamRecord s = streams.get(i);
                if (s.sending() != mustBeSender) {
                    continue;
                }
                printStreamInterval(s, jsonStreams, t.parallel > 1 ? "" : rttColumn);
                passTotals.add(s.lastInterval);
            }
            if (!streams.isEmpty()) {
                reportPassSum(pass, passTotals, jsonInterval, rttColumn);
            }
        }
        if (rtt != null) {
            jsonInterval.put("latency", LatencyReport.json(rtt));
        }
        intervals.add(jsonInterval);
        if (mode.streams()) {
            emitEvent("interval", jsonInterval);
        }
        observer.intervalReported(t);
    }

    /** iperf3 suppresses a short, empty trailing interval: reported when one stream's lasted 10 % of -i or moved bytes. */
    private boolean anyIntervalToReport() {
        List<StreamRecord> streams = t.streams;
        for (int i = 0; i < streams.size(); i++) {
            IntervalRecord r = streams.get(i).lastInterval;
            if (r != null && ((r.end() - r.start()) >= statsInterval * 0.10 || r.bytes() > 0)) {
                return true;
            }
        }
        return false;
    }

    /** The streams of one pass (senders or receivers) of an interval, added up; one per reporter, reset per pass. */
    private final class PassTotals {
        long bytes;
        long retransmits;
        long packets;
        long lost;
        double jitterSum;

        void reset() {
            bytes = 0;
            retransmits = 0;
            packets = 0;
            lost = 0;
            jitterSum = 0;
        }

        void add(IntervalRecord r) {
            bytes += r.bytes();
            if (t.protocol == Transport.TCP) {
                if (t.senderHasRetransmits == 1) {
                    retransmits += r.retransmits();
                }
            } else {
                packets += r.packets();
                lost += r.lost();
                jitterSum += r.jitterSeconds();
            }
        }
    }

    /**
     * One pass's sum: always in the JSON ({@code sum}, {@code sum_sent}, {@code sum_received}, even for
     * one stream), and the text's [SUM] line with -P > 1.
     */
    private void reportPassSum(int pass, PassTotals totals, JsonObject jsonInterval, String rttColumn) {
        boolean mustBeSender = pass != 0;
        IntervalRecord first = t.streams.getFirst().lastInterval;
        double bandwidth = totals.bytes / (double) first.seconds();
        JsonObject sum = new JsonObject().put("start", first.start()).put("end", first.end())
                .put("seconds", first.seconds()).put("bytes", totals.bytes).put("bits_per_second", bandwidth * 8);
        StringBuilder l = line;
        l.setLength(0);
        TextFormats.appendTime(l.append(TextFormats.SUM_ID).append(roleTag(mustBeSender)), first.start(), first.end());
        TextFormats.appendTransferAndRate(l, totals.bytes, bandwidth, format);
        if (t.protocol == Transport.TCP) {
            tcpSum(sum, l, totals, first, mustBeSender);
        } else if (mustBeSender) {
            sum.put("packets", totals.packets).put("omitted", t.omitting);
            udpSenderColumns(l, totals.packets, t.omitting ? TextFormats.OMITTED : "");
        } else {
            udpReceiverSum(sum, l, totals);
        }
        sum.put("sender", mustBeSender);
        jsonInterval.put(sumKey(pass, "sum"), sum);
        if (text() && t.parallel > 1) {
            printer.line(l.append(rttColumn));
        }
    }

    private void tcpSum(JsonObject sum, StringBuilder l, PassTotals totals, IntervalRecord first, boolean mustBeSender) {
        if (t.senderHasRetransmits == 1 && mustBeSender) {
            sum.put("retransmits", totals.retransmits).put("omitted", first.omitted());
            TextFormats.appendPad3(l.append("  "), (int) totals.retransmits) // %3d
                    .append("             ").append(first.omitted() ? TextFormats.OMITTED : "");
            return;
        }
        sum.put("omitted", t.omitting);
        l.append("                  ").append(t.omitting ? TextFormats.OMITTED : "");
    }

    private void udpReceiverSum(JsonObject sum, StringBuilder l, PassTotals totals) {
        double avgJitter = totals.jitterSum / t.parallel;
        double lostPercent = totals.packets > 0 ? 100.0 * totals.lost / totals.packets : 0.0;
        sum.put("jitter_ms", avgJitter * 1000.0).put("lost_packets", totals.lost).put("packets", totals.packets)
                .put("lost_percent", lostPercent).put("omitted", t.omitting);
        l.append("  ").append(TextFormats.udpLoss(avgJitter * 1000.0, totals.lost, totals.packets, lostPercent))
                .append(t.omitting ? TextFormats.OMITTED : "");
    }

    /** One stream's interval line or object (iperf3's {@code print_interval_results}). */
    private void printStreamInterval(StreamRecord s, List<Object> jsonStreams, String rttColumn) {
        IntervalRecord r = s.lastInterval;
        if (text() && s == t.streams.getFirst()) {
            if (s.lastIntervalIsFirst) {
                printer.line(t.latency != null && t.latency.unavailable == null
                        ? intervalHeader() + LatencyReport.HEADER_COLUMN : intervalHeader());
            } else if (t.parallel > 1) {
                printer.line(TextFormats.SEPARATOR);
            }
        }
        double bandwidth = r.seconds() > 0 ? r.bytes() / (double) r.seconds() : 0.0;
        JsonObject o = new JsonObject()
                .put("socket", s.socketNumber())
                .put("start", r.start())
                .put("end", r.end())
                .put("seconds", r.seconds())
                .put("bytes", r.bytes())
                .put("bits_per_second", bandwidth * 8);
        StringBuilder l = line;
        l.setLength(0);
        appendStreamHead(l, s, r, bandwidth);
        if (t.protocol == Transport.TCP) {
            tcpStreamInterval(l, s, r, o);
        } else if (s.sending()) {
            o.put("packets", r.packets());
            udpSenderColumns(l, r.packets(), omitted(r));
        } else {
            udpReceiverStreamInterval(l, r, o);
        }
        o.put("omitted", r.omitted()).put("sender", s.sending());
        jsonStreams.add(o);
        if (text()) {
            printer.line(l.append(rttColumn));
        }
    }

    /** A stream line's id, time, transfer and rate columns ({@code [  5][TX-C]   0.00-1.00 sec ...}). */
    private void appendStreamHead(StringBuilder l, StreamRecord s, IntervalRecord r, double bandwidth) {
        TextFormats.appendId(l, s.socketNumber(), roleTag(s.sending()));
        TextFormats.appendTime(l, r.start(), r.end());
        TextFormats.appendTransferAndRate(l, r.bytes(), bandwidth, format);
    }

    /** A UDP sender's columns after the rate: its datagrams (bidir leaves the receiver's Jitter blank), then the omit mark. */
    private void udpSenderColumns(StringBuilder l, long packets, String omittedMark) {
        l.append(' ').append(t.mode == TestMode.BIDIRECTIONAL ? "          " : "").append(' ')
                .append((int) packets).append("  ").append(omittedMark);
    }

    private static String omitted(IntervalRecord r) {
        return r.omitted() ? TextFormats.OMITTED : "";
    }

    private void tcpStreamInterval(StringBuilder l, StreamRecord s, IntervalRecord r, JsonObject o) {
        if (t.senderHasRetransmits == 1 && s.sending() && r.hasTcpInfo()) {
            o.put("retransmits", r.retransmits()).put("snd_cwnd", r.sndCwnd()).put("snd_wnd", r.sndWnd())
                    .put("rtt", r.rtt()).put("rttvar", r.rttvar()).put("pmtu", r.pmtu())
                    .put("reorder", r.reorder()); // 3.21+
            TextFormats.appendPad3(l.append("  "), r.retransmits() & 0xFFFFFFFFL).append("   "); // %3u
            io.iperf3j.internal.format.UnitFormat.appendTo(l, r.sndCwnd(), 'A').append("s       ").append(omitted(r));
            return;
        }
        l.append("                  ").append(omitted(r));
    }

    private void udpReceiverStreamInterval(StringBuilder l, IntervalRecord r, JsonObject o) {
        double lostPercent = r.packets() > 0 ? 100.0 * r.lost() / r.packets() : 0.0;
        o.put("jitter_ms", r.jitterSeconds() * 1000.0).put("lost_packets", r.lost()).put("packets", r.packets())
                .put("lost_percent", lostPercent);
        l.append("  ").append(TextFormats.udpLoss(r.jitterSeconds() * 1000.0, r.lost(), r.packets(), lostPercent))
                .append(omitted(r));
    }

    private String intervalHeader() {
        boolean bidir = t.bidirectional;
        if (t.protocol == Transport.TCP) {
            if (t.senderHasRetransmits == 1) {
                return bidir ? TextFormats.HEADER_RETRANS_CWND_BIDIR : TextFormats.HEADER_RETRANS_CWND;
            }
            return bidir ? TextFormats.HEADER_BIDIR : TextFormats.HEADER;
        }
        return switch (t.mode) {
            case SENDER -> TextFormats.HEADER_UDP_SENDER;
            case RECEIVER -> TextFormats.HEADER_UDP;
            case BIDIRECTIONAL -> TextFormats.HEADER_UDP_BIDIR;
        };
    }

    // ---------------------------------------------------------------- summary

    /**
     * The end of the test: the last interval (if not suppressed), then the summary
     * (iperf3's reporter callback in TEST_END / DISPLAY_RESULTS).
     */
    public void onTestEnd() {
        printer.hold(); // the last interval and the summary in one piece
        try {
            reportTestEnd();
        } finally {
            printer.release();
        }
    }

    private void reportTestEnd() {
        onInterval();
        settleFirstStreamTimes();
        printResults();
        if (t.latency != null) {
            // --latency (iperf3j): after iperf3's summary, so iperf3's lines stay as they are.
            end.put("latency", LatencyReport.json(t.latency));
            if (text()) {
                LatencyReport.lines(t.latency).forEach(printer::line);
            }
        }
        if (t.why != null) {
            // --why (iperf3j): after iperf3's summary too; without the flag nothing here is written.
            end.put(WhyJson.KEY, WhyJson.write(t.why));
            if (text()) {
                WhyText.lines(t.why, verbose).forEach(printer::line);
            }
        }
    }

    /**
     * iperf3's fix-up of the first stream's times before its summary: the side that
     * measured a direction takes the end time; the other time, when the peer sent
     * none, copies it. Done once, before anything is reported.
     */
    private void settleFirstStreamTimes() {
        if (t.streams.isEmpty()) {
            return;
        }
        StreamRecord first = t.streams.getFirst();
        if (first.sending()) {
            first.senderTime = first.endTime;
            if (Double.isNaN(first.receiverTime) || first.receiverTime == 0.0) {
                first.receiverTime = first.senderTime;
            }
        } else {
            first.receiverTime = first.endTime;
            if (Double.isNaN(first.senderTime) || first.senderTime == 0.0) {
                first.senderTime = first.receiverTime;
            }
        }
    }

    /** Summaries start at 0 s, as iperf3's (a double, as iperf3 writes it). */
    private static final double SUMMARY_START = 0;

    /**
     * One direction of the summary (iperf3's {@code stream_must_be_sender} pass): which
     * streams it takes, their tag, whether the sender reports retransmits, and the
     * times from the first stream.
     */
    private record SummaryPass(int pass, boolean mustBeSender, String role, boolean withRetrans,
                               double senderTime, double receiverTime, double endTime) {
    }

    /** What a direction's streams add up to, for its sum lines. */
    private static final class DirectionTotals {
        long retransmits;
        long packets;
        long lostPackets;
        long senderPackets;
        long receiverPackets;
        long sent;
        long received;
        double jitterSum;
    }

    /** iperf3's {@code iperf_print_results}: per direction, the stream lines, the sums and the tail. */
    private void printResults() {
        boolean tcp = t.protocol == Transport.TCP;
        List<Object> jsonSummaryStreams = new ArrayList<>();
        end.put("streams", jsonSummaryStreams);
        printSummaryHeader(tcp);
        int[] passes = passes();
        for (int pass : passes) {
            SummaryPass p = summaryPass(pass);
            DirectionTotals sum = new DirectionTotals();
            for (StreamRecord s : t.streams) {
                if (s.sending() != p.mustBeSender()) {
                    continue;
                }
                JsonObject jsonStream = new JsonObject();
                jsonSummaryStreams.add(jsonStream);
                if (tcp) {
                    reportTcpStream(s, p, sum, jsonStream);
                } else {
                    reportUdpStream(s, p, sum, jsonStream);
                }
            }
            if (tcp) {
                reportTcpSums(p, sum);
            } else {
                reportUdpSums(p, sum);
            }
            reportTail(p, pass == passes[passes.length - 1], pass == passes[0], tcp);
        }
    }

    private void printSummaryHeader(boolean tcp) {
        if (!text()) {
            return;
        }
        printer.line(TextFormats.SEPARATOR);
        if (verbose) {
            printer.line("Test Complete. Summary Results:");
        }
        if (tcp) {
            if (t.senderHasRetransmits == 1 || t.otherSideHasRetransmits == 1) {
                printer.line(t.bidirectional ? TextFormats.HEADER_RETRANS_BIDIR : TextFormats.HEADER_RETRANS);
            } else {
                printer.line(t.bidirectional ? TextFormats.HEADER_BIDIR : TextFormats.HEADER);
            }
        } else {
            printer.line(t.bidirectional ? TextFormats.HEADER_UDP_BIDIR : TextFormats.HEADER_UDP);
        }
    }

    private SummaryPass summaryPass(int pass) {
        boolean mustBeSender = pass != 0;
        // In bidir mode iperf3 takes the retransmit flag of whichever side sends in this direction.
        int senderHasRetransmits = t.mode == TestMode.BIDIRECTIONAL && !mustBeSender
                ? t.otherSideHasRetransmits : t.senderHasRetransmits;
        double senderTime = 0;
        double receiverTime = 0;
        double endTime = 0;
        if (!t.streams.isEmpty()) {
            StreamRecord first = t.streams.getFirst();
            endTime = first.endTime;
            senderTime = first.senderTime;
            receiverTime = first.receiverTime;
        }
        return new SummaryPass(pass, mustBeSender, roleTag(mustBeSender), senderHasRetransmits == 1,
                senderTime, receiverTime, endTime);
    }

    private void reportTcpStream(StreamRecord s, SummaryPass p, DirectionTotals sum, JsonObject jsonStream) {
        long bytesSent = s.bytesSent - s.bytesSentOmit;
        long bytesReceived = s.bytesReceived;
        sum.sent += bytesSent;
        sum.received += bytesReceived;
        if (p.withRetrans()) {
            sum.retransmits += s.streamRetrans;
        }
        String id = TextFormats.id(s.socketNumber(), p.role());
        double senderTime = p.senderTime();
        double bandwidth = senderTime > 0.0 ? bytesSent / senderTime : 0.0;
        String rateText = TextFormats.time(SUMMARY_START, senderTime) + TextFormats.transferAndRate(bytesSent, bandwidth, format);
        JsonObject sender = new JsonObject()
                .put("socket", s.socketNumber()).put("start", SUMMARY_START).put("end", senderTime)
                .put("seconds", senderTime).put("bytes", bytesSent).put("bits_per_second", bandwidth * 8);
        if (p.withRetrans()) {
            sender.put("retransmits", s.streamRetrans).put("reorder", s.streamReorder).put("max_snd_cwnd", s.maxSndCwnd)
                    .put("max_snd_wnd", s.maxSndWnd).put("max_rtt", s.maxRtt)
                    .put("min_rtt", s.minRttOrZero()).put("mean_rtt", s.meanRtt());
        }
        sender.put("sender", p.mustBeSender());
        jsonStream.put("sender", sender);
        if (text()) {
            if (!t.client && !s.sending()) {
                printUnavailable(s, "sender");
            } else if (p.withRetrans()) {
                printer.line(id + rateText + "  " + TextFormats.unsigned3(s.streamRetrans) + "             sender");
            } else {
                printer.line(id + rateText + "                  sender");
            }
        }

        double receiverTime = p.receiverTime();
        double rbandwidth = receiverTime > 0 ? bytesReceived / receiverTime : 0.0;
        String rtext = TextFormats.time(SUMMARY_START, receiverTime) + TextFormats.transferAndRate(bytesReceived, rbandwidth, format);
        jsonStream.put("receiver", new JsonObject()
                .put("socket", s.socketNumber()).put("start", SUMMARY_START).put("end", receiverTime)
                .put("seconds", p.endTime()).put("bytes", bytesReceived).put("bits_per_second", rbandwidth * 8)
                .put("sender", p.mustBeSender()));
        if (text()) {
            if (!t.client && s.sending()) {
                printUnavailable(s, "receiver");
            } else {
                printer.line(id + rtext + "                  receiver");
            }
        }
    }

    private void reportUdpStream(StreamRecord s, SummaryPass p, DirectionTotals sum, JsonObject jsonStream) {
        long bytesSent = s.bytesSent - s.bytesSentOmit;
        long bytesReceived = s.bytesReceived;
        sum.sent += bytesSent;
        sum.received += bytesReceived;
        long senderPacketCount = s.sending() ? s.packetCount : s.peerPacketCount;
        long receiverPacketCount = s.sending() ? s.peerPacketCount : s.packetCount;
        long packetCount = senderPacketCount != 0 ? senderPacketCount : receiverPacketCount;
        long lost = s.cntError - s.omittedCntError;
        sum.packets += packetCount - s.omittedPacketCount;
        sum.senderPackets += senderPacketCount - s.omittedPacketCount;
        sum.receiverPackets += receiverPacketCount - s.omittedPacketCount;
        sum.lostPackets += lost;
        sum.jitterSum += s.jitter;

        String id = TextFormats.id(s.socketNumber(), p.role());
        double senderTime = p.senderTime();
        double bandwidth = senderTime > 0.0 ? bytesSent / senderTime : 0.0;
        String rateText = TextFormats.time(SUMMARY_START, senderTime) + TextFormats.transferAndRate(bytesSent, bandwidth, format);
        long sent = senderPacketCount - s.omittedPacketCount;
        double sentLossPercent = sent > 0 ? 100.0 * lost / sent : 0.0;
        jsonStream.put("udp", new JsonObject()
                .put("socket", s.socketNumber()).put("start", SUMMARY_START).put("end", senderTime)
                .put("seconds", senderTime).put("bytes", bytesSent).put("bits_per_second", bandwidth * 8)
                .put("jitter_ms", s.jitter * 1000.0).put("lost_packets", lost)
                .put("packets", packetCount - s.omittedPacketCount).put("lost_percent", sentLossPercent)
                .put("out_of_order", s.outOfOrderPackets - s.omittedOutOfOrderPackets)
                .put("sender", p.mustBeSender()));
        if (!text()) {
            return;
        }
        if (!t.client && !s.sending()) {
            printUnavailable(s, "sender");
        } else {
            printer.line(id + rateText + "  " + TextFormats.udpLoss(0.0, 0, sent, 0.0) + "sender");
        }
        long ooo = s.outOfOrderPackets - s.omittedOutOfOrderPackets;
        if (ooo > 0) {
            printer.line(TextFormats.sumId(p.role()) + " " + CFormat.fixed(SUMMARY_START, 4, 1) + "-"
                    + CFormat.fixed(senderTime, 4, 1) + " sec  " + ooo + " datagrams received out-of-order");
        }

        double receiverTime = p.receiverTime();
        double rbandwidth = receiverTime > 0 ? bytesReceived / receiverTime : 0.0;
        String rtext = TextFormats.time(SUMMARY_START, receiverTime) + TextFormats.transferAndRate(bytesReceived, rbandwidth, format);
        long received = receiverPacketCount - s.omittedPacketCount;
        double receivedLossPercent = received > 0 ? 100.0 * lost / received : 0.0;
        if (!t.client && s.sending()) {
            printUnavailable(s, "receiver");
        } else {
            printer.line(id + rtext + "  " + TextFormats.udpLoss(s.jitter * 1000.0, lost, received, receivedLossPercent)
                    + "receiver");
        }
    }

    /** A server has only one side's figures of a stream; iperf3 says so under {@code -V}. */
    private void printUnavailable(StreamRecord s, String side) {
        if (verbose) {
            printer.line("[" + TextFormats.pad3(s.socketNumber()) + "] (" + side + " statistics not available)");
        }
    }

    /** The TCP sums: always in JSON, the {@code [SUM]} lines only with {@code -P} &gt; 1. */
    private void reportTcpSums(SummaryPass p, DirectionTotals sum) {
        boolean sumText = text() && t.parallel > 1;
        double senderTime = p.senderTime();
        double receiverTime = p.receiverTime();
        double bandwidth = senderTime > 0.0 ? sum.sent / senderTime : 0.0;
        String sumId = TextFormats.sumId(p.role());
        JsonObject sumSent = new JsonObject().put("start", SUMMARY_START).put("end", senderTime)
                .put("seconds", senderTime).put("bytes", sum.sent).put("bits_per_second", bandwidth * 8);
        if (p.withRetrans()) {
            sumSent.put("retransmits", sum.retransmits);
        }
        sumSent.put("sender", p.mustBeSender());
        end.put(sumKey(p.pass(), "sum_sent"), sumSent);
        if (sumText) {
            if (!t.client && !p.mustBeSender()) {
                if (verbose) {
                    printer.line("[SUM] (sender statistics not available)");
                }
            } else {
                String l = sumId + TextFormats.time(SUMMARY_START, senderTime) + TextFormats.transferAndRate(sum.sent, bandwidth, format);
                printer.line(p.withRetrans() ? l + "  " + TextFormats.signed3(sum.retransmits) + "             sender"
                        : l + "                  sender");
            }
        }
        double rb = receiverTime > 0.0 ? sum.received / receiverTime : 0.0;
        end.put(sumKey(p.pass(), "sum_received"), new JsonObject().put("start", SUMMARY_START).put("end", receiverTime)
                .put("seconds", receiverTime).put("bytes", sum.received).put("bits_per_second", rb * 8)
                .put("sender", p.mustBeSender()));
        if (sumText) {
            if (!t.client && p.mustBeSender()) {
                if (verbose) {
                    printer.line("[SUM] (receiver statistics not available)");
                }
            } else {
                printer.line(sumId + TextFormats.time(SUMMARY_START, receiverTime)
                        + TextFormats.transferAndRate(sum.received, rb, format) + "                  receiver");
            }
        }
    }

    /** The UDP sums: always in JSON, the {@code [SUM]} lines only with {@code -P} &gt; 1. */
    private void reportUdpSums(SummaryPass p, DirectionTotals sum) {
        boolean sumText = text() && t.parallel > 1;
        double senderTime = p.senderTime();
        double receiverTime = p.receiverTime();
        double bandwidth = senderTime > 0.0 ? sum.sent / senderTime : 0.0;
        String sumId = TextFormats.sumId(p.role());
        double avgJitter = sum.jitterSum / t.parallel;
        double lostPercent = sum.packets > 0 ? 100.0 * sum.lostPackets / sum.packets : 0.0;
        // iperf3 divides by the times unchecked here: 0 gives NaN/inf, printed as null.
        end.put(sumKey(p.pass(), "sum"), new JsonObject().put("start", SUMMARY_START).put("end", receiverTime)
                .put("seconds", receiverTime).put("bytes", sum.sent)
                .put("bits_per_second", sum.sent * 8 / senderTime)
                .put("jitter_ms", avgJitter * 1000.0).put("lost_packets", sum.lostPackets)
                .put("packets", sum.packets).put("lost_percent", lostPercent).put("sender", p.mustBeSender()));
        end.put(sumKey(p.pass(), "sum_sent"), new JsonObject().put("start", SUMMARY_START).put("end", senderTime)
                .put("seconds", senderTime).put("bytes", sum.sent)
                .put("bits_per_second", sum.sent * 8 / senderTime)
                .put("jitter_ms", 0.0).put("lost_packets", 0L).put("packets", sum.senderPackets)
                .put("lost_percent", 0.0).put("sender", true));
        double receivedLoss = sum.receiverPackets > 0 ? 100.0 * sum.lostPackets / sum.receiverPackets : 0.0;
        end.put(sumKey(p.pass(), "sum_received"), new JsonObject().put("start", SUMMARY_START).put("end", receiverTime)
                .put("seconds", receiverTime).put("bytes", sum.received)
                .put("bits_per_second", sum.received * 8 / receiverTime)
                .put("jitter_ms", avgJitter * 1000.0).put("lost_packets", sum.lostPackets)
                .put("packets", sum.receiverPackets).put("lost_percent", receivedLoss).put("sender", false));
        if (!sumText) {
            return;
        }
        if (t.client || p.mustBeSender()) {
            printer.line(sumId + TextFormats.time(SUMMARY_START, senderTime)
                    + TextFormats.transferAndRate(sum.sent, bandwidth, format) + "  "
                    + TextFormats.udpLoss(0.0, 0, sum.senderPackets, 0.0) + "sender");
        }
        if (t.client || !p.mustBeSender()) {
            double rb = p.endTime() > 0.0 ? sum.received / receiverTime : 0.0;
            printer.line(sumId + TextFormats.time(SUMMARY_START, receiverTime)
                    + TextFormats.transferAndRate(sum.received, rb, format) + "  "
                    + TextFormats.udpLoss(avgJitter * 1000.0, sum.lostPackets, sum.receiverPackets, lostPercent)
                    + "receiver");
        }
    }

    /**
     * After a direction's sums: CPU use and congestion algorithms (JSON after the last
     * direction, text under {@code -V}), and the server's output after the first.
     */
    private void reportTail(SummaryPass p, boolean lastPass, boolean firstPass, boolean tcp) {
        boolean mustBeSender = p.mustBeSender();
        String snd = mustBeSender ? t.congestionUsed : t.remoteCongestionUsed;
        String rcv = mustBeSender ? t.remoteCongestionUsed : t.congestionUsed;
        if (lastPass) {
            CpuUtilization l = t.localCpu;
            CpuUtilization r = t.remoteCpu;
            end.put("cpu_utilization_percent", new JsonObject()
                    .put("host_total", l.total()).put("host_user", l.user()).put("host_system", l.system())
                    .put("remote_total", r.total()).put("remote_user", r.user()).put("remote_system", r.system()));
            if (tcp) {
                if (snd != null) {
                    end.put("sender_tcp_congestion", snd);
                }
                if (rcv != null) {
                    end.put("receiver_tcp_congestion", rcv);
                }
            }
        }
        if (!text()) {
            return;
        }
        if (verbose) {
            if (mustBeSender) {
                printer.line(cpuLine(mustBeSender));
                if (t.bidirectional) {
                    printer.line(cpuLine(!mustBeSender));
                }
            }
            if (tcp) {
                if (snd != null) {
                    printer.line("snd_tcp_congestion " + snd);
                }
                if (rcv != null) {
                    printer.line("rcv_tcp_congestion " + rcv);
                }
            }
        }
        if (t.client && t.getServerOutput && firstPass) {
            // iperf3 prints the server's output once, after the first direction's summary.
            if (t.serverOutputJson != null) {
                printer.printf("\nServer JSON output:\n" + PRETTY.pretty(t.serverOutputJson) + "\n");
            }
            if (t.serverOutputText != null) {
                printer.printf("\nServer output:\n" + t.serverOutputText + "\n");
            }
        }
    }

    private String cpuLine(boolean localIsSender) {
        CpuUtilization l = t.localCpu;
        CpuUtilization r = t.remoteCpu;
        return "CPU Utilization: local/" + (localIsSender ? "sender" : "receiver") + " " + CFormat.fixed(l.total(), 1) + "% ("
                + CFormat.fixed(l.user(), 1) + "%u/" + CFormat.fixed(l.system(), 1) + "%s), remote/"
                + (localIsSender ? "receiver" : "sender") + " " + CFormat.fixed(r.total(), 1) + "% ("
                + CFormat.fixed(r.user(), 1) + "%u/" + CFormat.fixed(r.system(), 1) + "%s)";
    }

    /**
     * The order in which directions are reported: iperf3 walks
     * {@code stream_must_be_sender} values; a bidir client reports its sending
     * streams first, a bidir server its receiving streams first.
     */
    private int[] passes() {
        return switch (t.mode) {
            case SENDER -> SENDERS;
            case RECEIVER -> RECEIVERS;
            case BIDIRECTIONAL -> t.client ? SENDERS_FIRST : RECEIVERS_FIRST;
        };
    }

    // passes(): read, never written
    private static final int[] SENDERS = {1};
    private static final int[] RECEIVERS = {0};
    private static final int[] SENDERS_FIRST = {1, 0};
    private static final int[] RECEIVERS_FIRST = {0, 1};

    /** In bidir mode the second direction's sums get a {@code _bidir_reverse} suffix (3.12 names). */
    private String sumKey(int pass, String base) {
        if (t.mode != TestMode.BIDIRECTIONAL) {
            return base;
        }
        int[] p = passes();
        return pass == p[0] ? base : base + "_bidir_reverse";
    }

    private String roleTag(boolean mustBeSender) {
        if (t.mode != TestMode.BIDIRECTIONAL) {
            return "";
        }
        return mustBeSender ? (t.client ? "[TX-C]" : "[TX-S]") : (t.client ? "[RX-C]" : "[RX-S]");
    }

    // ---------------------------------------------------------------- errors and the end

    /**
     * An error: always the document's {@code error} field (the library returns the
     * document whatever the output mode); printed as {@code iperf3j: error - message}
     * in text mode, or as an {@code error} event with {@code --json-stream}.
     */
    public void onError(String message) {
        recordError(message, true);
    }

    /** A message that replaces the "error - " form, e.g. {@code interrupt - the client has terminated}. */
    public void onErrorRaw(String message) {
        recordError(message, false);
    }

    private void recordError(String message, boolean errorPrefix) {
        top.set("error", message);
        if (mode == OutputMode.TEXT) {
            if (errorPrefix) {
                printer.error(message);
            } else {
                printer.errorRaw(message);
            }
        } else if (mode.streams()) {
            emitEventRaw("error", message);
        }
        // -J prints the error with the document at the end.
    }

    /**
     * The test is over: a client prints {@code iperf Done.}; in JSON mode the
     * document is completed (title, extra data, server output) and printed.
     */
    public void onFinish(boolean printDone) {
        if (finished) {
            return;
        }
        finished = true;
        if (t.title != null) {
            top.set("title", t.title);
        }
        if (t.extraData != null) {
            top.set("extra_data", t.extraData);
        }
        if (t.client && t.serverOutputJson != null) {
            top.set("server_output_json", t.serverOutputJson);
        }
        if (t.client && t.serverOutputText != null) {
            top.set("server_output_text", t.serverOutputText);
        }
        switch (mode) {
            case TEXT -> {
                if (printDone) {
                    printer.line("");
                    printer.line("iperf Done.");
                }
            }
            case JSON -> printer.sink().out(PRETTY.pretty(top) + "\n");
            case JSON_STREAM, JSON_STREAM_FULL -> {
                if (t.client && top.has("server_output_json")) {
                    emitEvent("server_output_json", top.getObject("server_output_json"));
                }
                if (t.client && top.has("server_output_text")) {
                    emitEventRaw("server_output_text", top.getString("server_output_text"));
                }
                emitEvent("end", end);
                if (mode == OutputMode.JSON_STREAM_FULL) {
                    printer.sink().out(PRETTY.pretty(top) + "\n"); // then the -J document, as 3.21
                }
            }
        }
        printer.sink().flush();
        observer.testFinished(t, top);
    }

    private void emitEvent(String event, JsonObject data) {
        // one buffer per reporter: an interval's event is not built as two Strings each second
        eventText.setLength(0);
        COMPACT.compact(new JsonObject().put("event", event).put("data", data), eventText).append('\n');
        printer.sink().out(eventText);
        if (eventText.capacity() > 64 * 1024) { // the end event of -P 128 does not keep its size
            eventText.setLength(0);
            eventText.trimToSize();
        }
    }

    private void emitEventRaw(String event, String data) {
        printer.sink().out(COMPACT.compact(new JsonObject().put("event", event).put("data", data)) + "\n");
    }
}
