package io.iperf3j.session.internal.result;

import io.iperf3j.IperfJsonFormat;
import io.iperf3j.IperfJsonLimits;
import io.iperf3j.IperfJsonRead;
import io.iperf3j.IperfJsonReader;
import io.iperf3j.IperfRun;
import io.iperf3j.IperfSample;
import io.iperf3j.IperfSummary;
import io.iperf3j.Role;
import io.iperf3j.Transport;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import io.iperf3j.session.TestResult;

/**
 * Reads any output a node can produce (iperf3 {@code -J} and {@code --json-stream},
 * ours and the real iperf3's, through core's {@link IperfJsonReader}; iperf2 text and
 * {@code -y C}) into {@link TestResult.ParsedOutput}. Of several {@code -J} documents (a server without
 * {@code -1}) the last test is taken. Pure and thread-safe.
 */
public final class IperfOutputs {
    /** Largest output read (bigger outputs are an error, not a truncated result). */
    public static final int MAX_CHARS = 64 << 20;
    /** The seed's interval: 1 s expected, lines whose length differs by 0.1 s or more are not intervals. */
    public static final double DEFAULT_INTERVAL = 1.0;
    /** The seed's interval tolerance. */
    public static final double DEFAULT_TOLERANCE = 0.1;

    private IperfOutputs() {
    }

    /**
     * Parses an output.
     *
     * @param text the whole output
     * @param role which side produced it, used when the output does not say (iperf2 CSV)
     * @param transport the protocol, used when the output does not say
     */
    public static TestResult.ParsedOutput parse(String text, Role role, Transport transport) {
        return parse(text, role, transport, DEFAULT_INTERVAL, DEFAULT_TOLERANCE);
    }

    /** Parses with iperf2's expected interval and tolerance given. */
    public static TestResult.ParsedOutput parse(String text, Role role, Transport transport, double expectedInterval,
            double tolerance) {
        if (text.length() > MAX_CHARS) {
            return new TestResult.ParsedOutput(TestResult.ParsedOutput.Format.EMPTY, List.of(), TestResult.ParsedOutput.Summary.NONE, Optional.empty(),
                    List.of("output of " + text.length() + " characters is over the " + MAX_CHARS + " limit"));
        }
        String first = text.lines().map(String::strip).filter(s -> !s.isEmpty()).findFirst().orElse("");
        if (first.isEmpty()) {
            return new TestResult.ParsedOutput(TestResult.ParsedOutput.Format.EMPTY, List.of(), TestResult.ParsedOutput.Summary.NONE, Optional.empty(),
                    List.of("empty output"));
        }
        if (first.startsWith("{")) {
            return iperf3(text);
        }
        return Iperf2Parser.parse(text, role, transport, expectedInterval, tolerance);
    }

    private static TestResult.ParsedOutput iperf3(String text) {
        IperfJsonRead read = IperfJsonReader.read(text, IperfJsonLimits.DEFAULT.withMaxBytes(MAX_CHARS));
        if (read instanceof IperfJsonRead.Rejected x) {
            return new TestResult.ParsedOutput(TestResult.ParsedOutput.Format.IPERF3_JSON, List.of(), TestResult.ParsedOutput.Summary.NONE,
                    Optional.empty(), List.of("not a readable iperf3 JSON output: " + x.message()));
        }
        IperfJsonRead.Read ok = (IperfJsonRead.Read) read;
        IperfRun run = ok.last();
        TestResult.ParsedOutput.Summary summary = run.summary().map(IperfOutputs::summary).orElse(TestResult.ParsedOutput.Summary.NONE);
        return new TestResult.ParsedOutput(run.format() == IperfJsonFormat.JSON ? TestResult.ParsedOutput.Format.IPERF3_JSON
                : TestResult.ParsedOutput.Format.IPERF3_JSON_STREAM, run.intervalMetrics(), summary, run.error(), ok.notes(),
                WhyVerdicts.read(text));
    }

    private static TestResult.ParsedOutput.Summary summary(IperfSummary s) {
        return new TestResult.ParsedOutput.Summary(OptionalLong.of(s.sent().bytes()), rate(s.sent()),
                OptionalLong.of(s.received().bytes()), rate(s.received()),
                s.reverse().map(r -> rate(r.received())).orElse(OptionalDouble.empty()));
    }

    private static OptionalDouble rate(IperfSample s) {
        return Double.isNaN(s.bitsPerSecond()) ? OptionalDouble.empty() : OptionalDouble.of(s.bitsPerSecond());
    }
}
