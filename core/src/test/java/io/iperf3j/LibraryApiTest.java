package io.iperf3j;

import io.iperf3j.testing.FreePorts;
import io.iperf3j.testing.Iperf3Binary;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The public library API (issue 4) against real peers: our own server in the same
 * JVM and the real {@code iperf3 -s}.
 */
@Timeout(120)
class LibraryApiTest {
    private final List<RunningIperf> servers = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stopEverything() throws Exception {
        for (RunningIperf s : servers) {
            if (!s.isDone()) {
                s.cancel();
            }
        }
        for (Process p : processes) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    private int ourServer(String... extra) {
        RunningIperf s = IperfCommand.server().port(0).longLived().args(extra).spawn();
        servers.add(s);
        return s.localPort().orElseThrow(() -> new AssertionError("server did not listen: " + s.isDone()));
    }

    /** Starts {@code iperf3 -s -1} on a free port and waits until it accepts connections. */
    private int realIperf3Server() throws Exception {
        Iperf3Binary.require();
        Path iperf3 = Iperf3Binary.PATH;
        int port = FreePorts.next();
        Process p = new ProcessBuilder(iperf3.toString(), "-s", "-1", "-p", Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        processes.add(p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            // Probing with a plain connect would use up the one-off server; check the listen table instead.
            if (listening(port)) {
                return port;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("iperf3 -s did not start listening on " + port);
    }

    private static boolean listening(int port) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/net/tcp6"))) {
            if (line.contains(String.format(":%04X 00000000000000000000000000000000:0000 0A", port))) {
                return true;
            }
        }
        for (String line : Files.readAllLines(Path.of("/proc/net/tcp"))) {
            if (line.contains(String.format(":%04X 00000000:0000 0A", port))) {
                return true;
            }
        }
        return false;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> obj(Map<String, Object> m, String key) {
        return (Map<String, Object>) m.get(key);
    }

    private static long sumBytes(Map<String, Object> json, String sum) {
        return ((Number) obj(obj(json, "end"), sum).get("bytes")).longValue();
    }

    // ------------------------------------------------------------------ IperfClient

    private static Map<String, Object> runClient(IperfClient client, AtomicInteger calls) throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        AtomicReference<Map<String, Object>> result = new AtomicReference<>();
        client.run(map -> {
            calls.incrementAndGet();
            result.set(map);
            done.countDown();
        });
        assertThat(done.await(60, TimeUnit.SECONDS)).as("callback within 60 s").isTrue();
        return result.get();
    }

    @Test
    void iperfClientAgainstOurServerGetsStartAndEndOnce() throws Exception {
        int port = ourServer();
        AtomicInteger calls = new AtomicInteger();
        Map<String, Object> map = runClient(new IperfClient("127.0.0.1", port, Duration.ofSeconds(2)), calls);
        assertThat(map).containsKeys("start", "intervals", "end").doesNotContainKey("error");
        assertThat(sumBytes(map, "sum_sent")).isPositive();
        Thread.sleep(300);
        assertThat(calls).hasValue(1);
    }

    @Tag("peer")
    @Test
    void iperfClientAgainstRealIperf3() throws Exception {
        int port = realIperf3Server();
        AtomicInteger calls = new AtomicInteger();
        Map<String, Object> map = runClient(new IperfClient("127.0.0.1", port, Duration.ofSeconds(2)), calls);
        assertThat(map).containsKeys("start", "end").doesNotContainKey("error");
        assertThat(sumBytes(map, "sum_received")).isPositive();
        assertThat((List<?>) map.get("intervals")).hasSizeGreaterThanOrEqualTo(2);
        Thread.sleep(300);
        assertThat(calls).hasValue(1);
    }

    @Test
    void iperfClientAgainstClosedPortGetsIperfErrorOnce() throws Exception {
        int port = FreePorts.next(); // nothing listens there
        AtomicInteger calls = new AtomicInteger();
        Map<String, Object> map = runClient(new IperfClient("127.0.0.1", port), calls);
        assertThat(map.get("error")).isEqualTo("unable to connect to server: Connection refused");
        assertThat(map).containsKeys("start", "intervals", "end");
        Thread.sleep(300);
        assertThat(calls).hasValue(1);
    }

    @Test
    void secondRunWhileRunningIsRefusedAndTheFirstStillCompletesOnce() throws Exception {
        int port = ourServer();
        IperfClient client = new IperfClient("127.0.0.1", port, Duration.ofSeconds(2));
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(1);
        AtomicReference<Map<String, Object>> first = new AtomicReference<>();
        client.run(map -> {
            calls.incrementAndGet();
            first.set(map);
            done.countDown();
        });
        assertThat(client.isRunning()).isTrue();
        assertThatThrownBy(() -> client.run(m -> calls.addAndGet(100)))
                .isInstanceOf(IllegalStateException.class).hasMessage("a test is already running");
        assertThatThrownBy(client::runAsync).isInstanceOf(IllegalStateException.class);
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(first.get()).doesNotContainKey("error");
        Thread.sleep(300);
        assertThat(calls).hasValue(1);
        // Once finished, the client can run again.
        assertThat(client.isRunning()).isFalse();
        assertThat(client.runAsync().get(30, TimeUnit.SECONDS)).containsKey("end");
    }

    // ------------------------------------------------------------------ IperfCommand and metrics

    @Test
    void intervalEventsAddUpToTheResultBytes() throws Exception {
        int port = ourServer();
        RunningIperf run = IperfCommand.client("127.0.0.1").port(port).duration(Duration.ofSeconds(2))
                .reportInterval(Duration.ofSeconds(1)).spawn(MetricsMode.interval());
        List<IntervalMetrics> samples = new ArrayList<>();
        for (MetricEvent e : run.metrics()) {
            samples.add(((MetricEvent.Interval) e).sample());
        }
        IperfResult result = run.await();
        assertThat(result.succeeded()).as(result.toString()).isTrue();
        assertThat(samples).hasSizeGreaterThanOrEqualTo(2);
        assertThat(samples).allSatisfy(s -> {
            assertThat(s.role()).isEqualTo(Role.CLIENT);
            assertThat(s.direction()).isEqualTo(Direction.SENDER);
            assertThat(s.transport()).isEqualTo(Transport.TCP);
            assertThat(s.streamCount()).isEqualTo(1);
            assertThat(s.streamId()).isEmpty();
            // TCP sender figures come from TCP_INFO; UDP figures are absent, not zero.
            assertThat(s.tcpRetransmits()).isPresent();
            assertThat(s.tcpRttSeconds()).isPresent();
            assertThat(s.udpPackets()).isEmpty();
            assertThat(s.udpJitterSeconds()).isEmpty();
        });
        long total = samples.stream().mapToLong(IntervalMetrics::transferredBytes).sum();
        assertThat(total).isEqualTo(sumBytes(result.json(), "sum_sent"));
        assertThat(result.summary().orElseThrow().sent().bytes()).isEqualTo(total);
        assertThat(run.metrics().droppedEvents()).isZero();
    }

    @Test
    void whyIsAValueOfTheResultInEveryDirection() throws Exception {
        int port = ourServer();
        IperfResult plain = IperfCommand.client("127.0.0.1").port(port).duration(Duration.ofSeconds(1)).run();
        assertThat(plain.why()).isEmpty();
        assertThat(plain.jsonText()).doesNotContain("iperf3j_why");

        // -R: the sender is the server, whose chronos and thread come with its results
        IperfResult reverse = IperfCommand.client("127.0.0.1").port(port).duration(Duration.ofMillis(1500)).reverse()
                .why().run();
        Why why = reverse.why().orElseThrow();
        assertThat(why.directions()).hasSize(1);
        Why.DirectionWhy d = why.directions().getFirst();
        assertThat(d.senderIsClient()).isFalse();
        WhyFigures f = d.verdict().figures();
        assertThat(f.transport()).isEqualTo(Transport.TCP);
        assertThat(f.busyShare()).as("the server's chronos").isPresent();
        assertThat(f.senderRunShare()).as("the server's thread").isPresent();
        assertThat(f.receiverRunShare()).as("the client's thread").isPresent();
        assertThat(f.unseen()).isEmpty();
        assertThat(f.bitsPerSecond()).isPositive();
        assertThat(d.verdict().cause()).isIn((Object[]) Cause.values());
        assertThat(d.verdict().headline()).matches("limited by .+|not determined: .+");

        IperfResult bidir = IperfCommand.client("127.0.0.1").port(port).duration(Duration.ofMillis(1500))
                .bidirectional().parallel(2).why().run();
        List<Why.DirectionWhy> dirs = bidir.why().orElseThrow().directions();
        assertThat(dirs).extracting(Why.DirectionWhy::senderIsClient).containsExactly(true, false);
        assertThat(dirs).allSatisfy(x -> assertThat(x.streams()).hasSize(2));
        assertThat(bidir.json().get("end")).asString().contains("iperf3j_why");
    }

    @Test
    void receiverSamplesHaveNoTcpSenderFigures() throws Exception {
        int port = ourServer();
        RunningIperf run = IperfCommand.client("127.0.0.1").port(port).duration(Duration.ofSeconds(1))
                .reverse().spawn(MetricsMode.interval());
        List<IntervalMetrics> samples = new ArrayList<>();
        run.metrics().forEach(e -> samples.add(((MetricEvent.Interval) e).sample()));
        assertThat(run.await().succeeded()).isTrue();
        assertThat(samples).isNotEmpty().allSatisfy(s -> {
            assertThat(s.direction()).isEqualTo(Direction.RECEIVER);
            assertThat(s.tcpRetransmits()).isEmpty();
            assertThat(s.tcpRttSeconds()).isEmpty();
        });
    }

    @Test
    void bidirEmitsBothDirectionsAndPerStreamSamplesOnRequest() throws Exception {
        int port = ourServer();
        RunningIperf run = IperfCommand.client("127.0.0.1").port(port).duration(Duration.ofSeconds(2)).parallel(2)
                .bidirectional().spawn(MetricsMode.interval().perStream());
        List<IntervalMetrics> samples = new ArrayList<>();
        run.metrics().forEach(e -> samples.add(((MetricEvent.Interval) e).sample()));
        IperfResult result = run.await();
        assertThat(result.succeeded()).isTrue();
        assertThat(samples).anyMatch(s -> s.direction() == Direction.SENDER && s.streamId().isEmpty() && s.streamCount() == 2);
        assertThat(samples).anyMatch(s -> s.direction() == Direction.RECEIVER && s.streamId().isEmpty() && s.streamCount() == 2);
        assertThat(samples).anyMatch(s -> s.streamId().isPresent() && s.streamCount() == 1);
        long sent = samples.stream().filter(s -> s.direction() == Direction.SENDER && s.streamId().isEmpty())
                .mapToLong(IntervalMetrics::transferredBytes).sum();
        long perStream = samples.stream().filter(s -> s.direction() == Direction.SENDER && s.streamId().isPresent())
                .mapToLong(IntervalMetrics::transferredBytes).sum();
        assertThat(perStream).isEqualTo(sent).isEqualTo(sumBytes(result.json(), "sum_sent"));
        assertThat(result.summary().orElseThrow().reverse()).isPresent();
    }

    @Test
    void windowsAggregateTheWholeRun() throws Exception {
        int port = ourServer();
        RunningIperf run = IperfCommand.client("127.0.0.1").port(port).duration(Duration.ofSeconds(3))
                .reportInterval(Duration.ofMillis(500)).spawn(MetricsMode.window(Duration.ofMillis(1200)));
        List<WindowMetrics> windows = new ArrayList<>();
        run.metrics().forEach(e -> windows.add(((MetricEvent.Window) e).window()));
        IperfResult result = run.await();
        assertThat(result.succeeded()).isTrue();
        // 6 half-second samples in windows of 1.2 s: at least 2 windows, and nothing lost.
        assertThat(windows).hasSizeGreaterThanOrEqualTo(2);
        assertThat(windows.stream().mapToInt(WindowMetrics::samples).sum()).isGreaterThanOrEqualTo(6);
        assertThat(windows.stream().mapToLong(WindowMetrics::transferredBytes).sum())
                .isEqualTo(sumBytes(result.json(), "sum_sent"));
    }

    /**
     * The README's windowed example: a 3-s test at {@code -i 0.5} in windows of 1 s gives three windows of two samples,
     * 0-1, 1-2 and 2-3 s of the test (issue 57: it gave two of three, the first window open from its first sample's
     * arrival, 0.5 s into the test, for 1 s of wall time: 0-1.5 s of the test).
     */
    @Test
    void aWindowHoldsTheSamplesOfItsSpanOfTheTest() throws Exception {
        int port = ourServer();
        RunningIperf run = IperfCommand.client("127.0.0.1").port(port).duration(Duration.ofSeconds(3))
                .args("-i", "0.5").spawn(MetricsMode.window(Duration.ofSeconds(1)));
        List<WindowMetrics> windows = new ArrayList<>();
        run.metrics().forEach(e -> windows.add(((MetricEvent.Window) e).window()));
        assertThat(run.await().succeeded()).isTrue();
        assertThat(windows).as("%s", windows).hasSize(3);
        // the windows follow the test's own intervals: the first from the test's start, each from where the one
        // before ended (an interval ends when its timer fired, late on a loaded machine: no wall-clock bound here)
        assertThat(windows.getFirst().startSeconds()).isEqualTo(0.0);
        for (int k = 0; k < 3; k++) {
            WindowMetrics w = windows.get(k);
            assertThat(w.samples()).as("window %d: %s", k, w).isEqualTo(2);
            if (k > 0) {
                assertThat(w.startSeconds()).as("window %d: %s", k, windows).isEqualTo(windows.get(k - 1).endSeconds());
            }
            assertThat(w.endSeconds()).as("window %d", k).isGreaterThan(w.startSeconds());
        }
    }

    @Test
    void cancelStopsALongTestQuicklyAndFreesTheServer() throws Exception {
        int port = ourServer("--max-concurrent", "1");
        RunningIperf run = IperfCommand.client("127.0.0.1").port(port).duration(Duration.ofSeconds(60)).spawn();
        Thread.sleep(1500);
        long start = System.nanoTime();
        IperfResult result = run.cancel();
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(tookMillis).as("cancel() time").isLessThan(2000);
        assertThat(result.cancelled()).isTrue();
        assertThat(result.error()).hasValue("interrupt - the client has terminated");
        assertThat(result.summary()).isPresent(); // the summary of what ran, as iperf3 prints on SIGINT
        assertThat(run.isDone()).isTrue();
        // Only one test at a time on that server: the next one runs only if the first was freed.
        // cancel() returns once CLIENT_TERMINATE is sent; the server frees the slot when its test
        // thread has read it, a moment later, so a client that comes at once may still hear
        // "busy" (as from iperf3): it tries again, for at most 5 s.
        IperfResult next;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        do {
            next = IperfCommand.client("127.0.0.1").port(port).duration(Duration.ofSeconds(1)).run();
        } while (!next.succeeded() && next.error().orElse("").contains("busy") && System.nanoTime() < deadline
                && sleep(50));
        assertThat(next.succeeded()).as(next.toString()).isTrue();
    }

    @Test
    void eightConcurrentTestsAgainstOneServerAllReportCorrectBytes() throws Exception {
        Map<String, IperfResult> serverResults = new ConcurrentHashMap<>();
        RunningIperf server = IperfCommand.server().port(0).longLived().args("--max-concurrent", "8")
                .onServerResult(r -> serverResults.put(cookie(r), r)).spawn();
        servers.add(server);
        int port = server.localPort().orElseThrow();
        List<RunningIperf> clients = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            clients.add(IperfCommand.client("127.0.0.1").port(port).duration(Duration.ofSeconds(2)).spawn());
        }
        for (RunningIperf c : clients) {
            IperfResult r = c.await();
            assertThat(r.succeeded()).as(r.toString()).isTrue();
            long received = sumBytes(r.json(), "sum_received");
            assertThat(received).isPositive().isLessThanOrEqualTo(sumBytes(r.json(), "sum_sent"));
            // The server's own report of this very test (matched by cookie) has the same byte count.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!serverResults.containsKey(cookie(r)) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            IperfResult s = serverResults.get(cookie(r));
            assertThat(s).as("server result for " + cookie(r)).isNotNull();
            assertThat(sumBytes(s.json(), "sum_received")).isEqualTo(received);
        }
        assertThat(serverResults).hasSize(8);
    }

    @Test
    void severalOneOffServersInOneJvm() throws Exception {
        List<RunningIperf> oneOffs = new ArrayList<>();
        List<RunningIperf> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            RunningIperf s = IperfCommand.server().port(0).spawn();
            oneOffs.add(s);
            servers.add(s);
            clients.add(IperfCommand.client("127.0.0.1").port(s.localPort().orElseThrow())
                    .duration(Duration.ofSeconds(1)).parallel(2).spawn());
        }
        for (int i = 0; i < 4; i++) {
            IperfResult c = clients.get(i).await();
            IperfResult s = oneOffs.get(i).await(Duration.ofSeconds(10)).orElseThrow();
            assertThat(c.succeeded()).isTrue();
            assertThat(s.role()).isEqualTo(Role.SERVER);
            assertThat(sumBytes(s.json(), "sum_received")).isEqualTo(sumBytes(c.json(), "sum_received"));
        }
    }

