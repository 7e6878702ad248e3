package io.iperf3j.session.internal.host;

import io.iperf3j.internal.subcommand.LogText;
import io.iperf3j.session.Connection;
import io.iperf3j.session.SessionException.IperfCommandError;
import io.iperf3j.session.SessionException.IperfError;
import io.iperf3j.session.SessionException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The verdict on a server start: what the listen check ({@link RemoteScripts#awaitOwnListener})
 * found, with the server's own output, turned into the error that stops the test before its
 * client runs. A test must measure the server it started: a server that ended early is a
 * {@link IperfCommandError} with its command, exit status and last words; a port that another
 * process holds is an {@link IperfError} naming the port and, when the host let us see it, that
 * process. Pure; called on the test's thread.
 */
public final class ServerCheck {
    /** Holders named in a message at most (a port is rarely held by more than one process). */
    private static final int MAX_HOLDERS = 4;
    /** Longest quote of a server's output in a message (the raw file has all of it). */
    private static final int MAX_REASON_CHARS = 300;

    private ServerCheck() {
    }

    /**
     * The error a server start ended in, for a check that did not end in {@link RemoteScripts#LISTENING}.
     *
     * @param command the server's command line, for messages
     * @param host the node id, for messages
     * @param port the port it was to listen on
     * @param takenWait how long another process's listener was given before the port counted as taken
     * @param timeout how long the server was given to listen
     * @param check the listen check's status and output
     * @param serverOutput what the server printed (its output file; empty if it could not be read)
     */
    public static SessionException failure(String command, String host, int port, Duration takenWait,
            Duration timeout, Connection.CommandResult check, List<String> serverOutput) {
        return switch (check.exitStatus()) {
            case RemoteScripts.EXITED -> exited(command, host, port, check.stdout(), serverOutput);
            case RemoteScripts.TAKEN -> new IperfError(portTaken(port, host, check.stdout())
                    + (HostReply.says(check.stdout(), "shared")
                            ? ": the server '" + command + "' listens there too, so either could be measured"
                            : ": the server '" + command + "' was not listening there after " + seconds(takenWait))
                    + reason(serverOutput).map(s -> " (" + s + ")").orElse(""));
            case RemoteScripts.NOT_LISTENING -> couldNotListen(command, host, port, check.stdout(), serverOutput)
                    .orElseGet(() -> new IperfError("server '" + command + "' on " + host + " was not listening on port "
                            + port + " after " + seconds(timeout) + reason(serverOutput).map(s -> ": " + s).orElse("")));
            default -> new IperfError("server start on " + host + " failed (status " + check.exitStatus() + ")"
                    + reason(List.of(check.stderr().split("\n"))).map(s -> ": " + s).orElse(""));
        };
    }

    /**
     * Whether a server start that did not end in {@link RemoteScripts#LISTENING} failed because another
     * process holds the port (it listens there, or the server said "address already in use"): the test
     * may then move to another port. A server that was still running at the check's deadline and said so
     * when it was stopped counts too: on a host busy enough, its bind came after the deadline.
     */
    public static boolean portTaken(Connection.CommandResult check, List<String> serverOutput) {
        return switch (check.exitStatus()) {
            case RemoteScripts.TAKEN -> true;
            case RemoteScripts.EXITED, RemoteScripts.NOT_LISTENING -> serverOutput.stream().anyMatch(OutputCheck::isAddressInUse);
            default -> false;
        };
    }

    /**
     * A server that ended before it listened: its port was taken if it said "address already
     * in use" (iperf3 and iperf3j exit 1 then, iperf2 exits 0); else its command failed.
     */
    private static SessionException exited(String command, String host, int port, String checkOutput, List<String> out) {
        OptionalInt status = exitStatus(checkOutput);
        Optional<IperfError> taken = couldNotListen(command, host, port, checkOutput, out);
        if (taken.isPresent()) {
            return taken.get();
        }
        // exit 127 (missing binary) and a rejected command line keep OutputCheck's words
        Optional<SessionException> known = OutputCheck.finished(command, host, List.of(), out, status);
        if (known.isPresent() && known.get() instanceof IperfCommandError) {
            return known.get();
        }
        return new IperfCommandError("server '" + command + "' on " + host + " exited before it listened on port " + port
                + " (exit status " + (status.isPresent() ? Integer.toString(status.getAsInt()) : "unknown") + ")"
                + reason(out).map(s -> ": " + s).orElse(""));
    }

    /**
     * The port taken, in the server's own words: its first line that says "address already in use" (whether it ended
     * saying so or said so when stopped at the deadline), if any.
     */
    private static Optional<IperfError> couldNotListen(String command, String host, int port, String checkOutput, List<String> out) {
        return out.stream().filter(OutputCheck::isAddressInUse).findFirst().map(line -> new IperfError(
                portTaken(port, host, checkOutput) + ": the server '" + command + "' could not listen: " + line.strip()));
    }

    /** "port P on H is taken by another process (PID 123 iperf3)", the holders as far as the host showed them. */
    private static String portTaken(int port, String host, String checkOutput) {
        List<String> holders = holders(checkOutput);
        return "port " + port + " on " + host + " is taken by another process"
                + (holders.isEmpty() ? "" : " (" + String.join(", ", holders) + ")");
    }

    /** The {@code @@holder} lines as {@code PID 123 iperf3}. */
    static List<String> holders(String checkOutput) {
        return HostReply.values(checkOutput, "holder").stream().limit(MAX_HOLDERS).map(v -> "PID " + LogText.escape(v)).toList();
    }

    /** The status of the {@code @@exited} line, if the check printed one. */
    static OptionalInt exitStatus(String checkOutput) {
        return HostReply.exited(checkOutput);
    }

    /**
     * Why the server stopped, in its own words: the first line that says "error" (iperf3 and
     * iperf3j with {@code -J} put it in a JSON field, then print a closing brace or "exiting"),
     * else its last line; at most {@link #MAX_REASON_CHARS} characters.
     */
    static Optional<String> reason(List<String> out) {
        String last = null;
        for (String line : out) {
            String s = line.strip().replaceAll("\\s+", " ");
            if (s.toLowerCase(java.util.Locale.ROOT).contains("error")) {
                return Optional.of(cut(s));
            }
            if (!s.isEmpty() && !HostReply.isReply(s)) {
                last = s;
            }
        }
        return Optional.ofNullable(last).map(ServerCheck::cut);
    }

    private static String cut(String s) {
        return s.length() > MAX_REASON_CHARS ? s.substring(0, MAX_REASON_CHARS) + "..." : s;
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : String.format("%.1f s", d.toMillis() / 1000.0);
    }
}
