package io.iperf3j.interop.matrix;

import io.iperf3j.internal.json.JsonObject;
import io.iperf3j.testing.EnginePeer;
import io.iperf3j.testing.FreePorts;
import io.iperf3j.testing.Iperf3Process;
import io.iperf3j.testing.JsonPaths;
import io.iperf3j.testing.NetnsPair;
import io.iperf3j.testing.PeerRun.Peer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs one {@link Cell} with both peers as processes (iperf3j through {@link
 * EnginePeer}), each with {@code -J}, under a hard deadline: the client has the
 * expected duration plus 10 s, the server 5 s more after the client ended. Anything
 * still running then is killed by PID and the cell is a DEADLINE.
 */
final class CellRun {
    /** What happened in a cell. */
    enum Verdict { PASS, FAIL, DEADLINE }

    record Outcome(Cell cell, Verdict verdict, List<String> reasons, double seconds, String detail) {
    }

    static final Duration SERVER_AFTER_CLIENT = Duration.ofSeconds(5);
    /** How long an iperf3j client's JVM may take to start, apart from the test's deadline. */
    static final Duration JVM_START = Duration.ofSeconds(30);
    /** Ports inside a fresh namespace pair: nothing else runs there. */
    private static final AtomicInteger NETNS_PORTS = new AtomicInteger(7000);

    private CellRun() {
    }

    static Duration clientDeadline(Cell cell) {
        return Duration.ofMillis((long) (cell.expectedSeconds() * 1000) + 10_000);
    }

    static Outcome run(Cell cell, NetnsPair pair) {
        long start = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            int port = pair == null ? FreePorts.next() : NETNS_PORTS.getAndIncrement();
            String host = pair == null ? "127.0.0.1" : pair.addrB;
            List<String> serverArgs = List.of("-s", "-1", "-J", "-p", Integer.toString(port));
            List<String> clientArgs = new ArrayList<>(List.of("-c", host, "-p", Integer.toString(port)));
            clientArgs.addAll(cell.clientFlags());
            try (Iperf3Process server = Iperf3Process.start(command(cell.server(), serverArgs, pair == null ? null : pair.nsB))) {
                if (!server.awaitListening(port, Duration.ofSeconds(20))) {
                    server.waitFor(Duration.ofSeconds(2));
                    String text = server.stdout() + server.stderr();
                    if (attempt < 5 && (text.contains("Address already in use") || text.contains("unable to start listener"))) {
                        continue;
                    }
                    return new Outcome(cell, Verdict.FAIL, List.of("the server did not listen"), secondsSince(start),
                            server + "\n" + text);
                }
                try (Iperf3Process client = Iperf3Process.start(command(cell.client(), clientArgs, pair == null ? null : pair.nsA))) {
                    String stacks = "";
                    // An iperf3j client's deadline starts once its JVM runs (on a busy machine a JVM
                    // can take seconds to start); the start itself has a bound of its own.
                    boolean started = cell.client().isReal() || client.awaitStderr(EnginePeer.STARTED, JVM_START);
                    if (!started || !client.awaitExit(clientDeadline(cell))) {
                        // Past the deadline: what our peers were doing goes into the report, then they are killed.
                        stacks = threadDump(cell.client(), client, "client") + threadDump(cell.server(), server, "server");
                    }
                    int clientStatus = client.waitFor(Duration.ZERO);
                    int serverStatus = server.waitFor(clientStatus == -1 ? Duration.ofMillis(1) : SERVER_AFTER_CLIENT);
                    String detail = stacks + "client: " + client + " exit " + clientStatus + "\n" + tail(client.stdout())
                            + client.stderr() + "\nserver: " + server + " exit " + serverStatus + "\n"
                            + tail(server.stdout()) + server.stderr();
                    double secs = secondsSince(start);
                    if (clientStatus == -1) {
                        return new Outcome(cell, Verdict.DEADLINE, List.of("the client ran past its deadline of "
                                + clientDeadline(cell).toSeconds() + " s"), secs, detail);
                    }
                    if (serverStatus == -1) {
                        return new Outcome(cell, Verdict.DEADLINE, List.of("the server's test ran "
                                + SERVER_AFTER_CLIENT.toSeconds() + " s past the client's end"), secs, detail);
                    }
                    return judge(cell, clientStatus, client.stdout(), serverStatus, server.stdout(), secs, detail);
                }
            }
        }
    }

    static Outcome judge(Cell cell, int clientStatus, String clientOut, int serverStatus, String serverOut,
                         double secs, String detail) {
        List<String> reasons = new ArrayList<>();
        if (clientStatus != 0) {
            reasons.add("client exit " + clientStatus);
        }
        if (serverStatus != 0) {
            reasons.add("server exit " + serverStatus);
        }
        JsonObject c = parse(clientOut, "client", reasons);
        JsonObject s = parse(serverOut, "server", reasons);
        if (c != null && s != null) {
            reasons.addAll(Agreement.violations(cell, c, s));
        }
        return new Outcome(cell, reasons.isEmpty() ? Verdict.PASS : Verdict.FAIL, reasons, secs, detail);
    }

    private static JsonObject parse(String out, String who, List<String> reasons) {
        if (out.isBlank()) {
            reasons.add("the " + who + " printed no JSON");
            return null;
        }
        JsonObject d;
        try {
            d = JsonPaths.parse(out);
        } catch (AssertionError | RuntimeException e) {
            reasons.add("the " + who + "'s JSON does not parse: " + e.getMessage());
            return null;
        }
        if (d.has("error")) {
            reasons.add(who + " error: " + d.get("error"));
        }
        return d;
    }

    /** {@code jstack} of an iperf3j peer that is still running, or "". */
    private static String threadDump(Peer peer, Iperf3Process p, String role) {
        if (peer.isReal() || !p.isAlive()) {
            return "";
        }
        Path jstack = Path.of(System.getProperty("java.home"), "bin", "jstack");
        try (Iperf3Process dump = Iperf3Process.start(List.of(jstack.toString(), Long.toString(p.pid())))) {
            dump.waitFor(Duration.ofSeconds(10));
            return "--- " + role + " threads ---\n" + dump.stdout() + "\n";
        }
    }

    private static List<String> command(Peer peer, List<String> args, String namespace) {
        List<String> cmd;
        if (peer.isReal()) {
            cmd = new ArrayList<>(List.of(peer.binary.path.toString()));
            cmd.addAll(args);
        } else {
            cmd = EnginePeer.command(args);
        }
        return namespace == null ? cmd : NetnsPair.inside(namespace, cmd);
    }

    private static double secondsSince(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    private static String tail(String s) {
        return s.length() <= 4000 ? s : "…" + s.substring(s.length() - 4000);
    }
}
