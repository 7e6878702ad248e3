package io.iperf3j.report.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads both sides of {@code report --compare prometheus+http://… --offset DURATION} from one Prometheus server: the
 * current range and the baseline's (the same range {@code DURATION} earlier), each a {@link CompareSide} of the pairs'
 * runs, so {@link ChangeRule}'s medians and spreads apply as they do to a schedule's {@code tests.jsonl}.
 *
 * <p>Per side, three {@code query_range}s ({@link PrometheusReader#answers}) of the series a session writes for each test
 * (its {@code /metrics}, its Pushgateway group, its remote write: session's {@code ResultSeries}):
 * {@code iperf3j_session_received_bits_per_second}, {@code …_test_success} and {@code …_last_run_end_timestamp_seconds},
 * at a step that gives each series at most {@link InputLimits#MAX_PROMETHEUS_COMPARE_SAMPLES} samples. A run is a step
 * where a test's end time changes, so a run scraped many times is counted once, and a plan run each night with
 * {@code --remote-write.url} (its run number 1 every time) is a run each night; a run that ended before the range (the
 * value a scraped gauge still held at its start) is left out. Its status is {@code test_success} at that step (0 a
 * failed run, whose rate is not counted), its figure {@code received_bits_per_second}. A run followed by the test's
 * next within one step is not seen (the step: the range over 999, 87 s for a day).
 *
 * <p>A test is a series' label set; its pair is keyed as a session directory's
 * ({@link CompareInputReader}: its {@code id} with a repeat's {@code _rN} cut off, sender, receiver, direction,
 * protocol, kind), so repeats are runs of one pair. Labels beside the test's own ({@code job}, {@code instance}, a
 * remote write's {@code --remote-write.label}) name the pair too only when one pair comes under two sets of them (two
 * sessions' jobs): then its id is followed by them on both sides. Prometheus keeps no error text: a failed run's error
 * says so. The series carry the forward direction's received rate only, so a {@code --bidir} test compares its forward
 * half.
 *
 * <p>Not thread-safe, nothing shared: called on the thread that compares.
 */
public final class PrometheusCompareReader {
    /** The received rate of each run: the figure compared. */
    static final String RECEIVED = PrometheusHistory.NAME + "received_bits_per_second";
    /** The three queries of a side: the figure, the status, the run's end (its identity). */
    static final List<String> METRICS = List.of(RECEIVED, PrometheusHistory.SUCCESS, PrometheusHistory.END);
    private static final String FAILED = "test_success 0 (Prometheus keeps no error text: see the session's tests.jsonl)";

    private PrometheusCompareReader() {
    }

    /**
     * Both sides, read from the server.
     *
     * @param offset how {@code --offset} was written, for the baseline's description
     */
    public static Sides read(PrometheusRange baseline, PrometheusRange current, String offset) throws InputFormatException {
        Map<String, PrometheusMatrix> c = PrometheusReader.answers(current, METRICS, InputLimits.MAX_PROMETHEUS_COMPARE_SERIES);
        Map<String, PrometheusMatrix> b = PrometheusReader.answers(baseline, METRICS, InputLimits.MAX_PROMETHEUS_COMPARE_SERIES);
        return build(baseline, b, current, c, offset);
    }

    /**
     * Both sides from the answers, no HTTP.
     *
     * @param baselineAnswers each of {@link #METRICS}' answer over the baseline's range
     * @throws InputFormatException when a side has no series, or no run ended in its range (the current side checked first)
     */
    public static Sides build(PrometheusRange baseline, Map<String, PrometheusMatrix> baselineAnswers, PrometheusRange current,
                              Map<String, PrometheusMatrix> currentAnswers, String offset) throws InputFormatException {
        String baselineWhat = describe(baseline) + " (--offset " + offset + ")";
        List<TestRuns> c = tests(current, currentAnswers, "the current range");
        List<TestRuns> b = tests(baseline, baselineAnswers, "the baseline, " + offset + " before the range");
        Map<PairKey, Set<String>> others = new HashMap<>();
        for (List<TestRuns> side : List.of(b, c)) {
            for (TestRuns t : side) {
                others.computeIfAbsent(t.key(), k -> new HashSet<>()).add(t.others());
            }
        }
        return new Sides(new CompareSide(baselineWhat, true, pairs(b, others)),
                new CompareSide(describe(current), true, pairs(c, others)));
    }

    /**
     * The two sides.
     *
     * @param baseline the range {@code --offset} earlier
     * @param current the range asked for
     */
    public record Sides(CompareSide baseline, CompareSide current) {
    }

    /** One series' runs: its pair, the labels beside the test's own, and the runs. */
    private record TestRuns(PairKey key, String others, PairRuns runs) {
    }

    /** What the comparison calls a side: the server, the matchers and the range. */
    static String describe(PrometheusRange r) {
        return r.input() + (r.match().isEmpty() ? "" : " " + r.match()) + " " + Instant.ofEpochSecond(r.fromSeconds()) + " to "
                + Instant.ofEpochSecond(r.toSeconds());
    }

    private static List<TestRuns> tests(PrometheusRange range, Map<String, PrometheusMatrix> answers, String side)
            throws InputFormatException {
        PrometheusMatrix received = answers.get(RECEIVED);
        String span = " from " + Instant.ofEpochSecond(range.fromSeconds()) + " to " + Instant.ofEpochSecond(range.toSeconds())
                + " (" + side + ")";
        if (received == null || received.series().isEmpty()) {
            throw new InputFormatException(range.input() + ": no " + range.selector(RECEIVED) + " series" + span
                    + ": is Prometheus scraping iperf3j session --metrics.listen, or taking its --remote-write.url?");
        }
        Map<String, PrometheusMatrix.Series> success = PrometheusHistory.byTest(answers.get(PrometheusHistory.SUCCESS));
        Map<String, PrometheusMatrix.Series> end = PrometheusHistory.byTest(answers.get(PrometheusHistory.END));
        List<TestRuns> out = new ArrayList<>();
        long runs = 0;
        for (PrometheusMatrix.Series r : received.series()) {
            Map<String, String> l = r.labels();
            String key = PrometheusHistory.key(l);
            PairRuns p = new PairRuns(label(l, "sender"), label(l, "receiver"));
            runs += runs(r, success.get(key), end.get(key), range.fromSeconds(), p);
            if (runs > InputLimits.MAX_COMPARE_RUNS) {
                throw new InputFormatException(range.input() + ": more than " + InputLimits.MAX_COMPARE_RUNS + " runs" + span
                        + " (input limit; narrow it with --match)");
            }
            if (p.values().length + p.failed() == 0) {
                continue;
            }
            String protocol = label(l, "protocol");
            String direction = label(l, "direction");
            String kind = l.getOrDefault("kind", protocol + ("bidir".equals(direction) ? " bidir" : ""));
            String id = CompareInputReader.REPEAT.matcher(label(l, "id")).replaceFirst("");
            out.add(new TestRuns(new PairKey(id, p.sender(), p.receiver(), direction, protocol, kind, "forward"),
                    PrometheusHistory.others(l), p));
        }
        if (out.isEmpty()) {
            throw new InputFormatException(range.input() + ": no run ended" + span + ": the " + received.series().size()
                    + " " + range.selector(RECEIVED) + " series hold older runs only");
        }
        return out;
    }

    /**
     * Adds a series' runs to {@code p}: a step whose end time differs from the step before is a run, unless it ended
     * before {@code fromSeconds}. A step without an end time is no run.
     *
     * @return the runs added
     */
    static int runs(PrometheusMatrix.Series received, PrometheusMatrix.Series success, PrometheusMatrix.Series end,
                    long fromSeconds, PairRuns p) {
        int n = 0;
        double previous = Double.NaN;
        for (int i = 0; i < received.seconds().length; i++) {
            double t = received.seconds()[i];
            double ended = at(end, t);
            if (!Double.isFinite(ended) || ended == previous) {
                continue;
            }
            previous = ended;
            if (ended < fromSeconds) {
                continue; // held from before the range
            }
            n++;
            double rate = received.values()[i];
            if (at(success, t) == 0) {
                p.failed(FAILED);
            } else if (Double.isFinite(rate) && rate >= 0) {
                p.ok(rate);
            } else {
                p.failed("received_bits_per_second " + rate + ": not a rate");
            }
        }
        return n;
    }

    /** Each test's pairs, in the order read; a pair under two sets of other labels has them after its id. */
    private static Map<PairKey, PairRuns> pairs(List<TestRuns> tests, Map<PairKey, Set<String>> others) throws InputFormatException {
        Map<PairKey, PairRuns> out = new LinkedHashMap<>();
        for (TestRuns t : tests) {
            PairKey k = t.key();
            if (others.get(k).size() > 1) {
                k = new PairKey(k.id() + " " + t.others(), k.sender(), k.receiver(), k.direction(), k.protocol(), k.kind(), k.half());
            }
            PairRuns into = out.get(k);
            if (into == null) {
                if (out.size() >= InputLimits.MAX_COMPARE_PAIRS) {
                    throw new InputFormatException("more than " + InputLimits.MAX_COMPARE_PAIRS + " pairs to compare");
                }
                out.put(k, t.runs());
            } else { // a repeat of the pair: its runs are the pair's
                for (double v : t.runs().values()) {
                    into.ok(v);
                }
                for (int i = 0; i < t.runs().failed(); i++) {
                    into.failed(t.runs().error());
                }
            }
        }
        return out;
    }

    private static String label(Map<String, String> labels, String name) {
        return labels.getOrDefault(name, "-");
    }

    /** {@code s}'s value at time {@code t}, NaN when it has none there (or there is no series). */
    private static double at(PrometheusMatrix.Series s, double t) {
        if (s == null) {
            return Double.NaN;
        }
        int i = Arrays.binarySearch(s.seconds(), t);
        return i < 0 ? Double.NaN : s.values()[i];
    }
}
