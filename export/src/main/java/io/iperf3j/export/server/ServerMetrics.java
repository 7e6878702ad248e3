package io.iperf3j.export.server;

import io.iperf3j.Cause;
import io.iperf3j.ServerEvent;
import io.iperf3j.ServerEvents;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The server's {@code /metrics}: counts its {@link ServerEvent}s in {@link LongAdder}s, so the threads that
 * raise events (acceptor, handshakes, tests) never wait for each other or for a scrape; only the first
 * event of a new client prefix takes a small lock, until {@code clientPrefixes} prefixes have their series.
 * {@link #snapshots()} reads them for a scrape. The gauges of tests running and queued are read from the
 * server at the scrape (the events have no "launched" or "dropped at close" step, so counting them would
 * drift; the server's own counts are exact).
 *
 * <p>Series (prefix {@code iperf3_server_}; docs/design/public-server.md, 3.5): {@code tests_running},
 * {@code tests_queued}, {@code tests_max}, {@code queue_max} (gauges); {@code tests_started_total},
 * {@code tests_ended_total{result,reason}} (denied tests not counted: they are {@code refused_total{reason="auth"}}), {@code refused_total{reason}}, {@code queue_left_total},
 * {@code tests_limited_total{cause,sender}} (what held each direction of a finished test back, when its iperf3j
 * client asked: {@code --why}, {@code -V}; docs/design/why.md),
 * {@code bytes_total{direction,protocol}} (counters, bytes added each stats interval);
 * {@code test_duration_seconds}, {@code queue_wait_seconds} (histograms); with {@link #logDrops}
 * {@code log_lines_dropped_total} (the operator log's rate limit); with {@code --total-rate}
 * ({@link #rateGauges}) {@code rate_limit_bytes_per_second} and {@code fair_share_bytes_per_second}; per client prefix (IPv4 /24,
 * IPv6 /48) {@code client_tests_started_total{prefix}}, {@code client_bytes_total{prefix,direction}},
 * {@code client_refused_total{prefix,reason}}. The first {@code clientPrefixes} prefixes seen keep series
 * of their own for the life of the process; later ones are counted under {@code prefix="other"}, so the
 * cardinality is bounded and no counter restarts.
 */
public final class ServerMetrics implements ServerEvents {
    /** The prefix label of the prefixes beyond the first {@code clientPrefixes}. */
    public static final String OTHER = "other";
    /** {@code --metrics.client-prefixes}' default. */
    public static final int DEFAULT_CLIENT_PREFIXES = 64;

    static final double[] DURATION_BUCKETS = {1, 2, 5, 10, 20, 30, 60, 120, 300, 600};
    static final double[] WAIT_BUCKETS = {0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300};
    private static final String NAME = "iperf3_server_";

    /**
     * What the server was started with.
     *
     * @param maxTests {@code --max-concurrent}
     * @param queueMax {@code --queue} (0 without a queue)
     * @param clientPrefixes how many client prefixes get series of their own ({@code --metrics.client-prefixes})
     */
    public record Limits(int maxTests, int queueMax, int clientPrefixes) {
        public Limits {
            if (maxTests < 0 || queueMax < 0 || clientPrefixes < 0) {
                throw new IllegalArgumentException("negative limit");
            }
        }
    }

    private final Limits limits;
    private final IntSupplier running;
    private final IntSupplier queued;
    private final LongAdder started = new LongAdder();
    /** Ended tests by [result][end reason]; denied ones are not here (they are {@code refused{reason="auth"}}). */
    private final LongAdder[][] ended = new LongAdder[ServerEvent.Result.values().length][ServerEvent.EndReason.values().length];
    private final Map<ServerEvent.Reason, LongAdder> refused = adders(ServerEvent.Reason.class);
    private final LongAdder left = new LongAdder();
    /** Directions of finished tests by cause, [0: the client sent, 1: the server sent] (--why, -V). */
    private final List<Map<Cause, LongAdder>> limited = List.of(adders(Cause.class), adders(Cause.class));
    /** Bytes by [direction: 0 sent, 1 received][protocol: 0 tcp, 1 udp]. */
    private final LongAdder[][] bytes = {{new LongAdder(), new LongAdder()}, {new LongAdder(), new LongAdder()}};
    private final Histogram duration = new Histogram(DURATION_BUCKETS);
    private final Histogram wait = new Histogram(WAIT_BUCKETS);
    private final ConcurrentHashMap<String, ClientSeries> clients = new ConcurrentHashMap<>();
    private final ClientSeries other = new ClientSeries();
    private final Object newPrefix = new Object();
    /** Set once {@code clientPrefixes} prefixes have series: every later one is {@link #OTHER}, without the lock. */
    private volatile boolean prefixesFull;
    private volatile boolean otherUsed;
    /** The operator log's lines left out by its rate limit, read at each scrape; null: not shown. */
    private volatile LongSupplier logDrops;
    /** {@code --total-rate}'s gauges, read at each scrape; null without one. */
    private volatile RateGauges rates;
    /** The process's own series ({@link #process}); null: not shown. */
    private volatile ProcessSeries process;

    /** The budget of {@code --total-rate} and the share a running test gets of it now, in bytes a second. */
    private record RateGauges(DoubleSupplier limit, DoubleSupplier fairShare) {
    }

    /**
     * @param running tests running now (the server's count of taken places), read at each scrape
     * @param queued clients queued now, read at each scrape
     */
    public ServerMetrics(Limits limits, IntSupplier running, IntSupplier queued) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.running = Objects.requireNonNull(running, "running");
        this.queued = Objects.requireNonNull(queued, "queued");
        this.prefixesFull = limits.clientPrefixes() == 0;
        for (LongAdder[] row : ended) {
            for (int i = 0; i < row.length; i++) {
                row[i] = new LongAdder();
            }
        }
    }

    /**
     * With {@code --total-rate}: adds {@code rate_limit_bytes_per_second} and
     * {@code fair_share_bytes_per_second}, read at each scrape. Call before the server serves.
     *
     * @param limitBytesPerSecond the server's total rate
     * @param fairShareBytesPerSecond the share a test gets now (the water level of the max-min allocation)
     */
    public ServerMetrics rateGauges(DoubleSupplier limitBytesPerSecond, DoubleSupplier fairShareBytesPerSecond) {
        this.rates = new RateGauges(Objects.requireNonNull(limitBytesPerSecond, "limitBytesPerSecond"),
                Objects.requireNonNull(fairShareBytesPerSecond, "fairShareBytesPerSecond"));
        return this;
    }

    /**
     * With {@code --server-log}: adds the counter {@code log_lines_dropped_total}, the lines the log's
     * rate limit left out (each run of them said by a {@code dropped} line), read at each scrape.
     * Call before the server serves.
     */
    public ServerMetrics logDrops(LongSupplier droppedLines) {
        this.logDrops = Objects.requireNonNull(droppedLines, "droppedLines");
        return this;
    }

    /**
     * Adds {@code iperf3j_build_info{version,java_version} 1} and the JVM's and the process's own series (the
     * Prometheus Java client's {@code JvmMetrics}: {@code process_start_time_seconds}, CPU, resident memory, open
     * file descriptors, heap and non-heap memory, threads, GC, class loading, buffer pools, {@code jvm_runtime_info}),
     * so a restart, a leak or a busy GC shows. Call once, before the server serves.
     *
     * @param version iperf3j's version ({@code 0.1.0})
     */
    public ServerMetrics process(String version) {
        this.process = new ProcessSeries(version);
        return this;
    }

    /** Whether a test with this result and end is a series of {@code tests_ended_total} even at 0. */
    static boolean endedSeries(ServerEvent.Result result, ServerEvent.EndReason end) {
        return switch (result) {
            case OK -> end == ServerEvent.EndReason.COMPLETED;
            case CUT -> end != ServerEvent.EndReason.COMPLETED && end != ServerEvent.EndReason.PARAMETERS
                    && end != ServerEvent.EndReason.AUTH;
            case REFUSED -> end == ServerEvent.EndReason.PARAMETERS || end == ServerEvent.EndReason.MAX_DURATION
                    || end == ServerEvent.EndReason.RATE_LIMIT || end == ServerEvent.EndReason.IO_ERROR;
            case DENIED -> false;
        };
    }

    private static <E extends Enum<E>> Map<E, LongAdder> adders(Class<E> type) {
        Map<E, LongAdder> m = new EnumMap<>(type);
        for (E e : type.getEnumConstants()) {
            m.put(e, new LongAdder());
        }
        return m;
    }

    @Override
    public void on(ServerEvent event) {
        switch (event) {
            case ServerEvent.Accepted a -> { }
            case ServerEvent.Queued q -> { }
            case ServerEvent.Left l -> {
                left.increment();
                wait.observe(l.waited());
            }
            case ServerEvent.Started s -> {
                started.increment();
                if (s.waited().isPositive()) {
                    wait.observe(s.waited());
                }
                ClientSeries c = client(s.address());
                if (c != null) {
                    c.started.increment();
                }
            }
            case ServerEvent.Interval i -> interval(i);
            case ServerEvent.Ended e -> {
                if (e.result() == ServerEvent.Result.DENIED) {
                    return; // counted by its Refused (reason auth): a denied attempt is not a test
                }
                ended[e.result().ordinal()][e.end().ordinal()].increment();
                if (e.result() != ServerEvent.Result.REFUSED) {
                    duration.observe(e.duration()); // tests that ran or set up, not refused parameters
                }
                e.why().ifPresent(w -> w.directions().forEach(d ->
                        limited.get(d.senderIsClient() ? 0 : 1).get(d.verdict().cause()).increment()));
            }
            case ServerEvent.Refused r -> {
                refused.get(r.reason()).increment();
                if (r.reason() == ServerEvent.Reason.QUEUE_TIMEOUT) {
                    wait.observe(r.waited());
                }
                ClientSeries c = client(r.address());
                if (c != null) {
                    c.refused.get(r.reason()).increment();
                }
            }
        }
    }

    private void interval(ServerEvent.Interval i) {
        int protocol = "UDP".equals(i.protocol()) ? 1 : 0;
        bytes[0][protocol].add(i.sentBytes());
        bytes[1][protocol].add(i.receivedBytes());
        ClientSeries c = client(i.address());
        if (c != null) {
            c.sent.add(i.sentBytes());
            c.received.add(i.receivedBytes());
        }
    }

    /** The series of an address's prefix (or of {@link #OTHER}); null when there are none. */
    private ClientSeries client(String address) {
        if (address == null || limits.clientPrefixes() == 0) {
            return null;
        }
        String prefix = metricPrefix(address);
        ClientSeries c = clients.get(prefix);
        if (c != null) {
            return c;
        }
        if (!prefixesFull) {
            synchronized (newPrefix) {
                c = clients.get(prefix);
                if (c != null) {
                    return c;
                }
                if (clients.size() < limits.clientPrefixes()) {
                    c = new ClientSeries();
                    clients.put(prefix, c);
                    prefixesFull = clients.size() >= limits.clientPrefixes();
                    return c;
                }
                prefixesFull = true;
            }
        }
        if (!otherUsed) {
            otherUsed = true; // one volatile write, not one per event
        }
        return other;
    }

    /** The metric's prefix of an address: IPv4 /24 ({@code 192.0.2.0/24}), IPv6 /48 ({@code 2001:db8:1::/48}). */
    static String metricPrefix(String address) {
        InetAddress a;
        try {
            a = InetAddress.ofLiteral(address);
        } catch (IllegalArgumentException e) {
            return OTHER;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            return (b[0] & 0xFF) + "." + (b[1] & 0xFF) + "." + (b[2] & 0xFF) + ".0/24";
        }
        int[] groups = {((b[0] & 0xFF) << 8) | (b[1] & 0xFF), ((b[2] & 0xFF) << 8) | (b[3] & 0xFF),
                ((b[4] & 0xFF) << 8) | (b[5] & 0xFF)};
        int kept = 3;
        while (kept > 0 && groups[kept - 1] == 0) {
            kept--; // zero groups before the zero tail join the "::" (it is the longest run: 5 groups or more)
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < kept; i++) {
            sb.append(i == 0 ? "" : ":").append(Integer.toHexString(groups[i]));
        }
        return sb.append("::/48").toString();
    }

    /** Every series, as a scrape shows them. */
    public MetricSnapshots snapshots() {
        List<MetricSnapshot> all = new ArrayList<>();
        all.add(gauge("tests_running", "Tests running now (holding a --max-concurrent place).", running.getAsInt()));
        all.add(gauge("tests_queued", "Clients waiting in the queue now.", queued.getAsInt()));
        all.add(gauge("tests_max", "The most tests that run at once (--max-concurrent).", limits.maxTests()));
        all.add(gauge("queue_max", "The most clients the queue holds (--queue; 0: no queue).", limits.queueMax()));
        RateGauges rate = rates;
        if (rate != null) {
            all.add(gauge("rate_limit_bytes_per_second", "The total rate the running tests share (--total-rate).",
                    rate.limit().getAsDouble()));
            all.add(gauge("fair_share_bytes_per_second", "The share of --total-rate a running test gets now.",
                    rate.fairShare().getAsDouble()));
        }
        all.add(counter("tests_started", "Tests that passed their parameter exchange and started.", Labels.EMPTY,
                started.sum()).build());
        CounterSnapshot.Builder endedB = CounterSnapshot.builder().name(NAME + "tests_ended")
                .help("Tests that took a place and ended, by result (ok, cut: ended early, refused: parameters) and"
                        + " reason; denied authentication is refused_total{reason=\"auth\"}.");
        for (ServerEvent.Result r : ServerEvent.Result.values()) {
            for (ServerEvent.EndReason e : ServerEvent.EndReason.values()) {
                long n = ended[r.ordinal()][e.ordinal()].sum();
                if (n > 0 || endedSeries(r, e)) {
                    endedB.dataPoint(point(Labels.of("reason", e.label(), "result", r.label()), n));
                }
            }
        }
        all.add(endedB.build());
        CounterSnapshot.Builder refusedB = CounterSnapshot.builder().name(NAME + "refused")
                .help("Connections refused or dropped before a test, by reason.");
        refused.forEach((r, n) -> refusedB.dataPoint(point(Labels.of("reason", r.label()), n.sum())));
        all.add(refusedB.build());
        CounterSnapshot.Builder limitedB = CounterSnapshot.builder().name(NAME + "tests_limited")
                .help("Finished tests whose client asked what held them back (--why, -V), a count per direction of"
                        + " data: by cause and by the side that sent it.");
        String[] senders = {"client", "server"};
        for (int i = 0; i < 2; i++) {
            for (Map.Entry<Cause, LongAdder> c : limited.get(i).entrySet()) {
                limitedB.dataPoint(point(Labels.of("cause", c.getKey().key(), "sender", senders[i]), c.getValue().sum()));
            }
        }
        all.add(limitedB.build());
        all.add(counter("queue_left", "Queued clients that hung up before their turn.", Labels.EMPTY, left.sum())
                .build());
        CounterSnapshot.Builder bytesB = CounterSnapshot.builder().name(NAME + "bytes")
                .help("Payload bytes of the tests' data streams, added each stats interval.");
        String[] directions = {"sent", "received"};
        String[] protocols = {"tcp", "udp"};
        for (int d = 0; d < 2; d++) {
            for (int p = 0; p < 2; p++) {
                bytesB.dataPoint(point(Labels.of("direction", directions[d], "protocol", protocols[p]), bytes[d][p].sum()));
            }
        }
        all.add(bytesB.build());
        LongSupplier drops = logDrops;
        if (drops != null) {
            all.add(counter("log_lines_dropped", "Operator log lines (--server-log) left out by its rate limit.",
                    Labels.EMPTY, drops.getAsLong()).build());
        }
        all.add(duration.snapshot(NAME + "test_duration_seconds",
                "How long tests ran, from admission to end (not denied ones, nor refused parameters)."));
        all.add(wait.snapshot(NAME + "queue_wait_seconds",
                "How long queued clients waited: until their test started, they left or they timed out."));
        if (limits.clientPrefixes() > 0) {
            clientSnapshots(all);
        }
        ProcessSeries p = process;
        if (p != null) {
            all.addAll(p.snapshots());
        }
        return new MetricSnapshots(all);
    }

    private void clientSnapshots(List<MetricSnapshot> all) {
        List<Map.Entry<String, ClientSeries>> ordered = new ArrayList<>(new TreeMap<>(clients).entrySet());
        if (otherUsed) {
            ordered.add(Map.entry(OTHER, other)); // last
        }
        CounterSnapshot.Builder startedB = CounterSnapshot.builder().name(NAME + "client_tests_started")
                .help("Tests started, by client prefix (IPv4 /24, IPv6 /48; later prefixes as \"other\").");
        CounterSnapshot.Builder bytesB = CounterSnapshot.builder().name(NAME + "client_bytes")
                .help("Payload bytes, by client prefix and direction (as the server sees it).");
        CounterSnapshot.Builder refusedB = CounterSnapshot.builder().name(NAME + "client_refused")
                .help("Refused connections, by client prefix and reason.");
        boolean anyRefused = false;
        for (Map.Entry<String, ClientSeries> e : ordered) {
            ClientSeries c = e.getValue();
            startedB.dataPoint(point(Labels.of("prefix", e.getKey()), c.started.sum()));
            bytesB.dataPoint(point(Labels.of("direction", "sent", "prefix", e.getKey()), c.sent.sum()));
            bytesB.dataPoint(point(Labels.of("direction", "received", "prefix", e.getKey()), c.received.sum()));
            for (Map.Entry<ServerEvent.Reason, LongAdder> r : c.refused.entrySet()) {
                long n = r.getValue().sum();
                if (n > 0) {
                    refusedB.dataPoint(point(Labels.of("prefix", e.getKey(), "reason", r.getKey().label()), n));
                    anyRefused = true;
                }
            }
        }
        if (!ordered.isEmpty()) {
            all.add(startedB.build());
            all.add(bytesB.build());
        }
        if (anyRefused) {
            all.add(refusedB.build());
        }
    }

    private static GaugeSnapshot gauge(String name, String help, double value) {
        return GaugeSnapshot.builder().name(NAME + name).help(help)
                .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(value).build()).build();
    }

    private static CounterSnapshot.Builder counter(String name, String help, Labels labels, long value) {
        return CounterSnapshot.builder().name(NAME + name).help(help).dataPoint(point(labels, value));
    }

    private static CounterSnapshot.CounterDataPointSnapshot point(Labels labels, long value) {
        return CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels).value(value).build();
    }

    /** One client prefix's counters. */
    private static final class ClientSeries {
        final LongAdder started = new LongAdder();
        final LongAdder sent = new LongAdder();
        final LongAdder received = new LongAdder();
        final Map<ServerEvent.Reason, LongAdder> refused = adders(ServerEvent.Reason.class);
    }

    /** A classic histogram of seconds: a {@link LongAdder} per bucket and a {@link DoubleAdder} for the sum. */
    private static final class Histogram {
        private final double[] bounds;
        /** Per bucket (not cumulative); the last one is +Inf. */
        private final LongAdder[] counts;
        private final DoubleAdder sum = new DoubleAdder();

        Histogram(double[] bounds) {
            this.bounds = bounds;
            this.counts = new LongAdder[bounds.length + 1];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = new LongAdder();
            }
        }

        void observe(Duration d) {
            double seconds = d.toNanos() / 1e9;
            int i = 0;
            while (i < bounds.length && seconds > bounds[i]) {
                i++;
            }
            counts[i].increment();
            sum.add(seconds);
        }

        HistogramSnapshot snapshot(String name, String help) {
            double[] upper = new double[bounds.length + 1];
            long[] n = new long[counts.length];
            System.arraycopy(bounds, 0, upper, 0, bounds.length);
            upper[bounds.length] = Double.POSITIVE_INFINITY;
            for (int i = 0; i < counts.length; i++) {
                n[i] = counts[i].sum();
            }
            return HistogramSnapshot.builder().name(name).help(help)
                    .dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
                            .classicHistogramBuckets(ClassicHistogramBuckets.of(upper, n)).sum(sum.sum()).build())
                    .build();
        }
    }
}
