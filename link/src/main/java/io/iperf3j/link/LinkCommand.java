package io.iperf3j.link;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.iperf3j.MetricsStream;
import io.iperf3j.internal.subcommand.Subcommands;
import io.iperf3j.options.OptionError;
import io.iperf3j.options.OptionGroup;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * {@code iperf3j link}: a message-rate test over the link. {@code -s} runs a server, until stopped
 * (SIGINT/SIGTERM) or for {@code -t} seconds, that counts what each client sends ({@link ArrivalTally})
 * and reports the totals to it every 100 ms (a reliable {@link Received}); {@code -c host} sends
 * {@link Data} messages at {@code --rate} per second for {@code -t} seconds and prints one line per
 * interval: sent, received, in flight, lost, resent, reordered, RTT p50/p99 (the link's pings, every
 * 10 ms); {@code -J} prints one JSON document at the end instead. The intervals add up to the end's
 * totals ({@link LinkCounts}).
 *
 * <p>Threads: the caller's thread paces the sends (server: sends the reports) and prints; the endpoints
 * run in background mode; a signal only counts down a latch the caller's thread waits on.
 */
@Command(name = "iperf3j link", sortOptions = false,
        description = "A message-rate test over the iperf3j UDP message link.",
        footer = "The --push.* and --metrics.* options (the iperf3j command's, with its IPERF3_* variables)"
                + " export families iperf3j_link_client_* / iperf3j_link_server_* (label instance = the peer).")
public final class LinkCommand {
    /** A test message: its sequence number, whether it was sent reliably (so the server counts loss), padding up to --size. */
    public record Data(int seq, boolean reliable, String pad) {
    }

    /** The server's running totals for one client ({@link ArrivalTally}). */
    public record Received(int count, int reordered, int duplicates, int lost, int late) {
        static final Received NONE = new Received(0, 0, 0, 0, 0);
    }

    static MessageTypes types() {
        return MessageTypes.builder().add(20, "Data", Data.class).add(21, "Received", Received.class).build();
    }

    /** Bytes of a Data message besides its padding: header 5, type 1, int 4, boolean 1, string length 2. */
    static final int DATA_OVERHEAD = 13;
    /** The client's default {@code -t}; the server runs until stopped unless given one. */
    static final double CLIENT_DEFAULT_SECONDS = 10;
    private static final long REPORT_EVERY_MILLIS = 100;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this message and quit")
    private boolean help;
    @Option(names = {"-v", "--version"}, versionHelp = true, description = "show version information and quit")
    private boolean version;
    @Option(names = {"-s", "--server"}, description = "run as server")
    boolean server;
    @Option(names = {"-c", "--client"}, paramLabel = "HOST", description = "run as client, towards HOST")
    String host;
    @Option(names = {"-p", "--port"}, description = "UDP port (default ${DEFAULT-VALUE})")
    int port = 5301;
    @Option(names = {"-B", "--bind"}, paramLabel = "ADDR", description = "server: address to bind")
    String bind;
    @Option(names = {"-r", "--rate"}, description = "client: messages per second (default ${DEFAULT-VALUE})")
    int rate = 1000;
    @Option(names = {"-l", "--size"}, description = "client: message size in bytes, " + DATA_OVERHEAD + "..1400 (default ${DEFAULT-VALUE})")
    int size = 64;
    @Option(names = "--reliable", description = "client: reliable messages (acked, resent)")
    boolean reliable;
    @Option(names = "--ordered", description = "client: reliable and ordered messages")
    boolean ordered;
    @Option(names = {"-t", "--time"}, paramLabel = "SECS", description = "client: seconds to send (default 10);"
            + " server: seconds to run (default: until SIGINT or SIGTERM, as with 0)")
    Double time;
    @Option(names = {"-i", "--interval"}, description = "client: seconds between interval lines; both: between metrics"
            + " published to --push.url / --metrics.file (default ${DEFAULT-VALUE})")
    double interval = 1;
    @Option(names = {"-J", "--json"}, description = "client: one JSON document")
    boolean json;

    private MetricsStream metrics;
    /** The client's interval lines so far: the JSON document's, or its error document's when the run fails. */
    private final List<IntervalLine> lines = new ArrayList<>();
    /** Counted down by SIGINT/SIGTERM (through the cli's handler): the server stops, the client stops sending. */
    private final CountDownLatch stop = new CountDownLatch(1);

