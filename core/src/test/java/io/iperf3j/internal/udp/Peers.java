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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Test peers: the real iperf3 3.12 as a subprocess, and iperf3j's client and server in process. */
final class Peers {
    static final String IPERF3 = "/usr/bin/iperf3";

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
        public void close() throws InterruptedException {
            server.close();
            thread.join(5000);
        }
    }

    /** A process we started; killed by its own handle when closed. */
    static final class Proc implements AutoCloseable {
        final Process process;
        final Path out;
        final Path err;

        Proc(List<String> command) throws IOException {
            out = Files.createTempFile("iperf3j-udp", ".out");
            err = Files.createTempFile("iperf3j-udp", ".err");
            process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        }

        /** Waits for the exit; the process's stdout. */
        String await(long seconds) throws Exception {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("process did not end in " + seconds + " s: " + process.info().commandLine()
                        + "\nstdout: " + Files.readString(out) + "\nstderr: " + Files.readString(err));
            }
            return Files.readString(out);
        }

        String stderr() throws IOException {
            return Files.readString(err);
        }

        JsonObject json(long seconds) throws Exception {
            String text = await(seconds);
            try {
                return PeerJson.parseObject(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + text + "\nstderr: " + stderr(), e);
            }
        }

        @Override
        public void close() throws IOException {
            if (process.isAlive()) {
                process.destroy();
                try {
                    if (!process.waitFor(3, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    process.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
            }
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Starts {@code iperf3 -s -1 -J -p port} and waits until it listens. */
    static Proc iperf3Server(int port, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(IPERF3, "-s", "-1", "-J", "-p", Integer.toString(port)));
        cmd.addAll(List.of(extra));
        Proc p = new Proc(cmd);
        awaitTcpListen(port, p.process);
        return p;
    }

    static Proc iperf3Client(int port, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(IPERF3, "-c", "127.0.0.1", "-p", Integer.toString(port), "-J"));
        cmd.addAll(args);
        return new Proc(cmd);
    }

    /** Polls /proc/net/tcp{,6} for a listening socket on the port (connecting would use up {@code -1}). */
    static void awaitTcpListen(int port, Process p) throws Exception {
        String hex = String.format(":%04X ", port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            for (String f : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
                for (String line : Files.readAllLines(Path.of(f))) {
                    String[] cols = line.trim().split("\\s+");
                    if (cols.length > 3 && cols[1].endsWith(hex.trim()) && cols[3].equals("0A")) {
                        return;
                    }
                }
            }
            if (!p.isAlive()) {
                throw new AssertionError("iperf3 server exited early");
            }
            Thread.sleep(20);
        }
        throw new AssertionError("nothing listens on port " + port);
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
