package io.iperf3j.session.internal;

import io.iperf3j.session.Shell;
import io.iperf3j.Transport;

/**
 * The POSIX sh scripts the session runs on hosts. Every iperf it starts carries
 * {@code IPERF3J_SESSION_NODE=<owner>} in its environment and a PID file in
 * {@code /tmp/iperf3j-session/<owner>/}; kills go to a PID only after
 * {@code /proc/PID/environ} shows that mark, so a reused PID or a process this tool
 * did not start is never hit. The owner is one controller's name for one host
 * ({@link #owner}: the node id and a tag of the controller's run), so two controllers that
 * name a host alike never take each other's processes for their own. Pure text builders.
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

    /** The separator of {@link #owner}: no node id holds it ({@code [A-Za-z0-9_.-]}). */
    private static final char OWNER_SEPARATOR = '+';

    /**
     * One controller's name for one host: the node id and the tag of the controller's run, e.g.
     * {@code h1+5f3a09c2}. It names the host's state directory and marks the processes started there.
     */
    public static String owner(String nodeId, String runTag) {
        return nodeId + OWNER_SEPARATOR + runTag;
    }

    /** The owner's state directory on the host. */
    public static String stateDir(String owner) {
        return STATE_ROOT + "/" + owner;
    }

    /**
     * Makes the node's state directory, or exits 125 saying why. The parent is made
     * sticky and writable for all ({@code 1777}, as {@code /tmp}), by whoever makes it first
     * and again by its owner, so that root's sessions and an ordinary user's can share a host:
     * each user's node directories are their own.
     */
    private static String makeStateDir(String owner) {
        String root = Shell.quote(STATE_ROOT);
        String d = Shell.quote(stateDir(owner));
        // made once per node: later commands only test for it (a builtin, no process)
        return "[ -d " + d + " ] || { mkdir -p -m 1777 " + root + " 2>/dev/null; if [ -O " + root + " ]; then chmod 1777 " + root
                + " 2>/dev/null; fi; mkdir -p " + d + " || { echo \"iperf3j session: cannot create " + stateDir(owner)
                + " as $(id -un)\" >&2; exit 125; }; }; ";
    }

    private static String marked(String owner) {
        return Shell.quote(ENV_MARK + "=" + owner);
    }

    /**
     * Whether the process is one this tool started on the node: it exists ({@code kill -0}, a builtin:
     * a PID that is gone costs no process) and its environment holds the mark.
     */
    private static String ownedTest(String owner, String pidVar) {
        return "{ kill -0 " + pidVar + " 2>/dev/null && tr '\\0' '\\n' < /proc/" + pidVar + "/environ 2>/dev/null | grep -qx "
                + marked(owner) + "; }";
    }

    /**
     * Starts {@code command} in the background, output to {@code outputFile}; prints the PID mark. Leaves
     * {@code $p} (the PID) and {@code $pf} (its PID file) set for {@link #awaitOwnListener}.
     */
    public static String background(String owner, String command, String outputFile) {
        String d = Shell.quote(stateDir(owner));
        return makeStateDir(owner)
                + "env " + marked(owner) + " " + command + " > " + Shell.quote(outputFile) + " 2>&1 < /dev/null & "
                + "p=$!; pf=" + d + "/$p.pid; echo $p > \"$pf\"; echo " + PID_MARK + "$p";
    }

    /** Runs {@code command} with its output on this channel; prints the PID mark on stderr; exits with its status. */
    public static String foreground(String owner, String command) {
        String d = Shell.quote(stateDir(owner));
        return makeStateDir(owner)
                + "env " + marked(owner) + " " + command + " < /dev/null & "
                + "p=$!; echo $p > " + d + "/$p.pid; echo " + PID_MARK + "$p >&2; "
                + "wait $p; s=$?; rm -f " + d + "/$p.pid; exit $s";
    }

    /**
     * Kills one PID this tool started, with its descendants ({@link #treeFunctions}): TERM to all (and
     * CONT, so a stopped process sees it), up to 3 s for them to end, then KILL; prints {@code @@gone}
     * or {@code @@alive}.
     */
    public static String kill(String owner, long pid) {
        String d = Shell.quote(stateDir(owner));
        String p = Long.toString(pid);
        return treeFunctions() + "p=" + p + "; if " + ownedTest(owner, "$p") + "; then tree $p; stoptree; fi; "
                + "rm -f " + d + "/$p.pid; "
                + "if " + ownedTest(owner, "$p") + "; then echo @@alive; else echo @@gone; fi";
    }

    /**
     * {@code tree PID}: sets {@code t} to the PID and its descendants, read from the kernel's
     * {@code /proc/PID/task/TID/children} lists (shell builtins only: a process without children, as iperf
     * is, costs no process); {@code alive}: whether one of {@code $t} still runs (a zombie does not);
     * {@code stoptree}: TERM (and CONT, so a stopped process sees it) to all of {@code $t}, up to 3 s for
     * them to end, then KILL.
     *
     * <p>Why the descendants: the command a host runs for iperf may be a launcher that forks rather
     * than execs ({@code sudo}, a wrapper script). A KILL to the launcher alone (the stale clean-up's,
     * or the stop's when a TERM was not enough) leaves its iperf running for good, reparented to init:
     * the schedule lab's wrapper did so when a SIGTERM came while a server started. The descendants are
     * taken before any signal, so that none is lost to reparenting; they need not carry the
     * {@link #ENV_MARK} (sudo clears the environment): being a child of a process this tool started,
     * now, is the proof.
     */
    private static String treeFunctions() {
        return "tree() { t=$1; n=$1; while [ -n \"$n\" ]; do m=; for x in $n; do for c in /proc/$x/task/*/children; do "
                + "k=; [ -r \"$c\" ] && read -r k < \"$c\"; m=\"$m $k\"; done; done; n=; for k in $m; do n=\"$n $k\"; done; "
                + "t=\"$t$n\"; done; }; "
                + "alive() { for x in $t; do s=; { read -r s < /proc/$x/stat; } 2>/dev/null; case $s in \"\"|*\") Z \"*) ;; *) return 0;; esac; "
                + "done; return 1; }; "
                + "stoptree() { [ -n \"$t\" ] || return 0; for x in $t; do kill -TERM $x; kill -CONT $x; done 2>/dev/null; i=0; "
                + "while alive && [ $i -lt 30 ]; do sleep 0.1; i=$((i+1)); done; "
                + "if alive; then for x in $t; do kill -KILL $x; done 2>/dev/null; sleep 0.2; fi; }; ";
    }

    /**
     * {@link #cleanStale} silently, then {@code script}: one login shell instead of two. A
     * host's every command costs a shell start with its rc files (measured: 0.55 s with a
     * {@code pyenv init} in root's {@code .bashrc}), so the session runs as few as it can.
     */
    public static String afterCleaningStale(String owner, String script) {
        return "{ " + cleanStale(owner) + "; } >/dev/null 2>&1; " + script;
    }

    /**
     * Waits up to {@code tenths} tenths of a second for {@code pid} (one this tool started) to
     * end by itself, then {@link #kill}s it if it has not: a one-off server's end and its stop
     * in one command.
     */
    public static String awaitExitThenKill(String owner, long pid, int tenths) {
        String p = Long.toString(pid);
        return "i=0; while " + ownedTest(owner, p) + " && [ $i -lt " + tenths
                + " ]; do sleep 0.1; i=$((i+1)); done; " + kill(owner, pid);
    }

    /**
     * Kills every process this tool started on the node that is still running (stale from an earlier run,
     * or, at a session's stop, a server whose start had not yet told its PID), with its descendants
     * ({@link #treeFunctions}): all at once, TERM first, then KILL after up to 3 s, as {@link #kill} does.
     * A KILL at once gave a launcher no chance to end its child or to write what it writes on TERM (the
     * schedule lab's wrapper, stopped while a server started, never stamped its iperf3's end: CI, stop 42).
     */
    public static String cleanStale(String owner) {
        return cleanOwnerFunction() + "cleanowner " + Shell.quote(stateDir(owner)) + " " + Shell.quote(owner);
    }

    /**
     * {@code cleanowner DIR OWNER}: kills every process with a PID file in {@code DIR} that carries
     * {@code OWNER}'s mark, with its descendants, TERM first ({@link #cleanStale}); removes the PID files.
     * Also the clean-up the {@link HostAgent} runs after the controllers that are gone.
     */
    static String cleanOwnerFunction() {
        return treeFunctions() + "cleanowner() { all=; for f in \"$1\"/*.pid; do [ -e \"$f\" ] || continue; p=${f##*/}; p=${p%.pid}; "
                + "if { kill -0 $p 2>/dev/null && tr '\\0' '\\n' < /proc/$p/environ 2>/dev/null | grep -qx \"" + ENV_MARK
                + "=$2\"; }; then tree $p; all=\"$all $t\"; echo @@killed $p; fi; rm -f \"$f\"; done; t=$all; stoptree; true; }; ";
    }

    /** Status of {@link #awaitOwnListener}: the server is the one listening on the port. */
    public static final int LISTENING = 0;
    /** Status of {@link #awaitOwnListener}: the server ended first ({@link #EXITED_MARK} gives its status). */
    public static final int EXITED = 3;
    /** Status of {@link #awaitOwnListener}: nothing listened on the port by the deadline. */
    public static final int NOT_LISTENING = 4;
    /** Status of {@link #awaitOwnListener}: another process holds the port ({@link #HOLDER_MARK} lines say which). */
    public static final int TAKEN = 5;
    /** The line prefix giving the server's exit status when it ended before it listened. */
    public static final String EXITED_MARK = "@@exited ";
    /** The line prefix naming a process that holds the port: PID, then its name. */
    public static final String HOLDER_MARK = "@@holder ";
    /** The line saying the listener could not be matched to the server (its {@code /proc/PID/fd} is not readable). */
    public static final String UNVERIFIED_MARK = "@@unverified";
    /** The line saying the server listens, and so does another process (a UDP port bound twice). */
    public static final String SHARED_MARK = "@@shared";

    /**
     * Waits until the server started as {@code $p} (a child of this script's shell, see
     * {@link #background}) is the one listening on {@code port}: every socket in TCP LISTEN
     * (or bound UDP) on the port in {@code /proc/net} is one of the server's (or its
     * children's) file descriptors, matched by socket inode against {@code /proc/PID/fd}.
     * Exits {@link #LISTENING}; {@link #EXITED} with the server's own status from {@code wait}
     * (127 for a missing binary) when it ends first, its PID file ({@code $pf}, if set) removed, as no
     * kill will come to remove it; {@link #TAKEN} when the server listens but
     * another process does too, or when only another process listens for {@code takenCentis}
     * (a server that cannot bind exits at once, so the wait only covers a slow start);
     * {@link #NOT_LISTENING} after {@code deadlineCentis}. Holders of a foreign listener are named
     * ({@link #HOLDER_MARK}) on the way out. When the server's descriptors cannot be read (it
     * runs as another user, e.g. through sudo) a listener is taken as the server's, with
     * {@link #UNVERIFIED_MARK}.
     *
     * <p>Why these tools: the check must work alike for iperf3j, iperf3 3.x and iperf2, on
     * hosts with only BusyBox or toybox. {@code ss -ltnp} and {@code lsof} are missing there;
     * the servers' own output is no signal (iperf3 {@code -J} and iperf3j print nothing until a
     * test, iperf2's banner differs), and a pidfile ({@code -I}) is iperf3-only. {@code /proc/net}
     * and {@code /proc/PID/fd} are the kernel's own answer and need only {@code cat}, {@code awk},
     * {@code ls}; time comes from {@code /proc/uptime} through {@code read}, without a process.
     *
     * @param deadlineCentis how long the server may take to listen, in hundredths of a second
     * @param takenCentis how long another process may hold the port while the server neither
     *        listens nor exits, in hundredths of a second
     */
    public static String awaitOwnListener(int port, Transport transport, int deadlineCentis, int takenCentis) {
        return clockFunction() + listenersFunction(port, transport) + socketsFunction() + classifyFunction() + holdersFunction()
                + "tick; end=$((t + " + deadlineCentis + ")); taken=0; while :; do "
                + "st=; { read -r st < /proc/$p/stat; } 2>/dev/null; case $st in \"\"|*\") Z \"*) wait $p; s=$?; [ -z \"${pf:-}\" ] || rm -f \"$pf\"; echo \"" + EXITED_MARK
                + "$s\"; l=$(listeners); [ -z \"$l\" ] || holders $l; exit " + EXITED + ";; esac; "
                + "l=$(listeners); other=; ours=0; "
                + "if [ -n \"$l\" ]; then m=\" $(echo $(sockets $p)) \"; classify; "
                + "if [ -n \"$other\" ]; then m=\" $(echo $(sockets $(family))) \"; classify; fi; "
                + "if [ $ours = 1 ] && [ -z \"$other\" ]; then echo @@listening; exit " + LISTENING + "; fi; "
                + "if [ $ours = 1 ]; then echo " + SHARED_MARK + "; holders $other; exit " + TAKEN + "; fi; "
                + "case $m in *@@unreadable*) echo @@listening; echo " + UNVERIFIED_MARK + "; exit " + LISTENING + ";; esac; fi; "
                + "tick; if [ -n \"$other\" ]; then [ $taken != 0 ] || taken=$((t + " + takenCentis + ")); "
                + "if [ $t -ge $taken ]; then holders $other; exit " + TAKEN + "; fi; fi; "
                + "[ $t -lt $end ] || exit " + NOT_LISTENING + "; sleep 0.1; done";
    }

    /** {@code tick}: sets {@code t} to the uptime in hundredths of a second (a shell builtin, no process). */
    private static String clockFunction() {
        return "tick() { read t _ < /proc/uptime; t=${t%.*}${t#*.}; }; ";
    }

    /** {@code listeners}: the socket inodes listening on the port (TCP LISTEN, or UDP bound: state 07). */
    private static String listenersFunction(int port, Transport transport) {
        String files = transport == Transport.TCP ? "/proc/net/tcp /proc/net/tcp6" : "/proc/net/udp /proc/net/udp6";
        String state = transport == Transport.TCP ? "0A" : "07";
        String hex = String.format("%04X", port);
        // awk reads the files itself (no cat): the IPv4 table first, so a host without IPv6 still gets it
        return "listeners() { awk '{ n = split($2, a, \":\"); if (a[n] == \"" + hex
                + "\" && $4 == \"" + state + "\") print $10 }' " + files + " 2>/dev/null; }; ";
    }

    /**
     * {@code sockets PID...}: the socket inodes open in those processes, {@code @@unreadable} for
     * one whose descriptors this user may not list; {@code family}: {@code $p} and its descendants
     * (a launcher that forks rather than execs still counts). Parents come from
     * {@code /proc/PID/stat}, read after the {@code )} that ends the command name (which may hold
     * spaces). The check looks in {@code $p} alone first and reads the family only when a listener
     * is not {@code $p}'s: reading every process's {@code stat} costs 20-50 ms of CPU on a busy
     * host, measured (process accounting, 24-host lab) as the largest part of a test's shell time.
     *
     * <p>"May not list" is read from {@code ls}'s own words ("Permission denied" for the
     * directory, or "Operation not permitted" for the links when the ptrace check refuses; in
     * the C locale, as GNU, BusyBox and toybox all say it), not from its status: {@code ls -l}
     * also fails when a descriptor closes between its {@code readdir} and its {@code lstat}
     * ("No such file or directory"), which a starting JVM does all the time, and that must not
     * count as "cannot see, so take the listener as the server's". A process that ended in the
     * meantime says the same and counts for nothing.
     */
    private static String socketsFunction() {
        return "family() { cat /proc/[0-9]*/stat 2>/dev/null | awk -v p=\"$p\" '{ q = $1; sub(/.*\\) /, \"\"); up[q] = $2 } "
                + "END { f[p] = 1; c = 1; while (c) { c = 0; for (q in up) if (!(q in f) && (up[q] in f)) { f[q] = 1; c = 1 } } "
                + "for (q in f) print q }'; }; "
                + "sockets() { for q in \"$@\"; do LC_ALL=C ls -l /proc/$q/fd 2>&1; done "
                + "| awk '/^ls: .*(Permission denied|Operation not permitted)$/ { print \"@@unreadable\"; next } "
                + "match($0, /socket:\\[[0-9]+\\]/) { print substr($0, RSTART + 8, RLENGTH - 9) }'; }; ";
    }

    /**
     * {@code classify}: splits the listeners {@code $l} into the server's ({@code ours=1}) and the
     * others' ({@code $other}), by the socket inodes {@code $m} lists.
     */
    private static String classifyFunction() {
        return "classify() { other=; ours=0; for i in $l; do case $m in *\" $i \"*) ours=1;; *) other=\"$other $i\";; esac; done; }; ";
    }

    /** {@code holders INODE...}: prints {@link #HOLDER_MARK} PID and name for each process holding one of the sockets. */
    private static String holdersFunction() {
        return "holders() { ls -l /proc/[0-9]*/fd 2>/dev/null | awk -v want=\" $* \" "
                + "'/^\\/proc\\/[0-9]+\\/fd:$/ { split($0, a, \"/\"); q = a[3]; next } "
                + "match($0, /socket:\\[[0-9]+\\]/) && index(want, \" \" substr($0, RSTART + 8, RLENGTH - 9) \" \") && !seen[q]++ { print q }' "
                + "| while read q; do echo \"" + HOLDER_MARK + "$q $(cat /proc/$q/comm 2>/dev/null)\"; done; }; ";
    }
}
