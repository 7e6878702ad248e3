package io.iperf3j.internal.output;

import java.time.ZonedDateTime;
import java.util.function.Supplier;

/**
 * Prints one test's text lines as iperf3's {@code iperf_printf} does: an optional
 * {@code --timestamps} prefix, then (client only) the {@code -T} title and two
 * spaces, then the text. A server asked for {@code --get-server-output} also keeps
 * every line it prints for that test, to send back with its results.
 *
 * <p>A server running tests at once gives each test's printer a {@link #label} ({@code test=N }), after
 * the timestamp, so one test's lines can be picked out, and holds a block of lines (an interval's streams
 * and {@code [SUM]}, the summary) to write it in one piece ({@link #hold()}, {@link #release()}), so
 * another test's lines never land inside it. Neither changes the captured {@code --get-server-output}.
 *
 * <p>Thread: one test's thread.
 */
public final class TestPrinter {
    private final OutputSink sink;
    private final String programName;
    private final String titlePrefix;
    private final String timestampFormat;
    private final Supplier<ZonedDateTime> clock;
    private StringBuilder captured;
    private boolean quiet;
    private String label = "";
    /** The lines of a held block, or null when not holding. */
    private StringBuilder held;
    /** The held block's buffer, kept between holds: one per printer, not one per interval. */
    private final StringBuilder holdBuffer = new StringBuilder(1024);
    /** {@link #hold()}s not yet released: an inner block is written with the outer one. */
    private int holds;

    /**
     * @param title the client's {@code -T} title, or null (servers never prefix it)
     * @param timestampFormat strftime format of {@code --timestamps}, or null
     */
    public TestPrinter(OutputSink sink, String programName, String title, String timestampFormat,
                       Supplier<ZonedDateTime> clock) {
        this.sink = sink;
        this.programName = programName;
        this.titlePrefix = title == null ? "" : title + ":  ";
        this.timestampFormat = timestampFormat;
        this.clock = clock;
    }

    /** Starts keeping every printed line (server with {@code --get-server-output}). */
    public void startCapture() {
        captured = new StringBuilder();
    }

    /** The lines kept since {@link #startCapture()}, or null. */
    public String captured() {
        return captured == null ? null : captured.toString();
    }

    /** Stops printing text lines to the sink (used under {@code -J}); capture continues. */
    public void quiet(boolean quiet) {
        this.quiet = quiet;
    }

    /** Starts every line (after the timestamp) with {@code label}, e.g. {@code "test=7 "}; "" for none. */
    public void label(String label) {
        this.label = label;
    }

    /**
     * Keeps the lines printed from now on until the matching {@link #release()}, which writes them in one
     * piece; holds nest (an interval inside the summary's block is written with it).
     */
    public void hold() {
        if (holds++ == 0) {
            held = holdBuffer;
            held.setLength(0);
        }
    }

    /** Ends a {@link #hold()}; the outermost writes the held lines at once. */
    public void release() {
        if (holds == 0 || --holds > 0) {
            return;
        }
        StringBuilder block = held;
        held = null;
        if (!block.isEmpty()) {
            sink.out(block);
        }
        block.setLength(0);
        if (block.capacity() > 64 * 1024) { // a long summary (-P 128) does not keep its size for the intervals
            block.trimToSize();
        }
    }

    private void write(String text) {
        if (held != null) {
            held.append(text);
        } else {
            sink.out(text);
        }
    }

    private String timestamp() {
        return timestampFormat == null ? "" : Strftime.format(timestampFormat, clock.get());
    }

    /** Prints text (which normally ends with a newline) with iperf3's prefixes. */
    public void printf(String text) {
        print(text, false);
    }

    /**
     * Prints a line: {@link #printf(String)} of the text and a newline. Inside a {@link #hold()} the
     * text is copied into the held block, so a reused buffer (the reporter's interval line) may be
     * passed and nothing is allocated without {@code --timestamps}.
     */
    public void line(CharSequence text) {
        print(text, true);
    }

    private void print(CharSequence text, boolean newline) {
        String timestamp = timestamp();
        if (captured != null) {
            captured.append(timestamp).append(text);
            if (newline) {
                captured.append('\n');
            }
        }
        if (quiet) {
            return;
        }
        if (held != null) {
            held.append(timestamp).append(label).append(titlePrefix).append(text);
            if (newline) {
                held.append('\n');
            }
        } else {
            sink.out(timestamp + label + titlePrefix + text + (newline ? "\n" : ""));
        }
    }

    /** Prints without any prefix, as iperf3's few plain {@code printf} calls do. */
    public void plain(String text) {
        if (!quiet) {
            write(label + text);
        }
    }

    /** {@code <program>: error - message} on the error stream (or the log file), with the timestamp prefix. */
    public void error(String message) {
        sink.err(timestamp() + label + programName + ": error - " + message + "\n");
    }

    /** {@code <program>: message} on the error stream, as iperf3's {@code iperf_err}. */
    public void errorRaw(String message) {
        sink.err(timestamp() + label + programName + ": " + message + "\n");
    }

    /** {@code warning: message} on the error stream. */
    public void warning(String message) {
        sink.err(timestamp() + label + "warning: " + message + "\n");
    }

    public OutputSink sink() {
        return sink;
    }
}
