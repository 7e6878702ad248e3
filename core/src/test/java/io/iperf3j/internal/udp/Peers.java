package io.iperf3j.internal.udp;

import io.iperf3j.internal.engine.ClientTest;
import io.iperf3j.internal.engine.EngineInfo;
import io.iperf3j.internal.engine.server.IperfServer;
import io.iperf3j.internal.json.JsonObject;
import io.iperf3j.internal.json.PeerJson;
import io.iperf3j.internal.options.IperfOptions;
import io.iperf3j.internal.options.OptionParser;
import io.iperf3j.internal.options.ParseResult;
import io.iperf3j.internal.output.OutputSink;
import io.iperf3j.internal.stats.TestObserver;
import io.iperf3j.internal.stats.TestRecord;
import io.iperf3j.testing.Iperf3Binary;
import io.iperf3j.testing.Iperf3Process;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Test peers: the real iperf3 3.12 as a subprocess ({@link Iperf3Process}), and iperf3j's client and server in process. */
final class Peers {
    private Peers() {
    }

    static IperfOptions options(List<String> args) {
        ParseResult r = OptionParser.parse(args.toArray(String[]::new));
        assertThat(r).as("options %s", args).isInstanceOf(ParseResult.Run.class);
        return ((ParseResult.Run) r).options();
    }

    /** Runs iperf3j's client in process with {@code -J}; returns its JSON document. */
    static ClientTest.Outcome ourClient(int port, List<String> args) {
        List<String> all = new ArrayList<>(List.of("-c", "127.0.0.1", "-p", Integer.toString(port), "-J"));
        all.addAll(args);
        return new ClientTest(options(all), OutputSink.discarding(), EngineInfo.standard(), null).run();
    }

    /** iperf3j's server in process; documents of finished tests arrive in {@link #documents}. */
    static final class OurServer implements AutoCloseable {
        final IperfServer server;
        final BlockingQueue<JsonObject> documents = new LinkedBlockingQueue<>();
        private final Thread thread;

        OurServer(int port, String... extra) throws Exception {
            List<String> args = new ArrayList<>(List.of("-s", "-p", Integer.toString(port), "-J"));
            args.addAll(List.of(extra));
            server = new IperfServer(options(args), OutputSink.discarding(), EngineInfo.standard(),
                    () -> new TestObserver() {
                        @Override
                        public void testFinished(TestRecord record, JsonObject document) {
                            documents.add(document);
                        }
                    });
            server.bind();
            thread = Thread.ofPlatform().daemon().name("test-server-" + port).start(() -> {
                try {
                    server.serve();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }

        JsonObject nextDocument() throws InterruptedException {
            JsonObject d = documents.poll(20, TimeUnit.SECONDS);
            assertThat(d).as("server document").isNotNull();
            return d;
        }

        @Override
        public void close() {
            server.close();
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Starts {@code iperf3 -s -1 -J -p port} (3.12) and waits until it listens. */
    static Iperf3Process iperf3Server(int port, String... extra) {
        Iperf3Binary.require();
        List<String> args = new ArrayList<>(List.of("-s", "-1", "-J", "-p", Integer.toString(port)));
        args.addAll(List.of(extra));
        Iperf3Process p = Iperf3Process.iperf3(args);
        if (!p.awaitListening(port, Duration.ofSeconds(10))) {
            p.close();
            throw new AssertionError("iperf3 -s did not listen on port " + port + ": " + p.stderr());
        }
        return p;
    }

    /** Starts {@code iperf3 -c 127.0.0.1 -p port -J args...} (3.12). */
    static Iperf3Process iperf3Client(int port, List<String> args) {
        Iperf3Binary.require();
        List<String> all = new ArrayList<>(List.of("-c", "127.0.0.1", "-p", Integer.toString(port), "-J"));
        all.addAll(args);
        return Iperf3Process.iperf3(all);
    }

    /** Waits up to {@code seconds} for the process to end; its stdout as a JSON document. */
    static JsonObject json(Iperf3Process p, long seconds) {
        if (p.waitFor(Duration.ofSeconds(seconds)) == -1) {
            throw new AssertionError("process did not end in " + seconds + " s: " + p
                    + "\nstdout: " + p.stdout() + "\nstderr: " + p.stderr());
        }
        String text = p.stdout();
        try {
            return PeerJson.parseObject(text.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text + "\nstderr: " + p.stderr(), e);
        }
    }

    // ------------------------------------------------------------ JSON helpers

    static JsonObject end(JsonObject doc) {
        JsonObject end = doc.getObject("end");
        assertThat(end).as("end of %s", doc).isNotNull();
        return end;
    }

    /** The {@code udp} objects of {@code end.streams}, in order. */
    static List<JsonObject> udpStreams(JsonObject doc) {
        List<JsonObject> out = new ArrayList<>();
        for (Object o : end(doc).getArray("streams")) {
            out.add(((JsonObject) o).getObject("udp"));
        }
        return out;
    }

    static long l(JsonObject o, String key) {
        Long v = o.getLong(key);
        assertThat(v).as("%s in %s", key, o).isNotNull();
        return v;
    }

    static double d(JsonObject o, String key) {
        Double v = o.getDouble(key);
        assertThat(v).as("%s in %s", key, o).isNotNull();
        return v;
    }
}
