package io.iperf3j.report;

/**
 * An input that cannot go into a report: not a file, too big, not JSON, not an iperf3 -J or
 * --json-stream document, or a session directory without a readable tests.jsonl. The message
 * names the input and, for JSON errors, the line and column.
 */
public final class ReportInputException extends Exception {
    private static final long serialVersionUID = 1L;

    public ReportInputException(String message) {
        super(message);
    }

    public ReportInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
