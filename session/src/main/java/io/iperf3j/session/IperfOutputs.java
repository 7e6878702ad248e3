package io.iperf3j.session;

import io.iperf3j.Role;
import io.iperf3j.Transport;
import io.iperf3j.session.internal.Iperf2Parser;
import io.iperf3j.session.internal.Iperf3JsonParser;
import java.util.List;
import java.util.Optional;

/**
 * Reads any output a node can produce (iperf3 {@code -J} and {@code --json-stream},
 * ours and the real iperf3's; iperf2 text and {@code -y C}) into {@link ParsedOutput}.
 * Pure and thread-safe.
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
    public static ParsedOutput parse(String text, Role role, Transport transport) {
        return parse(text, role, transport, DEFAULT_INTERVAL, DEFAULT_TOLERANCE);
    }

    /** Parses with iperf2's expected interval and tolerance given. */
    public static ParsedOutput parse(String text, Role role, Transport transport, double expectedInterval,
            double tolerance) {
        if (text.length() > MAX_CHARS) {
            return new ParsedOutput(ParsedOutput.Format.EMPTY, List.of(), ParsedOutput.Summary.NONE, Optional.empty(),
                    List.of("output of " + text.length() + " characters is over the " + MAX_CHARS + " limit"));
        }
        String first = text.lines().map(String::strip).filter(s -> !s.isEmpty()).findFirst().orElse("");
        if (first.isEmpty()) {
            return new ParsedOutput(ParsedOutput.Format.EMPTY, List.of(), ParsedOutput.Summary.NONE, Optional.empty(),
                    List.of("empty output"));
        }
        if (first.startsWith("{")) {
            return Iperf3JsonParser.parse(text);
        }
        return Iperf2Parser.parse(text, role, transport, expectedInterval, tolerance);
    }
}
