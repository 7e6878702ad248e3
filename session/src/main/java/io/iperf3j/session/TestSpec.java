package io.iperf3j.session;

import io.iperf3j.Transport;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one test runs, apart from who: protocol, duration, extra iperf arguments, port.
 *
 * @param protocol TCP or UDP
 * @param durationSeconds {@code -t}
 * @param extraArgs further iperf client arguments (e.g. {@code -P 2}, {@code -b 100M}), each one line
 *        ({@link PlanValue#TEXT}); none that sets the direction ({@code -R}, {@code --reverse}, {@code --bidir}) or names a
 *        file on the host ({@link IperfKind#hostFileOption}: {@code --logfile}, {@code -I}, {@code -F}, ...)
 * @param port the server's port
 * @param clientLimit the client's abort limit; empty for the seed's max(120 s, 1.5 × duration)
 * @param bidir iperf3 {@code --bidir} (both directions at once)
 * @param tool the iperf both sides use; empty to use each node's own (iperf2 on either side makes both iperf2)
 */
public record TestSpec(Transport protocol, double durationSeconds, List<String> extraArgs, int port,
        Optional<Duration> clientLimit, boolean bidir, Optional<IperfKind> tool) {
    /** iperf3's default port. */
    public static final int DEFAULT_PORT = 5201;
    /** The shortest limit a client runs under before it is killed (a test's own end comes first). */
    public static final Duration MIN_CLIENT_LIMIT = Duration.ofSeconds(120);

    /** The limit a client runs under when none is given: 1.5 × the test's time, at least {@link #MIN_CLIENT_LIMIT}. */
    public static Duration defaultClientLimit(double durationSeconds) {
        long ms = (long) Math.ceil(durationSeconds * 1500);
        return Duration.ofMillis(Math.max(MIN_CLIENT_LIMIT.toMillis(), ms));
    }
    /** Longest test accepted (a day). */
    public static final double MAX_DURATION = 86_400;

    /**
     * Arguments that would turn the data the other way (or both ways) behind the plan's back,
     * so that the sender and receiver it records, and the matrix built from them, would be wrong.
     */
    static final java.util.Set<String> DIRECTION_ARGS = java.util.Set.of("-R", "--reverse", "--bidir");

    /** Checks the values. */
    public TestSpec {
        Objects.requireNonNull(protocol, "protocol");
        if (!(durationSeconds > 0 && durationSeconds <= MAX_DURATION)) {
            throw new IllegalArgumentException("duration " + durationSeconds + " s is not in (0, " + MAX_DURATION + "]");
        }
        extraArgs = List.copyOf(extraArgs);
        PlanValue.TEXT.requireEach("args", extraArgs);
        for (String a : extraArgs) {
            if (DIRECTION_ARGS.contains(a)) {
                throw new IllegalArgumentException("args: " + a + " is set by the direction (up, down, both, bidir),"
                        + " not by args: the plan places senders and receivers by it");
            }
        }
        for (int i = 0; i < extraArgs.size(); i++) {
            Optional<String> file = IperfKind.hostFileProblem(extraArgs, i);
            if (file.isPresent()) {
                throw new IllegalArgumentException("args[" + i + "]: " + file.get());
            }
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not in 1..65535");
        }
        Objects.requireNonNull(clientLimit, "clientLimit");
        Objects.requireNonNull(tool, "tool");
    }

    /** A TCP test of {@code seconds} on the default port. */
    public static TestSpec tcp(double seconds) {
        return new TestSpec(Transport.TCP, seconds, List.of(), DEFAULT_PORT, Optional.empty(), false, Optional.empty());
    }

    /**
     * What the test measures, as the matrix groups tests: protocol, {@code bidir} for both
     * directions at once, and the extra arguments (rate {@code -b}, streams {@code -P}, ...),
     * e.g. {@code tcp}, {@code udp -b 50M}, {@code tcp bidir}. Duration, port and which iperf
     * ran are left out: repeats of the same measurement may differ in them.
     */
    public String kind() {
        return protocol.name().toLowerCase(java.util.Locale.ROOT) + (bidir ? " bidir" : "")
                + (extraArgs.isEmpty() ? "" : " " + String.join(" ", extraArgs));
    }

    /** The client abort limit in force. */
    public Duration effectiveClientLimit() {
        return clientLimit.orElseGet(() -> defaultClientLimit(durationSeconds));
    }

    /** A copy with another protocol. */
    public TestSpec withProtocol(Transport p) {
        return new TestSpec(p, durationSeconds, extraArgs, port, clientLimit, bidir, tool);
    }

    /** A copy with extra arguments. */
    public TestSpec withArgs(List<String> args) {
        return new TestSpec(protocol, durationSeconds, args, port, clientLimit, bidir, tool);
    }

    /** A copy with a client abort limit. */
    public TestSpec withClientLimit(Duration limit) {
        return new TestSpec(protocol, durationSeconds, extraArgs, port, Optional.of(limit), bidir, tool);
    }

    /** A copy with {@code --bidir} on or off. */
    public TestSpec withBidir(boolean on) {
        return new TestSpec(protocol, durationSeconds, extraArgs, port, clientLimit, on, tool);
    }

    /** A copy using {@code kind} on both sides. */
    public TestSpec withTool(IperfKind kind) {
        return new TestSpec(protocol, durationSeconds, extraArgs, port, clientLimit, bidir, Optional.of(kind));
    }

    /** A copy with another port. */
    public TestSpec withPort(int p) {
        return new TestSpec(protocol, durationSeconds, extraArgs, p, clientLimit, bidir, tool);
    }
}
