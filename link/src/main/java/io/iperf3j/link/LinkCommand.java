package io.iperf3j.link;

import com.fasterxml.jackson.core.JsonFactory;
import io.iperf3j.MetricsStream;
import com.fasterxml.jackson.core.JsonGenerator;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code iperf3j link}: a message-rate test over the link. {@code -s} runs a server that counts what
 * arrives and reports its totals to the client every 100 ms (a reliable {@link Received}); {@code -c
 * host} sends {@link Data} messages at {@code --rate} per second for {@code -t} seconds and prints one
 * line per interval: sent, received, RTT p50/p99 (the link's pings, every 10 ms), loss, reordered,
 * pending acks; {@code -J} prints one JSON document at the end instead.
 *
 * <p>Threads: the caller's thread paces the sends and prints; the endpoints run in background mode.
 */
@Command(name = "iperf3j link", mixinStandardHelpOptions = true, sortOptions = false,
        description = "A message-rate test over the iperf3j UDP message link.",
        footer = "Metrics export: the iperf3j command's --push.* and --metrics.* options (iperf3j --help) work here"
                + " too, with families iperf3j_link_client_* / iperf3j_link_server_* (label instance = the peer).")
public final class LinkCommand {
    /** A test message: its sequence number and padding up to --size. */
    public record Data(int seq, String pad) {
    }

    /** The server's running totals for the client. */
    public record Received(int count, int reordered, int duplicates) {
    }

    static MessageTypes types() {
        return MessageTypes.builder().add(20, "Data", Data.class).add(21, "Received", Received.class).build();
    }

    /** Bytes of a Data message besides its padding: header 5, type 1, int 4, string length 2. */
    static final int DATA_OVERHEAD = 12;

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
    @Option(names = {"-t", "--time"}, description = "client: seconds to send; server: seconds to run, 0 = until stopped (default ${DEFAULT-VALUE})")
    double time = 10;
    @Option(names = {"-i", "--interval"}, description = "client: seconds between interval lines; both: between metrics"
            + " published to --push.url / --metrics.file (default ${DEFAULT-VALUE})")
    double interval = 1;
    @Option(names = {"-J", "--json"}, description = "client: one JSON document")
    boolean json;

    private MetricsStream metrics;

    private Duration intervalDuration() {
        return Duration.ofNanos((long) (interval * 1e9));
    }

    private LinkCommand() {
    }

    /** Runs {@code iperf3j link ARGS}; returns the exit status (0 ok, 1 error). */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        return run(args, out, err, null);
    }

    /**
     * Runs {@code iperf3j link ARGS}, publishing the endpoint's {@link LinkMetrics#gauges()} to
     * {@code metrics} (if not null) every {@code -i} seconds and at the end: the client's as
     * {@code link_client}, the server's per client as {@code link_server}. The stream is left open.
     * Returns the exit status (0 ok, 1 error).
     */
    public static int run(List<String> args, PrintStream out, PrintStream err, MetricsStream metrics) {
        LinkCommand c = new LinkCommand();
        c.metrics = metrics;
        CommandLine cl = new CommandLine(c);
        try {
            cl.parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            err.println("iperf3j link: error - " + e.getMessage());
            return 1;
        }
        if (cl.isUsageHelpRequested() || cl.isVersionHelpRequested()) {
            cl.usage(out);
            out.flush();
            return 0;
        }
        try {
            c.validate();
            return c.server ? c.serve(out) : c.client(out);
        } catch (IllegalArgumentException e) {
            err.println("iperf3j link: error - " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("iperf3j link: error - " + e.getMessage());
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
        if (!(time >= 0) || time > 86_400 || (!server && time == 0)) {
            throw new IllegalArgumentException("time must be " + (server ? "0" : "above 0") + "..86400 s: " + time);
        }
        if (!(interval >= 0.01) || interval > 3600) {
            throw new IllegalArgumentException("interval must be 0.01..3600 s: " + interval);
        }
    }

    // ------------------------------------------------------------------ server

    private int serve(PrintStream out) throws IOException, InterruptedException {
        AtomicLong count = new AtomicLong();
        AtomicLong reordered = new AtomicLong();
        AtomicLong duplicates = new AtomicLong();
        long[] highest = {-1};
        java.util.BitSet seen = new java.util.BitSet();
        LinkServer s = new LinkServer(types(), LinkConfig.defaults(), new ServerListener() {
            @Override
            public void onMessage(Peer peer, Record message) {
                if (message instanceof Data d) {
                    // (runs on the server's thread: no other writer)
                    if (d.seq() >= 0 && seen.get(d.seq())) {
                        duplicates.incrementAndGet();
                        return;
                    }
                    if (d.seq() >= 0 && d.seq() < 100_000_000) {
                        seen.set(d.seq());
                    }
                    count.incrementAndGet();
                    if (d.seq() < highest[0]) {
                        reordered.incrementAndGet();
                    }
                    highest[0] = Math.max(highest[0], d.seq());
                }
            }

            @Override
            public void onDisconnect(Peer peer) {
                seen.clear();
                highest[0] = -1;
                count.set(0);
                reordered.set(0);
                duplicates.set(0);
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
            long end = time == 0 ? Long.MAX_VALUE : System.nanoTime() + (long) (time * 1e9);
            while (System.nanoTime() < end && s.state() == LinkState.LISTENING) {
                s.sendToAll(new Received((int) count.get(), (int) reordered.get(), (int) duplicates.get()), Delivery.RELIABLE);
                Thread.sleep(100);
            }
            s.disconnectAll();
        }
        return 0;
    }

    // ------------------------------------------------------------------ client

    /** One interval's figures (cumulative counters are in {@link LinkMetrics}). */
    record IntervalLine(double start, double end, long sent, long received, long lost, long reordered, double p50Micros,
                        double p99Micros, long rttSamples, long pendingAcks) {
    }

    private int client(PrintStream out) throws IOException, InterruptedException {
        Delivery delivery = ordered ? Delivery.ORDERED : reliable ? Delivery.RELIABLE : Delivery.UNRELIABLE;
        Histogram intervalRtt = new Histogram(3);
        Histogram totalRtt = new Histogram(3);
        Received[] last = {new Received(0, 0, 0)};
        CountDownLatch connected = new CountDownLatch(1);
        String[] failure = {null};
        LinkClient c = new LinkClient(types(), LinkConfig.defaults().withPingInterval(Duration.ofMillis(10)), new ClientListener() {
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
        c.observeRtt((sent, rtt) -> {
            synchronized (intervalRtt) {
                intervalRtt.recordValue(Math.max(1, rtt));
                totalRtt.recordValue(Math.max(1, rtt));
            }
        });
        List<IntervalLine> lines = new ArrayList<>();
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
                out.println("[ ID] Interval           Sent    Received  Lost  Reordered  RTT p50 us  RTT p99 us  Pending");
                out.flush();
            }
            String pad = "x".repeat(size - DATA_OVERHEAD);
            long start = System.nanoTime();
            long end = start + (long) (time * 1e9);
            long period = 1_000_000_000L / rate;
            long nextInterval = start + (long) (interval * 1e9);
            int seq = 0;
            long sentAtIntervalStart = 0;
            long receivedAtIntervalStart = 0;
            long reorderedAtIntervalStart = 0;
            double intervalStart = 0;
            long next = start;
            while (c.state() == LinkState.CONNECTED) {
                long now = System.nanoTime();
                if (now >= end) {
                    break;
                }
                while (next <= now && next < end) {
                    if (c.send(new Data(seq, pad), delivery).queued()) {
                        seq++;
                    }
                    next += period;
                }
                if (now >= nextInterval) {
                    double t = (now - start) / 1e9;
                    Received r = received(last);
                    lines.add(line(c, intervalStart, t, seq - sentAtIntervalStart, r, receivedAtIntervalStart,
                            reorderedAtIntervalStart, intervalRtt, out));
                    sentAtIntervalStart = seq;
                    receivedAtIntervalStart = r.count();
                    reorderedAtIntervalStart = r.reordered();
                    intervalStart = t;
                    nextInterval += (long) (interval * 1e9);
                }
                LockSupport.parkNanos(Math.max(10_000, Math.min(next, nextInterval) - System.nanoTime()));
            }
            // Let the last messages, acks and the server's totals arrive (reliable: until nothing is pending).
            long drainEnd = System.nanoTime() + 2_000_000_000L;
            while (System.nanoTime() < drainEnd && c.state() == LinkState.CONNECTED
                    && (received(last).count() + received(last).duplicates() < seq && (delivery != Delivery.UNRELIABLE
                    || System.nanoTime() < drainEnd - 1_500_000_000L) || c.metrics().pendingAcks() > 0)) {
                Thread.sleep(20);
            }
            Thread.sleep(250); // one more totals report (every 100 ms)
            double t = (System.nanoTime() - start) / 1e9;
            Received r = received(last); // one snapshot for the last line and the totals, so they add up
            lines.add(line(c, intervalStart, t, seq - sentAtIntervalStart, r, receivedAtIntervalStart,
                    reorderedAtIntervalStart, intervalRtt, json ? null : out));
            LinkMetrics m = c.metrics();
            if (c.state() != LinkState.CONNECTED) {
                throw new IOException("the link failed: " + c.error());
            }
            c.disconnect();
            if (json) {
                out.println(json(lines, seq, r, totalRtt, m, delivery));
            } else {
                double p50;
                double p99;
                synchronized (intervalRtt) {
                    p50 = totalRtt.getTotalCount() == 0 ? Double.NaN : totalRtt.getValueAtPercentile(50) / 1e3;
                    p99 = totalRtt.getTotalCount() == 0 ? Double.NaN : totalRtt.getValueAtPercentile(99) / 1e3;
                }
                out.println("- - - - - - - - - - - - - - - - - - - - - - - - -");
                out.printf(Locale.ROOT, "[SUM] 0.00-%.2f sec %9d %9d %5d %9d %11.1f %11.1f %8d%n", t, seq, r.count(),
                        Math.max(0, seq - r.count()), r.reordered(), p50, p99, m.pendingAcks());
                out.printf(Locale.ROOT, "link: %d datagrams out, %d in, %d resends, %d duplicates dropped by the server%n",
                        m.outPackets(), m.inPackets(), m.resends(), r.duplicates());
            }
            out.flush();
        }
        return 0;
    }

    private static Received received(Received[] last) {
        synchronized (last) {
            return last[0];
        }
    }

    private IntervalLine line(LinkClient c, double from, double to, long sent, Received r, long receivedBefore,
                              long reorderedBefore, Histogram rtt, PrintStream out) {
        double p50;
        double p99;
        long samples;
        synchronized (rtt) {
            samples = rtt.getTotalCount();
            p50 = samples == 0 ? Double.NaN : rtt.getValueAtPercentile(50) / 1e3;
            p99 = samples == 0 ? Double.NaN : rtt.getValueAtPercentile(99) / 1e3;
            rtt.reset();
        }
        long received = r.count() - receivedBefore;
        IntervalLine l = new IntervalLine(from, to, sent, received, Math.max(0, sent - received), r.reordered() - reorderedBefore,
                p50, p99, samples, c.metrics().pendingAcks());
        if (out != null && !json) {
            out.printf(Locale.ROOT, "[  1] %5.2f-%-5.2f sec %9d %9d %5d %9d %11.1f %11.1f %8d%n", l.start(), l.end(), l.sent(),
                    l.received(), l.lost(), l.reordered(), l.p50Micros(), l.p99Micros(), l.pendingAcks());
            out.flush();
        }
        return l;
    }

    private String json(List<IntervalLine> lines, long sent, Received r, Histogram total, LinkMetrics m, Delivery delivery)
            throws IOException {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeObjectFieldStart("start");
            g.writeStringField("host", host);
            g.writeNumberField("port", port);
            g.writeNumberField("rate", rate);
            g.writeNumberField("size", size);
            g.writeStringField("delivery", delivery.name().toLowerCase(Locale.ROOT));
            g.writeNumberField("duration", time);
            g.writeEndObject();
            g.writeArrayFieldStart("intervals");
            for (IntervalLine l : lines) {
                g.writeStartObject();
                g.writeNumberField("start", l.start());
                g.writeNumberField("end", l.end());
                g.writeNumberField("sent", l.sent());
                g.writeNumberField("received", l.received());
                g.writeNumberField("lost", l.lost());
                g.writeNumberField("reordered", l.reordered());
                number(g, "rtt_p50_us", l.p50Micros());
                number(g, "rtt_p99_us", l.p99Micros());
                g.writeNumberField("rtt_samples", l.rttSamples());
                g.writeNumberField("pending_acks", l.pendingAcks());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeObjectFieldStart("end");
            g.writeNumberField("sent", sent);
            g.writeNumberField("received", r.count());
            g.writeNumberField("lost", Math.max(0, sent - r.count()));
            g.writeNumberField("reordered", r.reordered());
            g.writeNumberField("duplicates", r.duplicates());
            synchronized (total) {
                g.writeNumberField("rtt_samples", total.getTotalCount());
                number(g, "rtt_p50_us", total.getTotalCount() == 0 ? Double.NaN : total.getValueAtPercentile(50) / 1e3);
                number(g, "rtt_p99_us", total.getTotalCount() == 0 ? Double.NaN : total.getValueAtPercentile(99) / 1e3);
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
