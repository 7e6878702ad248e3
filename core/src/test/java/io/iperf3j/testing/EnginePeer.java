package io.iperf3j.testing;

import io.iperf3j.internal.engine.ClientTest;
import io.iperf3j.internal.engine.EngineInfo;
import io.iperf3j.internal.engine.server.IperfServer;
import io.iperf3j.internal.json.CJsonWriter;
import io.iperf3j.internal.json.JsonObject;
import io.iperf3j.internal.options.IperfOptions;
import io.iperf3j.internal.output.OutputSink;
import io.iperf3j.internal.stats.TestObserver;
import io.iperf3j.internal.stats.TestRecord;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * iperf3j as a process of its own, for tests that run peers as processes (inside
 * network namespaces, since a JVM cannot change its own, or where a hung peer must be
 * killable by PID). It runs with the test classpath, so it needs no packaged jar: a
 * client prints its JSON document on stdout and exits 0 when the test succeeded; a
 * one-off server ({@code -s -1}) prints its test's JSON document on stdout when the
 * test is over and exits 1 when that test failed. Readiness is its listening socket
 * ({@link Iperf3Process#awaitListening}); a client says {@link #STARTED} on stderr
 * first, so a test can keep a slow JVM start (a busy machine) out of its deadline.
 */
public final class EnginePeer {
    private EnginePeer() {
    }

    /** The command that runs iperf3j with {@code args} in a JVM of its own. */
    public static List<String> command(List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx256m",
                "-Xshare:auto", "-cp", System.getProperty("java.class.path"), EnginePeer.class.getName()));
        cmd.addAll(args);
        return cmd;
    }

    /** Printed on stderr once the JVM runs this class: the test's deadline starts here, not at the JVM's start. */
    public static final String STARTED = "iperf3j-peer: started";

    public static void main(String[] args) throws Exception {
        System.err.println(STARTED);
        System.err.flush();
        IperfOptions o = PeerRun.parse(List.of(args));
        CJsonWriter writer = CJsonWriter.iperf312();
        if (o.isClient()) {
            ClientTest.Outcome outcome = new ClientTest(o, OutputSink.discarding(), EngineInfo.standard(), null).run();
            System.out.println(writer.pretty(outcome.document()));
            System.out.flush();
            System.exit(outcome.succeeded() ? 0 : 1);
        }
        AtomicReference<JsonObject> doc = new AtomicReference<>();
        IperfServer server = new IperfServer(o, OutputSink.discarding(), EngineInfo.standard(),
                () -> new TestObserver() {
                    @Override
                    public void testFinished(TestRecord record, JsonObject document) {
                        doc.set(document);
                    }
                });
        server.bind();
        server.serve();
        JsonObject d = doc.get();
        System.out.println(d == null ? "{}" : writer.pretty(d));
        System.out.flush();
        System.exit(d == null || d.has("error") ? 1 : 0);
    }
}
