package io.iperf3j.session;

import io.iperf3j.session.SessionException.IperfConfigurationError;
import java.util.Locale;

/** Which iperf a node runs. iperf3j and iperf3 speak the same protocol; iperf2 only talks to iperf2. */
public enum IperfKind {
    /** This project's iperf3 (the {@code iperf3j} launcher or {@code java -jar}). */
    IPERF3J("iperf3j"),
    /** The reference iperf3. */
    IPERF3("iperf3"),
    /** iperf 2 ({@code iperf}). */
    IPERF2("iperf");

    private final String defaultCommand;

    IperfKind(String defaultCommand) {
        this.defaultCommand = defaultCommand;
    }

    /** The command run when a node names no path for this kind. */
    public String defaultCommand() {
        return defaultCommand;
    }

    /** Whether this kind speaks iperf3's protocol. */
    public boolean speaksIperf3() {
        return this != IPERF2;
    }

    /** The name used in plans: {@code iperf3j}, {@code iperf3}, {@code iperf2}. */
    public String planName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a plan name ({@code iperf} is accepted for iperf2). */
    public static IperfKind fromPlanName(String name) throws IperfConfigurationError {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "iperf3j" -> IPERF3J;
            case "iperf3" -> IPERF3;
            case "iperf2", "iperf" -> IPERF2;
            default -> throw new IperfConfigurationError("unknown iperf '" + name + "' (iperf3j, iperf3, iperf2)");
        };
    }
}
