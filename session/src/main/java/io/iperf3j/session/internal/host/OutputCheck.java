package io.iperf3j.session.internal.host;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.iperf3j.session.SessionException.IperfCommandError;
import io.iperf3j.session.SessionException.IperfError;
import io.iperf3j.session.SessionException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Sorts what an iperf printed into the seed's errors (apetools' {@code validate}):
 * connection problems become {@link IperfError}, a wrong command line or a missing
 * binary {@link IperfCommandError}, "address already in use" only a warning.
 * Pure; called on the thread that ran the command.
 */
public final class OutputCheck {
    /** Exit status of a shell that could not find the command. */
    public static final int COMMAND_NOT_FOUND = 127;

    private static final JsonFactory JSON = new JsonFactory();
    private static final List<String> COMMAND_PROBLEMS = List.of("usage: iperf", "unrecognized option",
            "invalid option", "unknown option", "option requires an argument", "parameter error",
            "ignoring extra argument", "invalid argument", "not a valid", "bad value", "must be followed by");

    private OutputCheck() {
    }

    /** The error one line shows, if any. */
    public static Optional<SessionException> line(String line) {
        String l = line.toLowerCase(Locale.ROOT);
        if (l.contains("no route to host")) {
            return Optional.of(new IperfError("Unable to connect to host: " + line.strip()));
        }
        if (l.contains("connection refused")) {
            return Optional.of(new IperfError("Iperf server not running on remote host: " + line.strip()));
        }
        if (l.contains("connect failed")) {
            return Optional.of(new IperfError("Client Unable to connect (" + line.strip() + ")"));
        }
        if (l.contains("server is busy")) {
            return Optional.of(new IperfError("Server busy: " + line.strip()));
        }
        for (String p : COMMAND_PROBLEMS) {
            if (l.contains(p)) {
                return Optional.of(new IperfCommandError("iperf rejected its command line: " + line.strip()));
            }
        }
        return Optional.empty();
    }

    /** Whether a line is the "address in use" warning. */
    public static boolean isAddressInUse(String line) {
        return line.toLowerCase(Locale.ROOT).contains("address already in use");
    }

    /**
     * The verdict on a finished command: exit 127 as a missing binary, else the first error a line
     * shows, else a non-zero exit as an {@link IperfError} with iperf's own reason: the {@code error}
     * of the {@code -J} document it printed, else the last words it printed. When stdout is a
     * {@code -J} document, its {@code error} is what is read for errors, not its lines (whose last
     * one is only {@code }}).
     *
     * @param command the command line, for messages
     * @param host the host, for messages
     */
    public static Optional<SessionException> finished(String command, String host, List<String> stdout,
            List<String> stderr, OptionalInt exitStatus) {
        if (exitStatus.isPresent() && exitStatus.getAsInt() == COMMAND_NOT_FOUND) {
            return Optional.of(new IperfCommandError("'" + command + "' not found on " + host + " (exit status 127"
                    + lastWords(stderr).map(s -> ": " + s).orElse("") + ")"));
        }
        for (String line : stderr) {
            Optional<SessionException> e = line(line);
            if (e.isPresent()) {
                return e;
            }
        }
        // a -J document's lines are JSON, not iperf's messages: only its error is looked at (its lines are read once, by
        // the parser, not also a line at a time)
        String documentError = documentError(stdout);
        Optional<String> jsonError = Optional.ofNullable(documentError).filter(e -> !e.isEmpty());
        for (String line : documentError == null ? stdout : jsonError.map(List::of).orElse(List.of())) {
            Optional<SessionException> e = line(line);
            if (e.isPresent()) {
                return e;
            }
        }
        if (exitStatus.isPresent() && exitStatus.getAsInt() != 0) {
            Optional<String> words = jsonError.or(() -> lastWords(stderr)).or(() -> lastWords(stdout));
            return Optional.of(new IperfError("'" + command + "' on " + host + " exited with status "
                    + exitStatus.getAsInt() + words.map(s -> ": " + s).orElse("")));
        }
        return Optional.empty();
    }

    /**
     * Whether {@code stdout} is one {@code -J} document (iperf3's, iperf3j's), and its {@code error}: null when it is not
     * one (text, or a document cut short), "" when it has no error (or a blank or non-text one), else the error, stripped.
     * The lines are already bounded by the caller ({@code RemoteIperf.MAX_KEPT_LINES}). The document
     * is read as tokens, its members other than {@code error} skipped whole: no tree is made of a result a controller
     * reads again later (issue 69). As a tree read it, what follows the document is not read, and of two
     * {@code error}s the last counts.
     */
    static String documentError(List<String> stdout) {
        int first = 0;
        while (first < stdout.size() && stdout.get(first).isBlank()) {
            first++;
        }
        if (first == stdout.size() || !stdout.get(first).strip().startsWith("{")) {
            return null;
        }
        try (JsonParser p = JSON.createParser(String.join("\n", stdout.subList(first, stdout.size())))) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String error = "";
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (name.equals("error")) {
                    error = value == JsonToken.VALUE_STRING ? p.getText().strip() : "";
                }
                p.skipChildren();
            }
            return t == JsonToken.END_OBJECT ? error : null;
        } catch (java.io.IOException e) {
            return null; // not one JSON document (cut short, or text): its lines speak
        }
    }

    private static Optional<String> lastWords(List<String> lines) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            String s = lines.get(i).strip();
            if (!s.isEmpty() && !HostReply.isReply(s)) {
                return Optional.of(s.length() > 300 ? s.substring(0, 300) + "..." : s);
            }
        }
        return Optional.empty();
    }
}
