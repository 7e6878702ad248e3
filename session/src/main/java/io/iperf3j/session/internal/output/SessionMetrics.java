package io.iperf3j.session.internal.output;

import io.iperf3j.session.Plan;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import io.iperf3j.session.internal.result.RunFigures;

/**
 * A scheduled session's {@code /metrics} ({@code iperf3j session --metrics.listen}): per test, with the labels
 * of {@code tests.jsonl} and the Pushgateway ({@link ResultPush#labels}), the last run's figures
 * ({@link RunFigures}) as gauges and the counters of runs, failures and skipped slots. Every test of the plan
 * has its counters from the start; its {@code test_success} series, like its other gauges, from its first run
 * on (restored, ended or skipped), then at every scrape: 1 or 0, so a host that is down shows 0, never a gap; a run
 * that was skipped (its slots not free within its slip) shows 0 too, with {@code test_skipped} 1 and no rate (issue 66: the
 * skipped runs of a dead host's tests kept their last good run's 1, and the README's alert stayed green). Why no
 * sample before the first run: a 0 there is a failure that did not happen, and an alert on {@code == 0} fired
 * at every start for each test not yet due (issue 46, item 8); "not run yet" is the absence of the series,
 * which {@code runs_total == 0} says. The set of series is fixed by the plan: bounded.
 *
 * <p>Threads: {@link #ran} and {@link #skipped(String, RunFigures)} on the dispatcher's outcome thread (one at a time);
 * {@link #snapshots} on the HTTP request threads at each scrape. The last figures are immutable records
 * swapped in a concurrent map, which a scrape copies once, so a test's gauges in one scrape are all of one run
 * (its {@code last_run}); the counters are {@link LongAdder}s, each made at its test's first count, and the counting and
 * {@link #tests} hold this object's lock.
 */
public final class SessionMetrics implements java.util.function.Consumer<RunRecord> {
    private static final String NAME = ResultSeries.PREFIX;

    /**
     * The plan's tests by id, in plan order: replaced whole by {@link #tests} (a plan read again), read at each scrape, which
     * makes their labels ({@link #labels}). Not the labels themselves, nor a counter a test before its first count: at 200
     * hosts (a mesh of 19 900 tests) those were 10 MiB of the controller's 34 MiB live heap, held by a plan run without
     * {@code --metrics.listen} too (issue 69).
     */
    private volatile Map<String, Plan.Test> tests = Map.of();
    private final Map<String, RunFigures> last = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> runs = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> skips = new ConcurrentHashMap<>();
    /** Each rotating test's ({@code per_run}) newest run that has a line, by the test's name: where its cycle is. */
    private final Map<String, Cycle> cycles = new ConcurrentHashMap<>();
    /** The archives results are sent to (their queues' counters), by name: {@code pushgateway}, {@code remote_write}. */
    private final Map<String, ResultQueue<?>> archives = new ConcurrentHashMap<>();

    /** Series for each of {@code tests}. */
    public SessionMetrics(List<Plan.Test> tests) {
        tests(tests);
    }

    /**
     * The plan's tests from now on (a schedule's plan read again: issue 66): a new test has its counters at 0, a test the plan
     * no longer has loses its series, the others keep theirs. Bounded by the plan, as before.
     */
    public synchronized void tests(List<Plan.Test> tests) {
        Map<String, Plan.Test> next = new LinkedHashMap<>();
        for (Plan.Test t : tests) {
            next.put(t.id(), t);
        }
        this.tests = java.util.Collections.unmodifiableMap(next);
        for (Map<String, ?> m : List.of(runs, failures, skips, last)) {
            m.keySet().retainAll(next.keySet());
        }
        java.util.Set<String> rotating = new java.util.HashSet<>();
        tests.forEach(t -> t.turn().ifPresent(turn -> rotating.add(turn.test())));
        cycles.keySet().retainAll(rotating);
    }

    /** Each test's labels ({@link ResultPush#labels}), in plan order, made for one scrape. */
    private static Map<String, Labels> labels(Map<String, Plan.Test> tests) {
        Map<String, Labels> all = new LinkedHashMap<>();
        tests.forEach((id, t) -> {
            Labels.Builder b = Labels.builder();
            ResultPush.labels(t).forEach(b::label);
            all.put(id, b.build());
        });
        return all;
    }

    /** Counts a record: a run's figures, or a skipped run. */
    @Override
    public void accept(RunRecord r) {
        r.test().turn().ifPresent(turn -> cycles.merge(turn.test(), new Cycle(r.run(), turn.cycleRun(r.run()), turn.runs()),
                (was, now) -> now.run() >= was.run() ? now : was));
        switch (r) {
            case RunRecord.Ran ran -> ran(r.test().id(), ran.figures());
            case RunRecord.Skipped s -> skipped(s.test().id(), s.figures());
        }
    }

    /** A run of test {@code id} ended with these figures. */
    public synchronized void ran(String id, RunFigures figures) {
        if (!tests.containsKey(id)) {
            return; // a test the plan read again no longer has, ended after: its line is in tests.jsonl, it has no series now
        }
        last.put(id, figures);
        runs.computeIfAbsent(id, k -> new LongAdder()).increment();
        if (!figures.ok()) {
            failures.computeIfAbsent(id, k -> new LongAdder()).increment();
        }
    }

    /** Figures of a run before a restart (from the state file): shown, not counted. */
    public synchronized void restore(String id, RunFigures figures) {
        if (tests.containsKey(id)) {
            last.put(id, figures);
        }
    }

