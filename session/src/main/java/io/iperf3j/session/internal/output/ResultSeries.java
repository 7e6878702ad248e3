package io.iperf3j.session.internal.output;

import io.iperf3j.session.internal.result.RunFigures;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * The one table of a test's series: each gauge's name, help and value from a run's figures, for the result
 * pushed to a Pushgateway ({@link ResultPush}) and for a schedule's {@code /metrics} ({@link SessionMetrics}),
 * so that a dashboard or an alert reads the same names from either (issue 45: they were {@code test_ok} with
 * four gauges and {@code test_success} with ten). Every series is labelled with the test as {@code tests.jsonl}
 * names it ({@link ResultPush#labels}); {@code /metrics} adds its counters (runs, failures, skipped).
 */
public enum ResultSeries {
    /** 1 or 0. */
    TEST_SUCCESS("test_success", "1 if the test's last run succeeded, 0 if it failed or was skipped; no sample before its first run",
            f -> OptionalDouble.of(f.ok() ? 1 : 0)),
    /** 1 or 0: whether the last run was skipped (so not run at all) rather than run. */
    TEST_SKIPPED("test_skipped", "1 if the test's last run was skipped (its hosts' slots not free within its slip, or the session"
            + " not running), 0 if it ran", f -> OptionalDouble.of(f.skipped() ? 1 : 0)),
    /** The receiver's rate. */
    RECEIVED_BITS_PER_SECOND("received_bits_per_second", "the receiver's rate in the last run (0 when it failed, none when skipped)",
            f -> ran(f, f.receivedBitsPerSecond())),
    /** The sender's rate. */
    SENT_BITS_PER_SECOND("sent_bits_per_second", "the sender's rate in the last run (0 when it failed, none when skipped)",
            f -> ran(f, f.sentBitsPerSecond())),
    /** The receiver's bytes. */
    RECEIVED_BYTES("received_bytes", "bytes the receiver got in the last run (0 when it failed)",
            f -> ran(f, f.receivedBytes())),
    /** TCP retransmits. */
    RETRANSMITS("retransmits", "TCP retransmits in the last run (the sender's)",
            f -> f.retransmits().isPresent() ? OptionalDouble.of(f.retransmits().getAsLong()) : OptionalDouble.empty()),
    /** TCP's RTT. */
    RTT_SECONDS("rtt_seconds", "mean smoothed RTT in the last run (the TCP sender's)", RunFigures::rttSeconds),
    /** UDP loss. */
    LOSS_PERCENT("loss_percent", "UDP datagrams lost in the last run, percent (the receiver's)", RunFigures::lossPercent),
    /** UDP jitter. */
    JITTER_SECONDS("jitter_seconds", "UDP jitter in the last run (the receiver's)", RunFigures::jitterSeconds),
    /** Wall time. */
    DURATION_SECONDS("duration_seconds", "wall time of the last run", f -> ran(f, f.durationSeconds())),
    /** The run's number. */
    LAST_RUN("last_run", "the schedule's run (period) number of the last run (1 for a plan run once)",
            f -> OptionalDouble.of(f.run())),
    /** When it ended. */
    LAST_RUN_END_TIMESTAMP_SECONDS("last_run_end_timestamp_seconds", "when the last run ended, or was given up when skipped (Unix time)",
            f -> OptionalDouble.of(f.endedUnixSeconds())),
    /**
     * What held each direction of data back ({@code --why}): 1 per direction of the last run, labelled {@code from},
     * {@code to} (the nodes that sent and received that data: a {@code --bidir} test has two) and {@code cause}
     * ({@code path}, {@code receiver_window}, {@code sender_buffer}, {@code sender_cpu}, {@code receiver_cpu}, {@code receiver_buffer},
     * {@code pacing}, {@code not_determined}); none for a failed run. {@code count by (cause)
     * (iperf3j_session_test_limited)} counts a fleet's pairs by cause.
     */
    TEST_LIMITED("test_limited", "1 for what held each direction of data back in the last run (iperf3j --why; "
            + "from, to: the data's sender and receiver; cause=not_determined when it cannot be told); none when it failed",
            f -> f.limits().stream().map(l -> {
                Map<String, String> labels = new LinkedHashMap<>();
                labels.put("from", l.from());
                labels.put("to", l.to());
                labels.put("cause", l.cause().key());
                return new Sample(labels, 1);
            }).toList(), Labelled.YES);

    /** Every series' name starts with this. */
    public static final String PREFIX = "iperf3j_session_";

    private final String name;
    private final String help;
    private final Function<RunFigures, List<Sample>> samples;

    ResultSeries(String name, String help, Function<RunFigures, OptionalDouble> value) {
        this(name, help, f -> {
            OptionalDouble v = value.apply(f);
            return v.isPresent() ? List.of(new Sample(Map.of(), v.getAsDouble())) : List.of();
        }, Labelled.YES);
    }

    /** Tells the two constructors apart (their functions erase alike). */
    private enum Labelled { YES }

    ResultSeries(String name, String help, Function<RunFigures, List<Sample>> samples, Labelled labelled) {
        this.name = PREFIX + name;
        this.help = help;
        this.samples = samples;
    }

    /**
     * One sample of a series for a run.
     *
     * @param labels the labels it adds to the test's ({@link ResultPush#labels}); none for most series
     * @param value its value
     */
    public record Sample(Map<String, String> labels, double value) {
        /** Copies the labels, keeping their order. */
        public Sample {
            labels = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        }
    }

    /** The series' name, {@code iperf3j_session_…}. */
    public String metricName() {
        return name;
    }

    /** Its help text. */
    public String help() {
        return help;
    }

    /** Its value for a run, for a series of one sample per run; empty when the run has none (a UDP figure of a TCP test). */
    public OptionalDouble of(RunFigures f) {
        List<Sample> s = samples.apply(f);
        return s.size() == 1 && s.get(0).labels().isEmpty() ? OptionalDouble.of(s.get(0).value()) : OptionalDouble.empty();
    }

    /** A figure of a run that ran; none for a skipped run (it has no rate, bytes or duration, not 0 of them). */
    private static OptionalDouble ran(RunFigures f, double v) {
        return f.skipped() ? OptionalDouble.empty() : OptionalDouble.of(v);
    }

    /** Its samples for a run: none when the run has no value, one for most series, one per direction for {@link #TEST_LIMITED}. */
    public List<Sample> samples(RunFigures f) {
        return samples.apply(f);
    }
}