    @Test
    void badArgumentsFailWithIperf3sMessage() {
        assertThatThrownBy(() -> IperfCommand.client("127.0.0.1").args("-t", "-5").spawn())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("test duration valid values are 0 to 86400 seconds");
        assertThatThrownBy(() -> IperfCommand.client("127.0.0.1").args("--no-such-flag").validate())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--no-such-flag");
        assertThat(IperfCommand.server().arguments()).containsExactly("-s", "-1");
        assertThat(IperfCommand.server().longLived().arguments()).containsExactly("-s");
        assertThat(IperfCommand.client("h").duration(Duration.ofMillis(1500)).reportInterval(Duration.ofMillis(250))
                .arguments()).containsExactly("-c", "h", "-t", "2", "-i", "0.25");
    }

    @Test
    void serverThatCannotListenReportsTheErrorAtOnce() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            RunningIperf s = IperfCommand.server().port(taken.getLocalPort()).spawn();
            assertThat(s.isDone()).isTrue();
            assertThat(s.localPort()).isEmpty();
            assertThat(s.await().error()).hasValueSatisfying(e -> assertThat(e)
                    .startsWith("unable to start listener for connections: Address already in use"));
        }
    }

    // ------------------------------------------------------------------ server events

    @Test
    void serverEventsFollowATestFromItsAcceptToItsEnd() throws Exception {
        java.util.Queue<ServerEvent> events = new java.util.concurrent.ConcurrentLinkedQueue<>();
        RunningIperf server = IperfCommand.server().port(0).longLived().serverEvents(events::add).spawn();
        servers.add(server);
        IperfResult r = IperfCommand.client("127.0.0.1").port(server.localPort().orElseThrow())
                .duration(Duration.ofSeconds(2)).reportInterval(Duration.ofMillis(500)).run();
        assertThat(r.succeeded()).as(r.toString()).isTrue();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (events.stream().noneMatch(e -> e instanceof ServerEvent.Ended) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        List<ServerEvent> seen = List.copyOf(events);
        assertThat(seen).as(seen.toString()).first().isInstanceOf(ServerEvent.Accepted.class);
        assertThat(seen).last().isInstanceOf(ServerEvent.Ended.class);
        ServerEvent.Started started = (ServerEvent.Started) seen.get(1);
        assertThat(started.protocol()).isEqualTo("TCP");
        assertThat(started.direction()).isEqualTo("normal");
        assertThat(started.streams()).isEqualTo(1);
        assertThat(started.limit()).isEqualTo("2s");
        ServerEvent.Ended ended = (ServerEvent.Ended) seen.getLast();
        assertThat(ended.result()).isEqualTo(ServerEvent.Result.OK);
        assertThat(ended.test()).isEqualTo(started.test());
        // What the server says it received is what the client's result says it did, and the intervals add up to it.
        long received = sumBytes(r.json(), "sum_received");
        assertThat(ended.receivedBytes()).isPositive().isEqualTo(received);
        List<ServerEvent.Interval> intervals = seen.stream().filter(ServerEvent.Interval.class::isInstance)
                .map(ServerEvent.Interval.class::cast).toList();
        assertThat(intervals).hasSizeGreaterThanOrEqualTo(2).allSatisfy(i -> assertThat(i.test()).isEqualTo(started.test()));
        assertThat(intervals.stream().mapToLong(ServerEvent.Interval::receivedBytes).sum()).isEqualTo(received);
        assertThat(seen.subList(2, seen.size() - 1)).allMatch(ServerEvent.Interval.class::isInstance);
    }

    @Tag("peer")
    @Test
    void serverEventsHearARefusalOfTheRealIperf3() throws Exception {
        Iperf3Binary.require();
        java.util.Queue<ServerEvent> events = new java.util.concurrent.ConcurrentLinkedQueue<>();
        RunningIperf server = IperfCommand.server().port(0).longLived().args("--deny", "127.0.0.1/32")
                .serverEvents(events::add).spawn();
        servers.add(server);
        Process client = new ProcessBuilder(Iperf3Binary.PATH.toString(), "-c", "127.0.0.1", "-p",
                Integer.toString(server.localPort().orElseThrow()), "-t", "1")
                .redirectErrorStream(true).start();
        processes.add(client);
        String text = new String(client.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(client.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(client.exitValue()).as(text).isNotZero();
        assertThat(text).contains("test authorization failed");
        assertThat(events).singleElement().isInstanceOfSatisfying(ServerEvent.Refused.class, e -> {
            assertThat(e.reason()).isEqualTo(ServerEvent.Reason.DENIED);
            assertThat(e.rule()).isEqualTo("127.0.0.1/32");
            assertThat(e.address()).isEqualTo("127.0.0.1");
        });
    }

    @Test
    void serverEventsAreAServersOnly() {
        assertThatThrownBy(() -> IperfCommand.client("127.0.0.1").serverEvents(e -> { }))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> IperfCommand.server().serverEvents(null)).isInstanceOf(NullPointerException.class);
    }

    private static String cookie(IperfResult r) {
        return (String) obj(r.json(), "start").get("cookie");
    }


    private static boolean sleep(long millis) throws InterruptedException {
        Thread.sleep(millis);
        return true;
    }
}
