package io.iperf3j.internal.options;

import io.iperf3j.internal.output.OutputMode;

import java.util.List;
import java.util.Objects;

/**
 * What {@link OptionParser#parse(String...)} decided. Texts end with a newline where
 * iperf3 prints one; print them as they are, without adding another.
 */
public sealed interface ParseResult {

    /**
     * Run a test (or a server) with these options.
     *
     * @param options the validated options
     * @param warnings lines to print on stderr before running, each without a line
     *        terminator, e.g. {@code "warning: Report format (-f) flag ignored with JSON output (-J)"}
     */
    record Run(IperfOptions options, List<String> warnings) implements ParseResult {
        public Run {
            Objects.requireNonNull(options, "options");
            warnings = List.copyOf(warnings);
        }

        /** A run without warnings. */
        public Run(IperfOptions options) {
            this(options, List.of());
        }
    }

    /** {@code -h}/{@code --help}: print {@code text} on stdout and exit with status 0. */
    record Help(String text) implements ParseResult {
        public Help {
            Objects.requireNonNull(text, "text");
        }
    }

    /** {@code -v}/{@code --version}: print {@code text} on stdout and exit with status 0. */
    record Version(String text) implements ParseResult {
        public Version {
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * The command line is not usable: exit with {@code exitCode} (1, as iperf3).
     *
     * <p>Where the message goes follows iperf3 3.21, whose output a script can use,
     * not 3.12, which prints its 96-line usage (on stdout after a parameter error, so a
     * script parsing {@code -J} output reads help text):
     * <ul>
     * <li>text mode: the message, an empty line and the two-line short usage on stderr,
     *     nothing on stdout ({@link #stderrText()}), for parameter and getopt errors
     *     alike;</li>
     * <li>when the line asks for JSON ({@code -J}, {@code --json-stream}, wherever they
     *     stand, even after the bad word): nothing on stderr and the error, as
     *     {@link #errorText()}, in the JSON the line asked for on stdout (the caller
     *     renders it with {@link io.iperf3j.internal.output.ErrorDocument}). iperf3 has
     *     no JSON for this case (3.12 prints the usage, 3.21 the short usage on stderr).</li>
     * </ul>
     *
     * @param message the first line as iperf3 prints it, with program name
     *        {@code iperf3j} and no line terminator
     * @param exitCode process exit status
     * @param showUsage whether the short usage follows the message in text mode
     * @param output the output the command line asked for
     */
    record Failure(String message, int exitCode, boolean showUsage, OutputMode output) implements ParseResult {
        /** 3.21's short usage: the synopsis and where the rest is. */
        public static final String SHORT_USAGE = "Usage: " + OptionParser.PROGRAM + " [-s|-c host] [options]\n"
                + "Try `" + OptionParser.PROGRAM + " --help' for more information.\n";

        public Failure {
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(output, "output");
        }

        /** A failure printed as text. */
        public Failure(String message, int exitCode, boolean showUsage) {
            this(message, exitCode, showUsage, OutputMode.TEXT);
        }

        /** This failure printed in {@code mode}. */
        public Failure in(OutputMode mode) {
            return new Failure(message, exitCode, showUsage, mode);
        }

        /** True for {@code "iperf3j: parameter error - ..."} failures, false for getopt errors. */
        public boolean isParameterError() {
            return message.startsWith(OptionParser.PROGRAM + ": parameter error - ");
        }

        /** The message without the program name, as a JSON {@code error} value: {@code "parameter error - ..."}. */
        public String errorText() {
            String prefix = OptionParser.PROGRAM + ": ";
            return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
        }

        /** Everything for stderr: empty when the error goes out as JSON. */
        public String stderrText() {
            if (output.json()) {
                return "";
            }
            return message + "\n" + (showUsage ? "\n" + SHORT_USAGE : "");
        }
    }
}
