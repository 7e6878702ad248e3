package io.iperf3j.server;

import io.iperf3j.internal.engine.ClientTest;
import io.iperf3j.internal.engine.EngineInfo;
import io.iperf3j.internal.engine.server.IperfServer;
import io.iperf3j.internal.engine.server.ServerLimits;
import io.iperf3j.internal.json.JsonObject;
import io.iperf3j.internal.options.IperfOptions;
import io.iperf3j.internal.options.OptionParser;
import io.iperf3j.internal.options.ParseResult;
import io.iperf3j.internal.output.OutputSink;
import io.iperf3j.internal.stats.TestObserver;
import io.iperf3j.internal.stats.TestRecord;
import io.iperf3j.testing.Iperf3Binary;
import io.iperf3j.testing.Iperf3Process;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * iperf3j's server in this JVM on an ephemeral port, with {@code --server-log} on
 * and its error stream (where the log goes) captured; documents of finished tests
 * arrive in {@link #documents}.
 */
final class TestServer implements AutoCloseable {
    final IperfServer server;
    final BlockingQueue<JsonObject> documents = new LinkedBlockingQueue<>();
    final CompletableFuture<Void> served = new CompletableFuture<>();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** A server with {@code -s --server-log} and these extra arguments, and the given limits. */
    TestServer(ServerLimits limits, String... extra) throws Exception {
        this(true, limits, extra);
    }

    /** A server whose output is thrown away (long runs, where keeping it would look like a leak). */
    static TestServer discardingOutput(ServerLimits limits, String... extra) throws Exception {
        return new TestServer(false, limits, extra);
    }

    private TestServer(boolean keepOutput, ServerLimits limits, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("-s", "-p", "1", "--server-log"));
        args.addAll(List.of(extra));
        IperfOptions options = options(args).toBuilder().port(0).bindAddress("127.0.0.1").build();
        OutputSink sink = keepOutput
                ? OutputSink.of(new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8), false)
                : OutputSink.discarding();
        server = new IperfServer(options, sink, EngineInfo.standard(), () -> new TestObserver() {
            @Override
            public void testFinished(TestRecord record, JsonObject document) {
                documents.add(document);
            }
        });
        server.limits(limits);
        server.bind();
        Thread.ofPlatform().daemon().name("test-server-" + server.port()).start(() -> {
            try {
                server.serve();
                served.complete(null);
            } catch (Throwable e) {
                served.completeExceptionally(e);
            }
        });
    }

    /** Short bounds, so silent clients cost tests milliseconds. */
    static ServerLimits quick() {
        return ServerLimits.DEFAULTS.withCookieTimeout(Duration.ofMillis(300)).withSetupTimeout(Duration.ofMillis(600));
    }

    static IperfOptions options(List<String> args) {
        ParseResult r = OptionParser.parse(args.toArray(String[]::new));
        assertThat(r).as("options %s", args).isInstanceOf(ParseResult.Run.class);
        return ((ParseResult.Run) r).options();
    }

    int port() {
        return server.port();
    }

    /** What the server wrote to its error stream: iperf3's error lines and the operator log. */
    synchronized String log() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** The operator log's lines only. */
    List<String> logLines() {
        return log().lines().filter(l -> l.startsWith("iperf3j-server: ")).toList();
    }

    String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    /** A real iperf3 (3.12) client of this server; signalled and killed by its own PID only. */
    Iperf3Process iperf3Client(String... args) {
        Iperf3Binary.require();
        List<String> cmd = new ArrayList<>(List.of("-c", "127.0.0.1", "-p", Integer.toString(port())));
        cmd.addAll(List.of(args));
        return Iperf3Process.iperf3(cmd);
    }

    /** A real iperf3 client of the given version; signalled and killed by its own PID only. */
    Iperf3Process iperf3Client(Iperf3Binary binary, String... args) {
        binary.requireThis();
        List<String> cmd = new ArrayList<>(List.of("-c", "127.0.0.1", "-p", Integer.toString(port())));
        cmd.addAll(List.of(args));
        return Iperf3Process.iperf3(binary, cmd);
    }

    /** Runs iperf3j's client in process against this server with {@code -J}. */
    ClientTest.Outcome ourClient(String... args) {
        List<String> all = new ArrayList<>(List.of("-c", "127.0.0.1", "-p", Integer.toString(port()), "-J"));
        all.addAll(List.of(args));
        return new ClientTest(options(all), OutputSink.discarding(), EngineInfo.standard(), null).run();
    }

    /** A normal short test succeeds: the server still serves. */
    void assertStillServes() {
        ClientTest.Outcome o = ourClient("-n", "1M");
        assertThat(o.error()).as("a normal test after the hostile one; server log:\n%s", log()).isNull();
    }

    /**
     * Waits until every test has ended: no place is taken and every test's thread is done, so its
     * end line is in the log. (An auth-denied test gives its place back before its client is
     * told, so {@code activeTests() == 0} alone came before the last end line: a flaky
     * AuthHostileTest, run 14.)
     */
    void awaitIdle(Duration within) throws InterruptedException {
        await(() -> server.activeTests() == 0 && server.unfinishedTests() == 0, within, "no test running or finishing");
    }

    /** Waits until the operator log has a line containing all the fragments; returns it. */
    String awaitLogLine(Duration within, String... fragments) throws InterruptedException {
        String[] found = new String[1];
        await(() -> {
            for (String l : logLines()) {
                boolean all = true;
                for (String f : fragments) {
                    all &= l.contains(f);
                }
                if (all) {
                    found[0] = l;
                    return true;
                }
            }
            return false;
        }, within, "a log line with " + List.of(fragments));
        return found[0];
    }

    void await(BooleanSupplier condition, Duration within, String what) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + within + " waiting for " + what + "; server log:\n" + log());
            }
            Thread.sleep(10);
        }
    }

    JsonObject nextDocument(Duration within) throws InterruptedException {
        JsonObject d = documents.poll(within.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(d).as("server document; log:\n%s", log()).isNotNull();
        return d;
    }

    @Override
    public void close() {
        server.close();
    }
}
