package io.iperf3j.testing;

import io.iperf3j.internal.engine.ClientTest;
import io.iperf3j.internal.engine.EngineInfo;
import io.iperf3j.internal.engine.server.IperfServer;
import io.iperf3j.internal.json.JsonObject;
import io.iperf3j.internal.options.IperfOptions;
import io.iperf3j.internal.options.OptionParser;
import io.iperf3j.internal.options.ParseResult;
import io.iperf3j.internal.output.OutputSink;
import io.iperf3j.internal.protocol.ErrorCode;
import io.iperf3j.internal.protocol.IperfException;
import io.iperf3j.internal.stats.TestObserver;
import io.iperf3j.internal.stats.TestRecord;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one test between a client and a server, each either the real iperf3 3.12 (a
 * child process) or iperf3j (in this JVM: {@link ClientTest} / {@link IperfServer}), and
 * captures both sides' exit status, stdout, stderr and JSON.
 *
 * <p>The server gets {@code -s -1 -p PORT} plus the scenario's server arguments and the
 * client {@code -c HOST -p PORT} plus its client arguments. A C server is used only
 * once it listens (see {@link Iperf3Process#awaitListening}); ports come from
 * {@link FreePorts}, with a retry when a server loses a port to another process.
 *
 * <p>{@link #cached} runs each (client, server, scenario) once per JVM: the interop
 * tests and the output-fidelity tests examine the same runs from different angles,
 * which keeps the suite short. A run never throws for a failed or hung test; it
 * records what happened and the tests assert on that.
 */
public final class PeerRun {
    /** Which program plays a role. */
    public enum Peer {
        /** Debian's iperf3 3.12. */
        IPERF3("iperf3", Iperf3Binary.V3_12),
        /** esnet's newest, built from shared/peers. */
        IPERF3_21("iperf3 3.21", Iperf3Binary.V3_21),
        IPERF3J("iperf3j", null);

        public final String label;
        /** The C binary, or null for iperf3j (in this JVM). */
        public final Iperf3Binary binary;

        Peer(String label, Iperf3Binary binary) {
            this.label = label;
            this.binary = binary;
        }

        public boolean isReal() {
            return binary != null;
        }
    }

    /**
     * @param name short label for reports
     * @param clientArgs after {@code -c HOST -p PORT}
     * @param serverArgs after {@code -s -1 -p PORT}
     * @param host the address the client connects to
     */
    public record Scenario(String name, List<String> clientArgs, List<String> serverArgs, String host) {
        public Scenario {
            clientArgs = List.copyOf(clientArgs);
            serverArgs = List.copyOf(serverArgs);
        }

        public static Scenario of(String name, String clientArgs, String serverArgs) {
            return new Scenario(name, split(clientArgs), split(serverArgs), "127.0.0.1");
        }

        public Scenario withHost(String h) {
            return new Scenario(name, clientArgs, serverArgs, h);
        }

        public Scenario withClientArgs(String... extra) {
            List<String> l = new ArrayList<>(clientArgs);
            l.addAll(List.of(extra));
            return new Scenario(name, l, serverArgs, host);
        }

        public boolean clientJson() {
            return clientArgs.contains("-J") || clientArgs.contains("--json");
        }

        public boolean serverJson() {
            return serverArgs.contains("-J") || serverArgs.contains("--json");
        }

        public boolean has(String flag) {
            return clientArgs.contains(flag);
        }

        /** The value after a client flag, or null. */
        public String value(String flag) {
            int i = clientArgs.indexOf(flag);
            return i >= 0 && i + 1 < clientArgs.size() ? clientArgs.get(i + 1) : null;
        }

        /** A generous bound for the whole run: test time, omit time, startup and teardown. */
        Duration timeout() {
            String t = value("-t");
            String o = value("-O");
            long secs = (t != null ? Long.parseLong(t) : (has("-n") || has("-k") ? 5 : 10))
                    + (o != null ? Long.parseLong(o) : 0);
            return Duration.ofSeconds(secs + 25);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * What one side did.
     *
     * @param exitCode the process's exit status; for iperf3j in-process the status its CLI
     *        would return (0 on success, 1 on failure); -1 if it had to be stopped
     * @param json the printed JSON document with {@code -J}; otherwise, for iperf3j, the
     *        engine's document (the one {@code -J} would print); null for iperf3 in text mode
     * @param engineDocument iperf3j's document as the engine returned it (null for iperf3)
     * @param hung whether the side did not finish in time and was stopped
     */
    public record Side(Peer peer, String role, int exitCode, String stdout, String stderr, JsonObject json,
                       JsonObject engineDocument, boolean hung, String command) {
        public String describe() {
            return peer.label + " " + role + " [" + command + "] exit " + exitCode + (hung ? " (HUNG, stopped)" : "")
                    + "\n--- stdout ---\n" + tail(stdout) + "\n--- stderr ---\n" + stderr;
        }

        private static String tail(String s) {
            return s.length() <= 6000 ? s : "…" + s.substring(s.length() - 6000);
        }
    }

    /** Both sides of one run. */
    public record Result(Scenario scenario, Side client, Side server, int port) {
        public String describe() {
            return "scenario " + scenario.name() + " " + client.peer().label + " client -> " + server.peer().label
                    + " server, port " + port + "\n" + client.describe() + "\n" + server.describe();
        }
    }

    private record Key(Peer client, Peer server, Scenario scenario) {
    }

    private static final Map<Key, CompletableFuture<Result>> CACHE = new ConcurrentHashMap<>();

    private PeerRun() {
    }

    /** {@link #run}, done once per JVM for equal arguments; later callers get the same result. */
    public static Result cached(Peer client, Peer server, Scenario scenario) {
        Key key = new Key(client, server, scenario);
        CompletableFuture<Result> mine = new CompletableFuture<>();
        CompletableFuture<Result> existing = CACHE.putIfAbsent(key, mine);
        if (existing != null) {
            try {
                return existing.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("the shared run failed", e.getCause());
            }
        }
        try {
            Result r = run(client, server, scenario);
            mine.complete(r);
            return r;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        }
    }

    /** Runs the scenario once (see the class description). */
    public static Result run(Peer client, Peer server, Scenario scenario) {
        return run(client, server, scenario, scenario.timeout());
    }

    /** {@link #run} where the client is stopped (and marked hung) after {@code clientTimeout}. */
    public static Result run(Peer client, Peer server, Scenario scenario, Duration clientTimeout) {
        for (Peer p : List.of(client, server)) {
            if (p.isReal()) {
                p.binary.requireThis();
            }
        }
        return server.isReal() ? againstRealServer(client, server, scenario, clientTimeout)
                : againstOurServer(client, scenario, clientTimeout);
    }

    // ------------------------------------------------------------ server = iperf3

    private static Result againstRealServer(Peer client, Peer server, Scenario sc, Duration timeout) {
        for (int attempt = 1; ; attempt++) {
            int port = FreePorts.next();
            List<String> sargs = new ArrayList<>(List.of("-s", "-1", "-p", Integer.toString(port)));
            sargs.addAll(sc.serverArgs());
            try (Iperf3Process srv = Iperf3Process.iperf3(server.binary, sargs)) {
                if (!srv.awaitListening(port, Duration.ofSeconds(10))) {
                    srv.waitFor(Duration.ofSeconds(2));
                    boolean lostPort = srv.stderr().contains("Address already in use")
                            || srv.stdout().contains("Address already in use");
                    if (lostPort && attempt < 5) {
                        continue;
                    }
                    throw new IllegalStateException("iperf3 server did not start listening: " + srv + "\n"
                            + srv.stdout() + srv.stderr());
                }
                Side c = client.isReal() ? realClient(client, sc, port, timeout) : ourClient(sc, port, timeout);
                int status = srv.waitFor(Duration.ofSeconds(15));
                Side s = new Side(server, "server", status, srv.stdout(), srv.stderr(),
                        sc.serverJson() ? parseOrNull(srv.stdout()) : null, null, status == -1,
                        String.join(" ", srv.command()));
                return new Result(sc, c, s, port);
            }
        }
    }

    // ------------------------------------------------------------ server = iperf3j

    private static Result againstOurServer(Peer client, Scenario sc, Duration timeout) {
        for (int attempt = 1; ; attempt++) {
            int port = FreePorts.next();
            List<String> sargs = new ArrayList<>(List.of("-s", "-1", "-p", Integer.toString(port)));
            sargs.addAll(sc.serverArgs());
            IperfOptions options = parse(sargs);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            PrintStream outPs = new PrintStream(out, true, StandardCharsets.UTF_8);
            PrintStream errPs = new PrintStream(err, true, StandardCharsets.UTF_8);
            AtomicReference<JsonObject> document = new AtomicReference<>();
            TestObserver keepDocument = new TestObserver() {
                @Override
                public void testFinished(TestRecord record, JsonObject doc) {
                    document.set(doc);
                }
            };
            IperfServer server = new IperfServer(options, OutputSink.of(outPs, errPs, false), EngineInfo.standard(),
                    () -> keepDocument);
            try {
                server.bind();
            } catch (IperfException e) {
                if (e.code() == ErrorCode.LISTEN && attempt < 5) {
                    continue; // another process took the port after FreePorts looked
                }
                throw new IllegalStateException("iperf3j server could not bind port " + port, e);
            }
            CompletableFuture<Integer> serving = new CompletableFuture<>();
            Thread t = Thread.ofPlatform().name("test-iperf3j-server-" + port).daemon().start(() -> {
                try {
                    server.serve();
                    serving.complete(0);
                } catch (IperfException e) {
                    errPs.println("iperf3j: error - " + e.getMessage());
                    serving.complete(1);
                } catch (Throwable e) {
                    serving.completeExceptionally(e);
                }
            });
            try {
                Side c = client.isReal() ? realClient(client, sc, port, timeout) : ourClient(sc, port, timeout);
                int status;
                boolean hung = false;
                try {
                    status = serving.get(15, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    status = -1;
                    hung = true;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    status = -1;
                } catch (ExecutionException e) {
                    status = -1;
                    errPs.println("serve() threw " + e.getCause());
                }
                outPs.flush();
                errPs.flush();
                String stdout = out.toString(StandardCharsets.UTF_8);
                JsonObject json = sc.serverJson() ? parseOrNull(stdout) : document.get();
                Side s = new Side(Peer.IPERF3J, "server", status, stdout, err.toString(StandardCharsets.UTF_8), json,
                        document.get(), hung, "iperf3j " + String.join(" ", sargs));
                return new Result(sc, c, s, port);
            } finally {
                server.close();
                try {
                    t.join(5000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    // ------------------------------------------------------------ clients

    private static List<String> clientArgs(Scenario sc, int port) {
        List<String> args = new ArrayList<>(List.of("-c", sc.host(), "-p", Integer.toString(port)));
        args.addAll(sc.clientArgs());
        return args;
    }

    private static Side realClient(Peer client, Scenario sc, int port, Duration timeout) {
        List<String> args = clientArgs(sc, port);
        try (Iperf3Process p = Iperf3Process.iperf3(client.binary, args)) {
            int status = p.waitFor(timeout);
            String stdout = p.stdout();
            return new Side(client, "client", status, stdout, p.stderr(),
                    sc.clientJson() ? parseOrNull(stdout) : null, null, status == -1, String.join(" ", p.command()));
        }
    }

    private static Side ourClient(Scenario sc, int port, Duration timeout) {
        List<String> args = clientArgs(sc, port);
        IperfOptions options = parse(args);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream outPs = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream errPs = new PrintStream(err, true, StandardCharsets.UTF_8);
        ClientTest test = new ClientTest(options, OutputSink.of(outPs, errPs, false), EngineInfo.standard(), null);
        CompletableFuture<ClientTest.Outcome> outcome = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().name("test-iperf3j-client-" + port).daemon().start(() -> {
            try {
                outcome.complete(test.run());
            } catch (Throwable e) {
                outcome.completeExceptionally(e);
            }
        });
        boolean hung = false;
        ClientTest.Outcome o = null;
        try {
            o = outcome.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            hung = true;
            test.cancel(); // as SIGINT would: the client reports and ends
            try {
                o = outcome.get(10, TimeUnit.SECONDS);
            } catch (Exception again) {
                o = null;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            test.cancel();
        } catch (ExecutionException e) {
            errPs.println("ClientTest.run threw " + e.getCause());
        }
        try {
            t.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        outPs.flush();
        errPs.flush();
        String stdout = out.toString(StandardCharsets.UTF_8);
        int status = hung || o == null ? -1 : o.succeeded() ? 0 : 1;
        JsonObject engineDoc = o == null ? null : o.document();
        JsonObject json = sc.clientJson() ? parseOrNull(stdout) : engineDoc;
        return new Side(Peer.IPERF3J, "client", status, stdout, err.toString(StandardCharsets.UTF_8), json, engineDoc,
                hung, "iperf3j " + String.join(" ", args));
    }

    /** Parses iperf3-style arguments with iperf3j's parser; they must be valid. */
    public static IperfOptions parse(List<String> args) {
        ParseResult r = OptionParser.parse(args.toArray(String[]::new));
        if (r instanceof ParseResult.Run run) {
            return run.options();
        }
        throw new IllegalArgumentException("iperf3j rejects " + args + ": " + r);
    }

    private static JsonObject parseOrNull(String stdout) {
        if (stdout.isBlank()) {
            return null;
        }
        try {
            return JsonPaths.parse(stdout);
        } catch (AssertionError e) {
            return null;
        }
    }

    static List<String> split(String args) {
        List<String> out = new ArrayList<>();
        if (args == null || args.isBlank()) {
            return out;
        }
        // single quotes group words: --extra-data 'some extra data'
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (char ch : args.toCharArray()) {
            if (ch == '\'') {
                quoted = !quoted;
                any = true;
            } else if (ch == ' ' && !quoted) {
                if (any) {
                    out.add(cur.toString());
                    cur.setLength(0);
                    any = false;
                }
            } else {
                cur.append(ch);
                any = true;
            }
        }
        if (any) {
            out.add(cur.toString());
        }
        return out;
    }
}
