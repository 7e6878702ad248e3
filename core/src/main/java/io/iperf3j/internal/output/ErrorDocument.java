package io.iperf3j.internal.output;

import io.iperf3j.internal.json.CJsonWriter;
import io.iperf3j.internal.json.JsonObject;

import java.util.ArrayList;

/**
 * What iperf3 prints for an error that comes before any test: a server that cannot
 * listen, a server interrupted while idle (and, in iperf3j, a command line refused
 * while {@code -J} was asked for). A script that asked for JSON must get JSON on stdout,
 * so the error is not a bare stderr line in the JSON modes:
 * <ul>
 * <li>{@code -J}: iperf3's document with an empty start, no intervals, an empty end and
 *     the error (3.12 and 3.21 print this shape for "unable to start listener");</li>
 * <li>{@code --json-stream}: an {@code error} event and an empty {@code end} event, then
 *     with {@code --json-stream-full-output} the document as well (3.21).</li>
 * </ul>
 */
public final class ErrorDocument {
    private static final CJsonWriter WRITER = CJsonWriter.standard();

    private ErrorDocument() {
    }

    /**
     * The {@code -J} document for an error before any test.
     *
     * @param version the {@code start.version} value, e.g. {@code "iperf3j 0.1.0"}
     * @param systemInfo the {@code start.system_info} value (uname)
     * @param message the error as iperf3 words it, e.g. {@code "error - unable to start listener ..."}
     */
    public static JsonObject of(String version, String systemInfo, String message) {
        return new JsonObject()
                .put("start", new JsonObject().put("connected", new ArrayList<>()).put("version", version)
                        .put("system_info", systemInfo))
                .put("intervals", new ArrayList<>())
                .put("end", new JsonObject())
                .put("error", message);
    }

    /**
     * The text for stdout in {@code mode}, each document or event ending with a newline;
     * empty in text mode (where the error is a stderr line).
     */
    public static String render(OutputMode mode, String version, String systemInfo, String message) {
        return switch (mode) {
            case TEXT -> "";
            case JSON -> WRITER.pretty(of(version, systemInfo, message)) + "\n";
            case JSON_STREAM -> events(message);
            case JSON_STREAM_FULL -> events(message) + WRITER.pretty(of(version, systemInfo, message)) + "\n";
        };
    }

    private static String events(String message) {
        return WRITER.compact(new JsonObject().put("event", "error").put("data", message)) + "\n"
                + WRITER.compact(new JsonObject().put("event", "end").put("data", new JsonObject())) + "\n";
    }
}
