package io.iperf3j.udp;

import io.iperf3j.engine.ClientTest;
import io.iperf3j.engine.EngineInfo;
import io.iperf3j.engine.IperfServer;
import io.iperf3j.json.CJsonWriter;
import io.iperf3j.json.JsonObject;
import io.iperf3j.options.IperfOptions;
import io.iperf3j.report.OutputSink;
import io.iperf3j.stats.TestObserver;
import io.iperf3j.stats.TestRecord;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * iperf3j as a process of its own, for tests that run peers inside network
 * namespaces (a JVM cannot change its own namespace). It runs with the test
 * classpath, so it needs no packaged jar: a client prints its JSON document; a
 * one-off server ({@code -s -1}) prints "ready" on stderr once it listens and its
 * test's JSON document on stdout when the test is over.
 */
public final class NetnsPeer {
    private NetnsPeer() {
    }

    public static void main(String[] args) throws Exception {
        IperfOptions o = Peers.options(List.of(args));
        CJsonWriter writer = CJsonWriter.iperf312();
        if (o.isClient()) {
            ClientTest.Outcome outcome = new ClientTest(o, OutputSink.discarding(), EngineInfo.standard(), null).run();
            System.out.println(writer.pretty(outcome.document()));
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
        System.err.println("ready");
        System.err.flush();
        server.serve();
        JsonObject d = doc.get();
        System.out.println(d == null ? "{}" : writer.pretty(d));
        System.exit(0);
    }
}
