package io.iperf3j.session.internal.output;

import io.iperf3j.session.internal.result.RunFigures;
import io.iperf3j.export.PushGatewayClient;
import io.iperf3j.export.PushGatewayConfig;
import io.iperf3j.session.Plan;
import io.iperf3j.session.TestResult;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Pushes each finished test to a Pushgateway, one group per test: the grouping key is the job and
 * {@code tests.jsonl}'s own labels ({@code id}, {@code sender}, {@code receiver}, {@code direction},
 * {@code protocol}, {@code kind}, {@code repeat}), so a pair's {@code -b 20M} test and its unpaced
 * test, or two repeats, never replace each other. The pushes go through a {@link ResultQueue} (its own
 * thread, retries with back-off), the one every way a result leaves shares (remote-write's too:
 * {@link ResultRemoteWrite}), so the plan never waits for the gateway; {@link #finish} flushes it
 * at the end and says what could not be pushed. The export module's encoder is built for interval
 * samples of one running test; these are whole-test gauges, so their few text lines are written here.
 *
 * <p>Threads: {@link #accept} on the plan's result thread (one call at a time), {@link #finish} once,
 * after the plan.
 */
public final class ResultPush implements Consumer<TestResult> {
    /** The most results waiting for the gateway (a few KiB each: the exposition, the grouping key); later ones are not pushed. */
    public static final int QUEUE_LIMIT = 4096;
    /** How long {@code iperf3j session} waits, after the plan, for the results still waiting. */
    public static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(10);

    private final String endpoint;
    private final String job;
    private final PushGatewayClient client;
    private final ResultQueue<Group> queue;

    /** A group's push: its client (the grouping key) and the exposition to PUT. */
    record Group(PushGatewayClient client, String body) {
    }

    /** The Pushgateway's wire: one group a request. */
    private static final ResultQueue.Wire<Group> WIRE = new ResultQueue.Wire<>() {
        @Override
        public int batch() {
            return 1;
        }

        @Override
        public ResultQueue.Outcome send(List<Group> groups) throws InterruptedException {
            Group g = groups.getFirst();
            try {
                g.client().put(g.body());
                return new ResultQueue.Outcome.Sent();
            } catch (PushGatewayClient.PushException e) {
                return e.retryable() ? new ResultQueue.Outcome.Retry(reason(e), java.util.Optional.empty())
                        : new ResultQueue.Outcome.Refused(reason(e));
            }
        }
    };

    /**
     * Starts pushing to {@code endpoint} under {@code job}.
     *
     * @param warnings told when the gateway stops answering and when it is back (on the push thread)
     * @throws IllegalArgumentException if the endpoint is not a Pushgateway URL
     */
    public ResultPush(String endpoint, String job, Consumer<String> warnings) {
        PushGatewayConfig base = PushGatewayConfig.builder(endpoint).job(job).build();
        this.endpoint = endpoint;
        this.job = job;
        this.client = new PushGatewayClient(base);
        this.queue = ResultQueue.start("Pushgateway " + base.endpoint(), QUEUE_LIMIT, WIRE, PushGatewayClient::retryDelay, warnings);
    }

    /** The labels of a result, as {@code tests.jsonl} names them, in grouping-key order. */
    public static Map<String, String> labels(TestResult r) {
        return labels(r.test());
    }

    /** The labels of a planned test: those of its results ({@code iperf3j session --metrics.listen}'s series too). */
    public static Map<String, String> labels(Plan.Test t) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("id", t.id());
        labels.put("sender", t.sender());
        labels.put("receiver", t.receiver());
        labels.put("direction", t.direction().word());
        labels.put("protocol", t.spec().protocol().name().toLowerCase(Locale.ROOT));
        labels.put("kind", t.spec().kind());
        labels.put("repeat", Integer.toString(t.repeat()));
        return labels;
    }

    /** The exposition pushed for one run: every series of {@link ResultSeries} the run has a value for. */
    public static String exposition(RunFigures f) {
        StringBuilder sb = new StringBuilder();
        for (ResultSeries series : ResultSeries.values()) {
            List<ResultSeries.Sample> samples = series.samples(f);
            if (samples.isEmpty()) {
                continue;
            }
            sb.append("# HELP ").append(series.metricName()).append(' ').append(series.help()).append('\n');
            sb.append("# TYPE ").append(series.metricName()).append(" gauge\n");
            for (ResultSeries.Sample s : samples) {
                sb.append(series.metricName());
                if (!s.labels().isEmpty()) {
                    sb.append('{');
                    String sep = "";
                    for (Map.Entry<String, String> l : s.labels().entrySet()) {
                        sb.append(sep).append(l.getKey()).append("=\"").append(escape(l.getValue())).append('"');
                        sep = ",";
                    }
                    sb.append('}');
                }
                double value = s.value();
                sb.append(' ').append(Double.isFinite(value) ? String.format(Locale.ROOT, "%.17g", value) : "NaN").append('\n');
            }
        }
        return sb.toString();
    }

    /** A label value in the text format: backslash, double quote and line feed escaped. */
    private static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /** Queues a result of a plan run once (its run 1, ended now); returns at once. */
    @Override
    public void accept(TestResult r) {
        push(r.id(), labels(r), RunFigures.of(1, r, System.currentTimeMillis() / 1000.0));
    }

    /** Queues the push of a result named {@code name} with these labels (grouping key order) and figures; returns at once. */
    public void push(String name, Map<String, String> labels, RunFigures figures) {
        queue.offer(group(name, labels, figures));
    }

    /** Queues a recorded result ({@code --resend}), waiting for room while the gateway takes results. */
    public void resend(String name, Map<String, String> labels, RunFigures figures) throws InterruptedException {
        queue.put(group(name, labels, figures), FLUSH_TIMEOUT);
    }

    private ResultQueue.Item<Group> group(String name, Map<String, String> labels, RunFigures figures) {
        PushGatewayConfig.Builder b = PushGatewayConfig.builder(endpoint).job(job);
        labels.forEach(b::label);
        return new ResultQueue.Item<>(name, new Group(client.forGroup(b.build()), exposition(figures)));
    }

    /** Results queued and not yet pushed. */
    public int waiting() {
        return queue.waiting();
    }

    /** The queue (its counters, for /metrics). */
    public ResultQueue<?> queue() {
        return queue;
    }

    /**
     * Sends what is waiting, for at most {@code timeout}, and stops the push thread. Returns the
     * summary's lines: how many results were pushed, and every one that was not, by reason.
     */
    public List<String> finish(Duration timeout) throws InterruptedException {
        return queue.summary("Pushgateway " + endpoint + " (job " + job + ")", "pushed", queue.finish(timeout));
    }

    /**
     * The failure without the grouping-key URL it starts with ({@code Pushgateway push to URL failed: }),
     * which differs for every item: {@code connection refused}, {@code HTTP status 400: ...}.
     */
    static String reason(PushGatewayClient.PushException e) {
        String m = String.valueOf(e.getMessage());
        int at = m.indexOf(" failed: ");
        return m.startsWith("Pushgateway ") && at > 0 ? m.substring(at + " failed: ".length()) : m;
    }
}