    /**
     * Counts what the queue of archive {@code name} ({@code pushgateway}, {@code remote_write}) sent, retried, had refused and
     * holds, from now on at every scrape (issue 65: a node that silently stops archiving is visible).
     */
    public void archive(String name, ResultQueue<?> queue) {
        archives.put(name, queue);
    }

    /**
     * A run of test {@code id} was skipped (its slot not taken within its slip): counted, and its figures
     * ({@link RunFigures#skipped}) are the last run's from now on.
     */
    public synchronized void skipped(String id, RunFigures figures) {
        if (!figures.skipped()) {
            throw new IllegalArgumentException("not a skipped run's figures");
        }
        if (tests.containsKey(id)) {
            skips.computeIfAbsent(id, k -> new LongAdder()).increment();
            last.put(id, figures);
        }
    }

    /** The series now. */
    public MetricSnapshots snapshots() {
        // one copy read by every gauge: a scrape's series of a test are all of one run (iperf3j report's
        // Prometheus history takes a run's figures from the sample that shows its number)
        Map<String, RunFigures> now = Map.copyOf(last);
        Map<String, Labels> labels = labels(tests);
        List<io.prometheus.metrics.model.snapshots.MetricSnapshot> out = new ArrayList<>();
        for (ResultSeries series : ResultSeries.values()) {
            out.add(lastGauge(labels, now, series));
        }
        out.add(counter(labels, "runs", "runs that ended (succeeded or failed) since the session started", runs));
        out.add(counter(labels, "failures", "runs that failed since the session started", failures));
        out.add(counter(labels, "skipped", "runs skipped since the session started: the hosts' slots not free within the slip",
                skips));
        if (!archives.isEmpty()) {
            archiveSeries(out);
        }
        if (!cycles.isEmpty()) {
            cycleSeries(out);
        }
        return new MetricSnapshots(out);
    }

    /** Where a rotating test's newest run with a line is in its cycle: run {@code cycleRun} of {@code runs}. */
    private record Cycle(long run, long cycleRun, long runs) {
    }

    /**
     * Each rotating test's cycle (issue 69), a series a test of the plan (labelled {@code test}, its name; never a pair, so
     * bounded by the plan's tests): {@code rotation_run}, where the newest run that has a line is in the cycle (1 … runs), and
     * {@code rotation_runs}, the runs a cycle takes.
     */
    private void cycleSeries(List<io.prometheus.metrics.model.snapshots.MetricSnapshot> out) {
        GaugeSnapshot.Builder run = GaugeSnapshot.builder().name(NAME + "rotation_run")
                .help("where a rotating test (per_run) is in its cycle: the newest run that has a result, 1 to rotation_runs");
        GaugeSnapshot.Builder of = GaugeSnapshot.builder().name(NAME + "rotation_runs")
                .help("the runs a rotating test (per_run) takes to run each of its pairs once");
        new java.util.TreeMap<>(cycles).forEach((test, c) -> {
            run.dataPoint(gauge(Labels.of("test", test), c.cycleRun()));
            of.dataPoint(gauge(Labels.of("test", test), c.runs()));
        });
        out.add(run.build());
        out.add(of.build());
    }

    /** The archives' counters: results written and refused, requests retried, results waiting. */
    private void archiveSeries(List<io.prometheus.metrics.model.snapshots.MetricSnapshot> out) {
        CounterSnapshot.Builder results = CounterSnapshot.builder().name(NAME + "archive_results")
                .help("results an archive stored (outcome=written) or refused for good (outcome=refused) since the session started");
        CounterSnapshot.Builder retries = CounterSnapshot.builder().name(NAME + "archive_retries")
                .help("requests to an archive that failed (no answer, 5xx, 429) and were made again");
        GaugeSnapshot.Builder pending = GaugeSnapshot.builder().name(NAME + "archive_pending")
                .help("results waiting to be sent to an archive");
        new java.util.TreeMap<>(archives).forEach((name, q) -> {
            Labels l = Labels.of("archive", name);
            results.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(l.add("outcome", "written")).value(q.sent()).build());
            results.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(l.add("outcome", "refused")).value(q.refused()).build());
            retries.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(l).value(q.retries()).build());
            pending.dataPoint(gauge(l, q.waiting()));
        });
        out.add(results.build());
        out.add(retries.build());
        out.add(pending.build());
    }

    private static GaugeSnapshot lastGauge(Map<String, Labels> labels, Map<String, RunFigures> now, ResultSeries series) {
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(series.metricName()).help(series.help());
        labels.forEach((id, l) -> {
            RunFigures f = now.get(id);
            if (f != null) {
                for (ResultSeries.Sample sample : series.samples(f)) {
                    Labels all = l;
                    for (Map.Entry<String, String> e : sample.labels().entrySet()) {
                        all = all.add(e.getKey(), e.getValue());
                    }
                    b.dataPoint(gauge(all, sample.value()));
                }
            }
        });
        return b.build();
    }

    private static CounterSnapshot counter(Map<String, Labels> labels, String name, String help, Map<String, LongAdder> counts) {
        CounterSnapshot.Builder b = CounterSnapshot.builder().name(NAME + name).help(help);
        labels.forEach((id, l) -> {
            LongAdder n = counts.get(id);
            b.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(l).value(n == null ? 0 : n.sum()).build());
        });
        return b.build();
    }

    private static GaugeSnapshot.GaugeDataPointSnapshot gauge(Labels l, double v) {
        return GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(l).value(v).build();
    }
}
