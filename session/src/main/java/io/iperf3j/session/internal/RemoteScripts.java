package io.iperf3j.session.internal;

import io.iperf3j.session.Shell;
import io.iperf3j.Transport;

/**
 * The POSIX sh scripts the session runs on hosts. Every iperf it starts carries
 * {@code IPERF3J_SESSION_NODE=<node id>} in its environment and a PID file in
 * {@code /tmp/iperf3j-session/<node id>/}; kills go to a PID only after
 * {@code /proc/PID/environ} shows that mark, so a reused PID or a process this tool
 * did not start is never hit. Pure text builders.
 */
public final class RemoteScripts {
    /** The line prefix a script prints the iperf's PID with. */
    public static final String PID_MARK = "@@pid ";
    /** The environment variable marking processes this tool started. */
    public static final String ENV_MARK = "IPERF3J_SESSION_NODE";

    private RemoteScripts() {
    }

    /** The parent of every node's state directory on a host, shared by its users as /tmp is. */
    public static final String STATE_ROOT = "/tmp/iperf3j-session";

    /** The per-node state directory on the host. */
    public static String stateDir(String nodeId) {
        return STATE_ROOT + "/" + nodeId;
    }

    /**
     * Makes the node's state directory, or exits 125 saying why. The parent is made
     * sticky and writable for all ({@code 1777}, as {@code /tmp}), by whoever makes it first
     * and again by its owner, so that root's sessions and an ordinary user's can share a host:
     * each user's node directories are their own.
     */
    private static String makeStateDir(String nodeId) {
        String root = Shell.quote(STATE_ROOT);
        String d = Shell.quote(stateDir(nodeId));
        return "mkdir -p -m 1777 " + root + " 2>/dev/null; if [ -O " + root + " ]; then chmod 1777 " + root
                + " 2>/dev/null; fi; mkdir -p " + d + " || { echo \"iperf3j session: cannot create " + stateDir(nodeId)
                + " as $(id -un)\" >&2; exit 125; }; ";
    }

    private static String marked(String nodeId) {
        return Shell.quote(ENV_MARK + "=" + nodeId);
    }

    private static String ownedTest(String nodeId, String pidVar) {
        return "tr '\\0' '\\n' < /proc/" + pidVar + "/environ 2>/dev/null | grep -qx " + marked(nodeId);
    }

    /** Starts {@code command} in the background, output to {@code outputFile}; prints the PID mark. */
    public static String background(String nodeId, String command, String outputFile) {
        String d = Shell.quote(stateDir(nodeId));
        return makeStateDir(nodeId)
                + "env " + marked(nodeId) + " " + command + " > " + Shell.quote(outputFile) + " 2>&1 < /dev/null & "
                + "p=$!; echo $p > " + d + "/$p.pid; echo " + PID_MARK + "$p";
    }

    /** Runs {@code command} with its output on this channel; prints the PID mark on stderr; exits with its status. */
    public static String foreground(String nodeId, String command) {
        String d = Shell.quote(stateDir(nodeId));
        return makeStateDir(nodeId)
                + "env " + marked(nodeId) + " " + command + " < /dev/null & "
                + "p=$!; echo $p > " + d + "/$p.pid; echo " + PID_MARK + "$p >&2; "
                + "wait $p; s=$?; rm -f " + d + "/$p.pid; exit $s";
    }

    /**
     * Kills one PID this tool started: TERM (and CONT, so a stopped process sees it), up
     * to 3 s for it to end, then KILL; prints {@code @@gone} or {@code @@alive}.
     */
    public static String kill(String nodeId, long pid) {
        String d = Shell.quote(stateDir(nodeId));
        String p = Long.toString(pid);
        return "p=" + p + "; if " + ownedTest(nodeId, "$p") + "; then "
                + "kill -TERM $p 2>/dev/null; kill -CONT $p 2>/dev/null; i=0; "
                + "while " + ownedTest(nodeId, "$p") + " && [ $i -lt 30 ]; do sleep 0.1; i=$((i+1)); done; "
                + "if " + ownedTest(nodeId, "$p") + "; then kill -KILL $p 2>/dev/null; sleep 0.2; fi; fi; "
                + "rm -f " + d + "/$p.pid; "
                + "if " + ownedTest(nodeId, "$p") + "; then echo @@alive; else echo @@gone; fi";
    }

    /**
     * {@link #cleanStale} silently, then {@code script}: one login shell instead of two. A
     * host's every command costs a shell start with its rc files (measured: 0.55 s with a
     * {@code pyenv init} in root's {@code .bashrc}), so the session runs as few as it can.
     */
    public static String afterCleaningStale(String nodeId, String script) {
        return "{ " + cleanStale(nodeId) + "; } >/dev/null 2>&1; " + script;
    }

    /**
     * Waits up to {@code tenths} tenths of a second for {@code pid} (one this tool started) to
     * end by itself, then {@link #kill}s it if it has not: a one-off server's end and its stop
     * in one command.
     */
    public static String awaitExitThenKill(String nodeId, long pid, int tenths) {
        String p = Long.toString(pid);
        return "i=0; while kill -0 " + p + " 2>/dev/null && " + ownedTest(nodeId, p) + " && [ $i -lt " + tenths
                + " ]; do sleep 0.1; i=$((i+1)); done; " + kill(nodeId, pid);
    }

    /** Kills every process this tool started on the node that is still running (stale from an earlier run). */
    public static String cleanStale(String nodeId) {
        String d = Shell.quote(stateDir(nodeId));
        return "for f in " + d + "/*.pid; do [ -e \"$f\" ] || continue; p=${f##*/}; p=${p%.pid}; "
                + "if " + ownedTest(nodeId, "$p") + "; then kill -KILL $p 2>/dev/null && echo @@killed $p; fi; "
                + "rm -f \"$f\"; done; true";
    }

    /**
     * Waits until a socket listens on {@code port} (TCP LISTEN, or a bound UDP socket),
     * read from {@code /proc/net}; exits 0 when it does, 3 when {@code pid} (a number or a
     * shell expression such as {@code $p}) ended first, 4 after {@code tenths} tenths of a second.
     */
    public static String awaitListening(int port, Transport transport, String pid, int tenths) {
        String files = transport == Transport.TCP ? "/proc/net/tcp /proc/net/tcp6" : "/proc/net/udp /proc/net/udp6";
        String state = transport == Transport.TCP ? "0A" : "07";
        String hex = String.format("%04X", port);
        return "i=0; while [ $i -lt " + tenths + " ]; do "
                + "if cat " + files + " 2>/dev/null | awk '{ n = split($2, a, \":\"); if (a[n] == \"" + hex
                + "\" && $4 == \"" + state + "\") f = 1 } END { exit !f }'; then echo @@listening; exit 0; fi; "
                + "kill -0 " + pid + " 2>/dev/null || exit 3; sleep 0.1; i=$((i+1)); done; exit 4";
    }
}
