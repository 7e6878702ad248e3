package io.iperf3j.internal.options;

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
     * <p>iperf3 3.12 prints two kinds of failure differently, and
     * {@link #stderrText()}/{@link #stdoutText()} reproduce both:
     * <ul>
     * <li>a parameter error ({@code "iperf3j: parameter error - ..."}): the message and
     *     an empty line on stderr, then the long usage on <b>stdout</b>;</li>
     * <li>a getopt error (unknown option, missing argument, ...): the message and then
     *     the long usage, both on <b>stderr</b>, with no empty line.</li>
     * </ul>
     *
     * @param message the first line as iperf3 prints it, with program name
     *        {@code iperf3j} and no line terminator
     * @param exitCode process exit status
     * @param showUsage whether the long usage follows the message
     */
    record Failure(String message, int exitCode, boolean showUsage) implements ParseResult {
        public Failure {
            Objects.requireNonNull(message, "message");
        }

        /** True for {@code "iperf3j: parameter error - ..."} failures (usage on stdout), false for getopt errors. */
        public boolean isParameterError() {
            return message.startsWith(OptionParser.PROGRAM + ": parameter error - ");
        }

        /** Everything iperf3 would write to stderr for this failure. */
        public String stderrText() {
            if (isParameterError()) {
                return message + "\n\n";
            }
            return message + "\n" + (showUsage ? OptionParser.usage() : "");
        }

        /** Everything iperf3 would write to stdout for this failure (the usage for parameter errors). */
        public String stdoutText() {
            return isParameterError() && showUsage ? OptionParser.usage() : "";
        }
    }
}
