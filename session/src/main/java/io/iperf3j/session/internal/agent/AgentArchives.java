package io.iperf3j.session.internal.agent;

import io.iperf3j.IperfCommand;
import io.iperf3j.export.server.ProcessSeries;
import io.iperf3j.export.server.ServerMetricsEndpoint;
import io.iperf3j.session.Node;
import io.iperf3j.session.Plan;
import io.iperf3j.session.internal.output.ResultArchives;
import io.iperf3j.session.internal.output.RunRecord;
import io.iperf3j.session.internal.output.SessionMetrics;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where an agent's results go besides its files (issue 69), as a scheduled {@code iperf3j session}'s go: the plan's archives
 * ({@link ResultArchives}: its {@code remote_write} and {@code push}, the command line's over them; the same series and labels,
 * retries and summary) and, with {@code --metrics.listen}, {@code /metrics} ({@link SessionMetrics} over the tests this host
 * sends, the archives' counters, the process's series). Plus the agent's heartbeat, {@value #HEARTBEAT}{@code {host="ID"}}: the
 * end of its last run, in Unix seconds, on {@code /metrics} and written to the remote-write receiver at each run's end, so an
 * archive sees a host that stopped ({@code time() - max by (host) (HEARTBEAT) > 2 * period}). No sample before the first
 * run's end: a heartbeat is a run that ended. A Pushgateway gets none (its groups are tests'; its own {@code push_time_seconds}
 * of a test's group says when it last came).
 *
 * <p>Threads: {@link #accept} and {@link #runEnded} on the agent's thread; {@link #snapshots} on the HTTP request threads;
 * {@link #finish} once, at the end.
 */
public final class AgentArchives implements Consumer<RunRecord>, AutoCloseable {
    /** The heartbeat series: the end of an agent's last run, Unix seconds, labelled {@code host}. */
    public static final String HEARTBEAT = "iperf3j_agent_last_run_timestamp_seconds";

    private final String host;
    private final ResultArchives archives;
    private final SessionMetrics metrics;
    private final ProcessSeries process = new ProcessSeries(IperfCommand.version());
    private volatile double lastRunEnd = Double.NaN;
    private ServerMetricsEndpoint endpoint;

    private AgentArchives(String host, ResultArchives archives, SessionMetrics metrics) {
        this.host = host;
        this.archives = archives;
        this.metrics = metrics;
    }

    /**
     * The archives {@code plan} names (the command line's options already over it) for host {@code me}, started, and
     * {@code /metrics} on {@code listen} when given.
     *
     * @param warnings told when an archive stops answering and when it is back
     * @throws IllegalArgumentException if an archive cannot be valid (a remote-write URL, a file it cannot read), saying why
     * @throws IOException if {@code listen} cannot be bound
     */
    public static AgentArchives start(Plan plan, Node me, Optional<InetSocketAddress> listen, Consumer<String> warnings)
            throws IOException {
        SessionMetrics metrics = new SessionMetrics(plan.tests().stream().filter(t -> t.sender().equals(me.id())).toList());
        ResultArchives archives = ResultArchives.of(plan, warnings);
        archives.countIn(metrics);
        AgentArchives a = new AgentArchives(me.id(), archives, metrics);
        if (listen.isPresent()) {
            try {
                a.endpoint = ServerMetricsEndpoint.start(listen.get(), "iperf3j-agent-metrics-", a::snapshots);
            } catch (IOException e) {
                a.abandon();
                throw e;
            }
        }
        return a;
    }

    /** Where {@code /metrics} is served, when it is. */
    public Optional<InetSocketAddress> metricsAddress() {
        return Optional.ofNullable(endpoint).map(ServerMetricsEndpoint::address);
    }

    /** Counts a record of a test this host sent and queues it for every archive; returns at once. */
    @Override
    public void accept(RunRecord rec) {
        metrics.accept(rec);
        if (archives.any()) {
            archives.accept(rec);
        }
    }

    /** Run {@code run} ended at {@code at}: the heartbeat from now on, and a sample of it queued for the remote-write receiver. */
    public void runEnded(long run, Instant at) {
        lastRunEnd = at.toEpochMilli() / 1000.0;
        archives.sample(host + "'s run " + run + " end", HEARTBEAT, Map.of("host", host), lastRunEnd, at.toEpochMilli());
    }

    /** The series now: the tests' and archives' (a session's), the heartbeat, the process's. */
    public MetricSnapshots snapshots() {
        List<MetricSnapshot> all = new ArrayList<>();
        metrics.snapshots().forEach(all::add);
        GaugeSnapshot.Builder beat = GaugeSnapshot.builder().name(HEARTBEAT)
                .help("the end of this agent's last run, Unix seconds (none before its first run ends)");
        double last = lastRunEnd;
        if (!Double.isNaN(last)) {
            beat.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(Labels.of("host", host)).value(last).build());
        }
        all.add(beat.build());
        all.addAll(process.snapshots());
        return new MetricSnapshots(all);
    }

    /**
     * At the end: one line a waiting archive ({@link ResultArchives#waitingLines}), then what is waiting is sent, each archive
     * within its flush time, and the summary's lines (how many were written, every one that was not, by reason); none when
     * there is no archive.
     */
    public List<String> finish() throws InterruptedException {
        if (!archives.any()) {
            return List.of();
        }
        List<String> lines = new ArrayList<>(archives.waitingLines());
        lines.addAll(archives.finish());
        return lines;
    }

    /** After {@link #finish}: results and heartbeats an archive did not get. */
    public long notSent() {
        return archives.notSent();
    }

    /** Stops the archives' threads (a start that failed: nothing is queued yet, so nothing is waited for). */
    private void abandon() {
        try {
            archives.finish();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops serving {@code /metrics}. */
    @Override
    public void close() {
        if (endpoint != null) {
            endpoint.close();
        }
    }
}
