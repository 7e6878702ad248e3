package io.iperf3j.internal.subcommand;

/**
 * The one style of iperf3j's subcommands ({@code iperf3j NAME ...}): their usage head, their
 * {@code -v/--version} text and how a refused command line is printed, the same for every one
 * and shaped as the main line's (3.21's: the message, an empty line, a short usage).
 */
public final class Subcommands {
    private Subcommands() {
    }

    /** The program name of a subcommand as its usage and messages show it: {@code "iperf3j link"}. */
    public static String program(String name) {
        return "iperf3j " + name;
    }

    /** {@code -v}/{@code --version} of any subcommand: iperf3j's version line. */
    public static String version() {
        return "iperf3j " + io.iperf3j.IperfCommand.version();
    }

    /**
     * What a subcommand prints on stderr when it refuses its command line (exit status 1; 2 for
     * {@code session}): {@code "iperf3j NAME: MESSAGE"}, an empty line, the short usage.
     */
    public static String refused(String name, String message) {
        String program = program(name);
        return program + ": " + message + "\n\nUsage: " + program + " [options]\nTry `" + program
                + " --help' for more information.\n";
    }
}
