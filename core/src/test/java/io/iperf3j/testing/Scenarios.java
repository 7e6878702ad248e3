package io.iperf3j.testing;

import io.iperf3j.testing.PeerRun.Scenario;

/**
 * The command lines of the issue-2 suite, shared by the interop and fidelity tests so
 * that equal scenarios are run once ({@link PeerRun#cached}). Times are short (1-3 s)
 * to keep the suite fast; the shapes of the outputs do not depend on the length.
 */
public final class Scenarios {
    private Scenarios() {
    }

    // JSON on both sides: interop byte checks and JSON key-path fidelity.
    public static final Scenario DEFAULT = Scenario.of("default", "-t 2 -J", "-J");
    public static final Scenario REVERSE = Scenario.of("-R", "-t 2 -R -J", "-J");
    public static final Scenario BIDIR = Scenario.of("--bidir", "-t 2 --bidir -J", "-J");
    public static final Scenario PARALLEL_4 = Scenario.of("-P 4", "-t 2 -P 4 -J", "-J");
    public static final Scenario PARALLEL_2 = Scenario.of("-P 2", "-t 2 -P 2 -J", "-J");
    public static final Scenario BYTES = Scenario.of("-n 50M", "-n 50M -J", "-J");
    public static final Scenario REVERSE_BYTES = Scenario.of("-R -n 50M", "-R -n 50M -J", "-J");
    public static final Scenario BLOCKS = Scenario.of("-k 300", "-k 300 -J", "-J");
    public static final Scenario REVERSE_BLOCKS = Scenario.of("-R -k 300", "-R -k 300 -J", "-J");
    public static final Scenario OMIT = Scenario.of("-O 1 -t 3", "-O 1 -t 3 -J", "-J");
    public static final Scenario ZEROCOPY = Scenario.of("-Z", "-t 2 -Z -J", "-J");
    public static final Scenario SERVER_OUTPUT_JSON = Scenario.of("--get-server-output (server -J)",
            "-t 2 --get-server-output -J", "-J");
    public static final Scenario SERVER_OUTPUT_TEXT = Scenario.of("--get-server-output (server text)",
            "-t 2 --get-server-output -J", "");
    public static final Scenario TITLE_EXTRA = Scenario.of("-T --extra-data",
            "-t 2 -T mytitle --extra-data 'some extra data' -J", "-J");
    public static final Scenario IPV6 = Scenario.of("-6 ::1", "-6 -t 2 -J", "-J").withHost("::1");

    // Text on both sides: text interop and text layout fidelity.
    public static final Scenario TEXT = Scenario.of("text", "-t 2", "");
    public static final Scenario TEXT_VERBOSE = Scenario.of("text -V", "-t 1 -V", "-V");
    public static final Scenario TEXT_REVERSE_VERBOSE = Scenario.of("text -R -V", "-t 1 -R -V", "-V");
    public static final Scenario TEXT_BIDIR = Scenario.of("text --bidir", "-t 1 --bidir", "");
    public static final Scenario TEXT_PARALLEL_2 = Scenario.of("text -P 2", "-t 2 -P 2", "");
    public static final Scenario TEXT_TIMESTAMPS = Scenario.of("text --timestamps", "-t 1 --timestamps",
            "--timestamps");
    public static final Scenario TEXT_TITLE = Scenario.of("text -T", "-t 1 -T mytitle --extra-data 'some extra data'",
            "");
    public static final Scenario TEXT_FORMAT_K = Scenario.of("text -f k", "-t 1 -f k", "-f k");
    public static final Scenario TEXT_FORMAT_M = Scenario.of("text -f M", "-t 1 -f M", "-f M");
    public static final Scenario TEXT_BYTES = Scenario.of("text -n", "-n 50M", "");
    public static final Scenario TEXT_REVERSE_BYTES = Scenario.of("text -R -n", "-R -n 20M", "");
    public static final Scenario TEXT_OMIT = Scenario.of("text -O", "-O 1 -t 2", "");
    public static final Scenario TEXT_SERVER_OUTPUT = Scenario.of("text --get-server-output",
            "-t 1 --get-server-output", "");
}