    private Duration intervalDuration() {
        return Duration.ofNanos((long) (interval * 1e9));
    }

    private Delivery delivery() {
        return ordered ? Delivery.ORDERED : reliable ? Delivery.RELIABLE : Delivery.UNRELIABLE;
    }

    /** {@code -t} as given, or the role's default (0 = until stopped, for the server). */
    private double seconds() {
        return time != null ? time : server ? 0 : CLIENT_DEFAULT_SECONDS;
    }

    private LinkCommand() {
    }

    /** Runs {@code iperf3j link ARGS}; returns the exit status (0 ok, 1 error). */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        return run(args, out, err, null, stopAction -> { });
    }

    /** As {@link #run(List, PrintStream, PrintStream, MetricsStream, Consumer)} with no way to stop it early. */
    public static int run(List<String> args, PrintStream out, PrintStream err, MetricsStream metrics) {
        return run(args, out, err, metrics, stopAction -> { });
    }

    /**
     * Runs {@code iperf3j link ARGS}, publishing the endpoint's {@link LinkMetrics#gauges()} to
     * {@code metrics} (if not null) every {@code -i} seconds and at the end: the client's as
     * {@code link_client}, the server's per client as {@code link_server}. The stream is left open.
     * {@code onSignal} receives the action that ends the run early and cleanly, summary included (the
     * caller's SIGINT/SIGTERM handler runs it; it only counts down a latch, so any thread may).
     * Returns the exit status (0 ok, also when stopped that way; 1 error).
     */
    public static int run(List<String> args, PrintStream out, PrintStream err, MetricsStream metrics,
                          Consumer<Runnable> onSignal) {
        Parsed p = parse(args, out, err, List.of());
        return p.command() == null ? p.status() : p.command().run(out, err, metrics, onSignal);
    }

    /** The subcommand's name: {@code iperf3j link}. */
    public static final String NAME = "link";

    /** The command's picocli model with {@code groups}' rows: its options, for the man page. */
    public static CommandLine.Model.CommandSpec spec(List<? extends OptionGroup> groups) {
        CommandLine cl = new CommandLine(new LinkCommand());
        for (OptionGroup g : groups) {
            RowOptions.add(cl.getCommandSpec(), g);
        }
        return cl.getCommandSpec();
    }

    /**
     * A command line read: the command to run, or (command null) the exit status of a line that
     * runs nothing: help, version (0), refused (1).
     */
    public record Parsed(LinkCommand command, int status) {
    }

    /**
     * Reads {@code iperf3j link ARGS}, printing help, version or the refusal. {@code groups}' rows
     * (export's metrics options) are options of the command too: their values go to their
     * group as they are read, and each group's {@link OptionGroup#finish()} runs after the line.
     */
    public static Parsed parse(List<String> args, PrintStream out, PrintStream err, List<? extends OptionGroup> groups) {
        LinkCommand c = new LinkCommand();
        CommandLine cl = new CommandLine(c);
        for (OptionGroup g : groups) {
            RowOptions.add(cl.getCommandSpec(), g);
        }
        try {
            cl.parseArgs(args.toArray(String[]::new));
            if (!cl.isUsageHelpRequested() && !cl.isVersionHelpRequested()) {
                for (OptionGroup g : groups) {
                    g.finish();
                }
            }
        } catch (CommandLine.ParameterException e) {
            return refused(args, out, err, e.getMessage());
        } catch (OptionError e) {
            return refused(args, out, err, "parameter error - " + e.getMessage());
        }
        if (cl.isUsageHelpRequested()) {
            cl.usage(out);
            out.flush();
            return new Parsed(null, 0);
        }
        if (cl.isVersionHelpRequested()) {
            out.println(Subcommands.version());
            out.flush();
            return new Parsed(null, 0);
        }
        return new Parsed(c, 0);
    }

    /** A refused line: its JSON error document on stdout when it asks for {@code -J}, else the refusal on stderr. */
    private static Parsed refused(List<String> args, PrintStream out, PrintStream err, String message) {
        if (args.contains("-J") || args.contains("--json")) {
            out.println(new LinkCommand().errorJson(false, message));
            out.flush();
        } else {
            err.print(Subcommands.refused(NAME, message));
        }
        return new Parsed(null, 1);
    }

    /** Runs the command as read by {@link #parse}; see {@link #run(List, PrintStream, PrintStream, MetricsStream, Consumer)}. */
    public int run(PrintStream out, PrintStream err, MetricsStream metrics, Consumer<Runnable> onSignal) {
        LinkCommand c = this;
        c.metrics = metrics;
        try {
            c.validate();
            onSignal.accept(c.stop::countDown);
            return c.server ? c.serve(out) : c.client(out);
        } catch (IllegalArgumentException | IOException e) {
            if (json) {
                // -J asks for one JSON document whatever happens, as the main command's -J does
                out.println(errorJson(true, e.getMessage()));
                out.flush();
            } else {
                err.println("iperf3j link: error - " + e.getMessage());
            }
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private void validate() {
        if (server == (host != null)) {
            throw new IllegalArgumentException("give exactly one of -s and -c HOST");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535: " + port);
        }
        if (rate < 1 || rate > 1_000_000) {
            throw new IllegalArgumentException("rate must be 1..1000000 messages/s: " + rate);
        }
        if (size < DATA_OVERHEAD || size > LinkConfig.MTU) {
            throw new IllegalArgumentException("size must be " + DATA_OVERHEAD + ".." + LinkConfig.MTU + " bytes: " + size);
        }
        double t = seconds();
        if (!(t >= 0) || t > 86_400 || (!server && t == 0)) {
            throw new IllegalArgumentException("time must be " + (server ? "0" : "above 0") + "..86400 s: " + t);
        }
        if (!server && rate * t > ArrivalTally.MAX_SEQ) {
            throw new IllegalArgumentException("rate × time must be at most " + ArrivalTally.MAX_SEQ
                    + " messages (the server's count of each one): " + (long) (rate * t));
        }
        if (!(interval >= 0.01) || interval > 3600) {
            throw new IllegalArgumentException("interval must be 0.01..3600 s: " + interval);
        }
    }

    // ------------------------------------------------------------------ server

    private int serve(PrintStream out) throws IOException, InterruptedException {
        Map<Peer, ArrivalTally> tallies = new ConcurrentHashMap<>();
        List<Received> finished = new ArrayList<>();
        LinkServer s = new LinkServer(types(), LinkConfig.defaults(), new ServerListener() {
            @Override
            public void onMessage(Peer peer, Record message) {
                if (message instanceof Data d) {
                    ArrivalTally tally = tallies.computeIfAbsent(peer, p -> new ArrivalTally());
                    synchronized (tally) {
                        tally.arrived(d.seq(), d.reliable(), System.nanoTime());
                    }
                }
            }

            @Override
            public void onDisconnect(Peer peer) {
                finish(peer, tallies, finished, out);
            }

            @Override
            public void onError(Peer peer, String text) {
                finish(peer, tallies, finished, out);
            }
        });
        try (s) {
            s.listen(bind == null ? new InetSocketAddress(port) : new InetSocketAddress(InetAddress.getByName(bind), port));
            if (metrics != null) {
                s.publishTo(metrics, intervalDuration());
            }
            s.startBackground();
            out.println("Link server listening on " + s.localAddress().getPort());
            out.flush();
            long end = seconds() == 0 ? Long.MAX_VALUE : System.nanoTime() + (long) (seconds() * 1e9);
            while (s.state() == LinkState.LISTENING) {
                report(tallies);
                long left = end - System.nanoTime();
                if (left <= 0 || stop.await(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, REPORT_EVERY_MILLIS),
                        TimeUnit.MILLISECONDS)) {
                    break;
                }
            }
            s.disconnectAll(); // forgets the peers without events: their lines come from here
            for (Peer peer : List.copyOf(tallies.keySet())) {
                finish(peer, tallies, finished, out);
            }
        }
        out.println(serverSummary(finished));
        out.flush();
        return 0;
    }

    /** Sends each client its totals, counting as lost what has waited out the horizon. */
    private static void report(Map<Peer, ArrivalTally> tallies) {
        for (var e : tallies.entrySet()) {
            Received r;
            synchronized (e.getValue()) {
                e.getValue().settle(System.nanoTime());
                r = e.getValue().report();
            }
            if (e.getKey().connected()) {
                e.getKey().send(r, Delivery.RELIABLE);
            }
        }
    }

    /** A client is gone: its gaps count as lost now (no later message can come), its line is printed once. */
    private static void finish(Peer peer, Map<Peer, ArrivalTally> tallies, List<Received> finished, PrintStream out) {
        ArrivalTally tally = tallies.remove(peer);
        if (tally == null) {
            return;
        }
        Received r;
        synchronized (tally) {
            tally.settle(System.nanoTime() + ArrivalTally.LOSS_HORIZON_NANOS);
            r = tally.report();
        }
        synchronized (finished) {
            finished.add(r);
        }
        out.printf(Locale.ROOT, "[%s] %d messages received, %d lost, %d late, %d reordered, %d duplicates%n",
                peer.address().getAddress().getHostAddress() + ":" + peer.address().getPort(), r.count(), r.lost(),
                r.late(), r.reordered(), r.duplicates());
        out.flush();
    }

    /** The server's last line: how many clients it served and their messages, summed. */
    static String serverSummary(List<Received> finished) {
        long count = 0;
        long lost = 0;
        long late = 0;
        long reordered = 0;
        long duplicates = 0;
        synchronized (finished) {
            for (Received r : finished) {
                count += r.count();
                lost += r.lost();
                late += r.late();
                reordered += r.reordered();
                duplicates += r.duplicates();
            }
            return String.format(Locale.ROOT, "Link server done: %d %s, %d messages received, %d lost, %d late,"
                    + " %d reordered, %d duplicates", finished.size(), finished.size() == 1 ? "client" : "clients", count, lost, late, reordered, duplicates);
        }
    }

    // ------------------------------------------------------------------ client

    /** One interval's figures: {@code counts} are the interval's own, {@code inFlight} is at its end. */
    record IntervalLine(double start, double end, LinkCounts counts, long inFlight, double p50Micros, double p99Micros,
                        long rttSamples, long pendingAcks) {
    }

    private int client(PrintStream out) throws IOException, InterruptedException {
        Delivery delivery = delivery();
        Histogram intervalRtt = new Histogram(3);
        Histogram totalRtt = new Histogram(3);
        Received[] last = {Received.NONE};
        CountDownLatch connected = new CountDownLatch(1);
        String[] failure = {null};
        // No server on the port (ICMP port-unreachable) ends the connect at once, as iperf3's UDP client ends
        LinkConfig config = LinkConfig.defaults().withPingInterval(Duration.ofMillis(10)).withWaitForServer(false);
        LinkClient c = new LinkClient(types(), config, new ClientListener() {
            @Override
            public void onConnectAccepted(LinkClient client) {
                connected.countDown();
            }

            @Override
            public void onConnectRejected(LinkClient client) {
                failure[0] = "the server rejected the connection";
                connected.countDown();
            }

            @Override
            public void onError(LinkClient client, String text) {
                failure[0] = text;
                connected.countDown();
            }

            @Override
            public void onMessage(LinkClient client, Record message) {
                if (message instanceof Received r) {
                    synchronized (last) {
                        last[0] = r;
                    }
                }
            }
        });
        // Off before the final snapshot of the link's counters: a round trip observed later (the link's thread
        // goes on until disconnect) would be in the end's rtt_samples and not in the link's.
        AtomicBoolean recordingRtt = new AtomicBoolean(true);
        c.observeRtt((sent, rtt) -> {
            if (!recordingRtt.get()) {
                return;
            }
            synchronized (intervalRtt) {
                intervalRtt.recordValue(Math.max(1, rtt));
                totalRtt.recordValue(Math.max(1, rtt));
            }
        });
        try (c) {
            InetSocketAddress server = new InetSocketAddress(InetAddress.getByName(host), port);
            c.connect(server);
            if (metrics != null) {
                c.publishTo(metrics, intervalDuration());
            }
            c.startBackground();
            if (!connected.await(LinkConfig.defaults().timeout().toMillis() + 1000, TimeUnit.MILLISECONDS)
                    || failure[0] != null || c.state() != LinkState.CONNECTED) {
                throw new IOException("cannot connect to " + host + ":" + port + ": "
                        + (failure[0] != null ? failure[0] : "Connection timed out"));
            }
            if (!json) {
                out.printf(Locale.ROOT, "Connecting to link host %s, port %d: %d msg/s of %d bytes, %s%n", host, port, rate,
                        size, delivery.name().toLowerCase(Locale.ROOT));
                out.println("[ ID] Interval           Sent  Received  In flight     Lost   Resent  Reordered  RTT p50 us  RTT p99 us");
                out.flush();
            }
            String pad = "x".repeat(size - DATA_OVERHEAD);
            boolean reliableData = delivery != Delivery.UNRELIABLE;
            long resendsAtStart = c.metrics().resends();
            long start = System.nanoTime();
            long end = start + (long) (seconds() * 1e9);
            long period = 1_000_000_000L / rate;
            long nextInterval = start + (long) (interval * 1e9);
            int seq = 0;
            LinkCounts atIntervalStart = LinkCounts.ZERO;
            double intervalStart = 0;
            long next = start;
            while (c.state() == LinkState.CONNECTED && stop.getCount() > 0) {
                long now = System.nanoTime();
                if (now >= end) {
                    break;
                }
                while (next <= now && next < end) {
                    if (c.send(new Data(seq, reliableData, pad), delivery).queued()) {
                        seq++;
                    }
                    next += period;
                }
                if (now >= nextInterval) {
                    double t = (now - start) / 1e9;
                    LinkCounts counts = LinkCounts.of(seq, received(last), c.metrics().resends() - resendsAtStart);
                    lines.add(line(c, intervalStart, t, counts, atIntervalStart, counts.inFlight(), intervalRtt, out));
                    atIntervalStart = counts;
                    intervalStart = t;
                    nextInterval += (long) (interval * 1e9);
                }
                LockSupport.parkNanos(Math.max(10_000, Math.min(next, nextInterval) - System.nanoTime()));
            }
            awaitSettled(c, seq, last, reliableData);
            double t = (System.nanoTime() - start) / 1e9;
            Received r = received(last); // one snapshot for the last line and the totals, so they add up
            recordingRtt.set(false);
            LinkMetrics m = c.metrics(); // after any round trip recorded: the observer runs under the client's lock
            LinkCounts total = LinkCounts.of(seq, r, m.resends() - resendsAtStart).givenUp();
            lines.add(line(c, intervalStart, t, total, atIntervalStart, 0, intervalRtt, json ? null : out));
            if (c.state() != LinkState.CONNECTED) {
                throw new IOException("the link failed: " + c.error());
            }
            c.disconnect();
            if (json) {
                out.println(json(total, r, totalRtt, m, delivery));
            } else {
                printTotals(out, t, total, r, totalRtt, m);
            }
            out.flush();
        }
        return 0;
    }

    /**
     * After the last send: waits until the server has counted every message as received or lost and
     * nothing is unacked, or until the client gives up (reliable: 3 s for the last resends; unreliable:
     * the server's loss horizon and two reports, since messages at the tail have no later one to settle them).
     */
    private static void awaitSettled(LinkClient c, int sent, Received[] last, boolean reliableData) throws InterruptedException {
        long wait = reliableData ? 3_000_000_000L : ArrivalTally.LOSS_HORIZON_NANOS + 2 * REPORT_EVERY_MILLIS * 1_000_000L;
        long giveUp = System.nanoTime() + wait;
        while (System.nanoTime() < giveUp && c.state() == LinkState.CONNECTED) {
            Received r = received(last);
            if (r.count() + r.lost() >= sent && c.metrics().pendingAcks() == 0) {
                return;
            }
            Thread.sleep(20);
        }
    }

    private static Received received(Received[] last) {
        synchronized (last) {
            return last[0];
        }
    }

    private void printTotals(PrintStream out, double t, LinkCounts total, Received r, Histogram totalRtt, LinkMetrics m) {
        double p50;
        double p99;
        synchronized (totalRtt) {
            p50 = totalRtt.getTotalCount() == 0 ? Double.NaN : totalRtt.getValueAtPercentile(50) / 1e3;
            p99 = totalRtt.getTotalCount() == 0 ? Double.NaN : totalRtt.getValueAtPercentile(99) / 1e3;
        }
        out.println("- - - - - - - - - - - - - - - - - - - - - - - - -");
        out.printf(Locale.ROOT, "[SUM] 0.00-%-5.2f sec %9d %9d %10d %8d %8d %10d %11.1f %11.1f%n", t, total.sent(),
                total.received(), total.inFlight(), total.lost(), total.resent(), total.reordered(), p50, p99);
        out.printf(Locale.ROOT, "link: %d datagrams out, %d in; the server dropped %d duplicates and counted %d messages"
                + " late (after they were counted lost)%n", m.outPackets(), m.inPackets(), r.duplicates(), r.late());
    }

    private IntervalLine line(LinkClient c, double from, double to, LinkCounts now, LinkCounts before, long inFlight,
                              Histogram rtt, PrintStream out) {
        double p50;
        double p99;
        long samples;
        synchronized (rtt) {
            samples = rtt.getTotalCount();
            p50 = samples == 0 ? Double.NaN : rtt.getValueAtPercentile(50) / 1e3;
            p99 = samples == 0 ? Double.NaN : rtt.getValueAtPercentile(99) / 1e3;
            rtt.reset();
        }
        IntervalLine l = new IntervalLine(from, to, now.since(before), inFlight, p50, p99, samples, c.metrics().pendingAcks());
        if (out != null && !json) {
            LinkCounts k = l.counts();
            out.printf(Locale.ROOT, "[  1] %5.2f-%-5.2f sec %9d %9d %10d %8d %8d %10d %11.1f %11.1f%n", l.start(), l.end(),
                    k.sent(), k.received(), l.inFlight(), k.lost(), k.resent(), k.reordered(), l.p50Micros(), l.p99Micros());
            out.flush();
        }
        return l;
    }

    private String json(LinkCounts total, Received r, Histogram totalRtt, LinkMetrics m,
                        Delivery delivery) throws IOException {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            startAndIntervals(g, delivery);
            g.writeObjectFieldStart("end");
            counts(g, total, total.inFlight());
            g.writeNumberField("duplicates", r.duplicates());
            g.writeNumberField("late", r.late());
            synchronized (totalRtt) {
                g.writeNumberField("rtt_samples", totalRtt.getTotalCount());
                number(g, "rtt_p50_us", totalRtt.getTotalCount() == 0 ? Double.NaN : totalRtt.getValueAtPercentile(50) / 1e3);
                number(g, "rtt_p99_us", totalRtt.getTotalCount() == 0 ? Double.NaN : totalRtt.getValueAtPercentile(99) / 1e3);
            }
            g.writeObjectFieldStart("link");
            for (var e : m.asMap().entrySet()) {
                number(g, e.getKey(), e.getValue().doubleValue());
            }
            g.writeEndObject();
            g.writeEndObject();
            g.writeEndObject();
        }
        return w.toString();
    }

    /** The document's {@code start} (what was asked for) and its {@code intervals} so far. */
    private void startAndIntervals(JsonGenerator g, Delivery delivery) throws IOException {
        g.writeObjectFieldStart("start");
        g.writeStringField("host", host);
        g.writeNumberField("port", port);
        g.writeNumberField("rate", rate);
        g.writeNumberField("size", size);
        g.writeStringField("delivery", delivery.name().toLowerCase(Locale.ROOT));
        g.writeNumberField("duration", seconds());
        g.writeNumberField("loss_horizon_ms", ArrivalTally.LOSS_HORIZON_NANOS / 1_000_000);
        g.writeEndObject();
        g.writeArrayFieldStart("intervals");
        for (IntervalLine l : lines) {
            g.writeStartObject();
            g.writeNumberField("start", l.start());
            g.writeNumberField("end", l.end());
            counts(g, l.counts(), l.inFlight());
            number(g, "rtt_p50_us", l.p50Micros());
            number(g, "rtt_p99_us", l.p99Micros());
            g.writeNumberField("rtt_samples", l.rttSamples());
            g.writeNumberField("pending_acks", l.pendingAcks());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /**
     * The {@code -J} document of a failed run, shaped as iperf3's: {@code start} (what was asked for, when the
     * line was read; empty when it was refused), the intervals before the failure, an empty {@code end} and
     * {@code error}.
     */
    private String errorJson(boolean withStart, String message) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            if (withStart) {
                startAndIntervals(g, delivery());
            } else {
                g.writeObjectFieldStart("start");
                g.writeEndObject();
                g.writeArrayFieldStart("intervals");
                g.writeEndArray();
            }
            g.writeObjectFieldStart("end");
            g.writeEndObject();
            g.writeStringField("error", message);
            g.writeEndObject();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // a StringWriter does not fail
        }
        return w.toString();
    }

    /** The message counts, the same keys in an interval and in the end. */
    private static void counts(JsonGenerator g, LinkCounts k, long inFlight) throws IOException {
        g.writeNumberField("sent", k.sent());
        g.writeNumberField("received", k.received());
        g.writeNumberField("in_flight", inFlight);
        g.writeNumberField("lost", k.lost());
        g.writeNumberField("resent", k.resent());
        g.writeNumberField("reordered", k.reordered());
    }

    private static void number(JsonGenerator g, String name, double v) throws IOException {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            g.writeNullField(name);
        } else if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            g.writeNumberField(name, (long) v);
        } else {
            g.writeNumberField(name, v);
        }
    }
}
