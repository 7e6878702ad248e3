package io.iperf3j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iperf3j.testing.Iperf3Process;
import io.iperf3j.testing.Netns;
import io.iperf3j.testing.Shell;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Latency under load on a shaped wire, against ground truth: network namespaces (names
 * {@code lat<hex>a/r/b}, addresses in 10.231.0.0/16) joined by veth pairs, {@code iperf3j -s} in B and
 * {@code iperf3j -c --latency} in A, each a process of its own, a router R between them ({@link RoutedPath}, on the test kit's {@link Netns});
 * {@code ping} over the same path in the same test is the reference. The sender's direction is shaped
 * on R with {@code tbf rate 20mbit burst 32kbit limit 250kb}: a 256 000-byte queue drained at 20 Mbit/s
 * holds 102.4 ms, which a single TCP stream keeps nearly full. Needs root, ip, tc and ping (iproute2, iputils-ping; .ci/run installs them).
 * Figures go to {@code target/latency-netns/results.txt}.
 */
@Tag("tool")
@Tag("root")
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LatencyNetnsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DEEP_TBF = "tbf rate 20mbit burst 32kbit limit 250kb";
    /** What the deep queue holds: 250 KiB at 20 Mbit/s, in µs. */
    private static final double QUEUE_US = 250 * 1024 * 8 / 20e6 * 1e6;
    /**
     * How full the deep queue is, at the least, at the median of a loaded run. The ground truth of
     * the loaded delay is ping, measured in the same run (each case holds the probe within 20 % of
     * it); the queue's size only bounds it. TCP does not keep a tail-drop queue full: after each
     * loss CUBIC's window drops to 0.7 of its peak and the queue drains by that much, so the delay
     * saws between about 0.7 and 1 of the queue. Runs measured 0.85 (upload) and 0.69 (-R, ping
     * 0.62 in the same run), which a bound of 0.8 failed; half the queue still tells a queue that
     * shows (the unshaped side adds under a fifth) from one that does not.
     */
    private static final double QUEUE_FILLED_MIN = 0.5;
    private static final int PORT = 5201;
    /** {@code -O} of every loaded run: slow start, left out of the probe's loaded phase and of ping's. */
    private static final int OMIT_SECONDS = 2;
    /** ping's interval under load ({@code -i}), in seconds. */
    private static final double LOADED_PING_INTERVAL = 0.05;

    private RoutedPath n;
    private Iperf3Process server;

    @BeforeAll
    static void requireTools() throws Exception {
        Netns.require("LatencyNetnsTest", "ip", "tc", "ping");
    }

    @BeforeEach
    void pairAndServer() throws Exception {
        n = RoutedPath.create();
        server = Iperf3Process.start(Netns.inside(n.nsB, java("-s", "-p", String.valueOf(PORT))));
        assertThat(server.awaitListening(PORT, Duration.ofSeconds(20))).as("server: %s", server.stderr()).isTrue();
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            if (n != null) {
                n.close();
            }
        }
    }

    /**
     * Upload through the deep tbf queue: the idle p50 is ping's (within max(100 µs, 15 %)); the loaded p50
     * is what {@code ping -i 0.05} measures during the same load (within 20 %), and between half and 1.2
     * times what the full queue holds (102.4 ms; see {@link #QUEUE_FILLED_MIN}). Then fq_codel under the
     * same tbf (or, without fq_codel, a 15 KiB tbf queue): the added latency drops at least 5×.
     */
    @Test
    void deepQueueMatchesPingAndTheQueueAndFqCodelCutsIt() throws Exception {
        n.tc(n.vethRb, "root " + DEEP_TBF, false);
        double pingIdle = median(ping(n.nsA, n.addrB, 200, "0.01", 20));
        Measured deep = runWithPing(6);
        double idle = deep.latency.path("idle").path("p50_us").asDouble();
        double loaded = deep.latency.path("loaded").path("p50_us").asDouble();
        double added = deep.latency.path("added_p50_us").asDouble();
        report(String.format(Locale.ROOT, "deep tbf upload: idle p50 %.1f us (ping %.1f us); loaded p50 %.1f us (ping -i 0.05 "
                        + "%.1f us over %d replies; queue %.0f us); added %.1f us; %.2f Mbit/s", idle, pingIdle, loaded,
                deep.pingLoadedP50, deep.pingReplies, QUEUE_US, added, deep.mbps));
        assertThat(Math.abs(idle - pingIdle)).as("idle p50 %.1f vs ping %.1f us", idle, pingIdle)
                .isLessThanOrEqualTo(Math.max(100, 0.15 * pingIdle));
        assertThat(loaded).as("loaded p50 vs the queue's %.0f us", QUEUE_US).isBetween(QUEUE_FILLED_MIN * QUEUE_US, 1.2 * QUEUE_US);
        assertThat(deep.pingReplies).as("ping replies under load").isGreaterThan(60);
        assertThat(loaded).as("loaded p50 vs ping's %.1f us", deep.pingLoadedP50)
                .isBetween(0.8 * deep.pingLoadedP50, 1.2 * deep.pingLoadedP50);
        assertThat(deep.mbps).as("the shaper's rate").isBetween(15.0, 21.0);

        String aqm;
        if (n.tryTc(n.vethRb, "root handle 1: tbf rate 20mbit burst 32kbit latency 400ms", true)
                && n.tryTc(n.vethRb, "parent 1:1 handle 10: fq_codel", false)) {
            aqm = "tbf + fq_codel";
        } else {
            n.tc(n.vethRb, "root tbf rate 20mbit burst 32kbit limit 15kb", true);
            aqm = "tbf limit 15kb (no fq_codel in this kernel)";
        }
        Measured cut = runWithPing(4);
        double addedCut = cut.latency.path("added_p50_us").asDouble();
        report(String.format(Locale.ROOT, "%s upload: idle p50 %.1f us, loaded p50 %.1f us (ping %.1f us), added %.1f us: "
                        + "%.1fx less than the deep queue's %.1f us", aqm, cut.latency.path("idle").path("p50_us").asDouble(),
                cut.latency.path("loaded").path("p50_us").asDouble(), cut.pingLoadedP50, addedCut, added / addedCut, added));
        assertThat(added / Math.max(addedCut, 1.0)).as("%s cuts the added latency", aqm).isGreaterThanOrEqualTo(5);
    }

    /**
     * The probe's round trip crosses both queues, so shaping the server's side shows in {@code -R}
     * (the server sends) and not in an upload, where only the client's ACKs use that queue.
     */
    @Test
    void reverseShowsDownloadShaping() throws Exception {
        n.tc(n.vethRa, "root " + DEEP_TBF, false);
        Measured down = runWithPing(6, "-R");
        Measured up = runWithPing(4);
        double downLoaded = down.latency.path("loaded").path("p50_us").asDouble();
        double upAdded = up.latency.path("added_p50_us").asDouble();
        report(String.format(Locale.ROOT, "server side shaped: -R loaded p50 %.1f us (ping %.1f us), upload added %.1f us",
                downLoaded, down.pingLoadedP50, upAdded));
        assertThat(downLoaded).as("-R loaded p50 vs the queue's %.0f us", QUEUE_US)
                .isBetween(QUEUE_FILLED_MIN * QUEUE_US, 1.2 * QUEUE_US);
        assertThat(downLoaded).as("-R loaded p50 vs ping's").isBetween(0.8 * down.pingLoadedP50, 1.2 * down.pingLoadedP50);
        assertThat(upAdded).as("upload through the unshaped side").isLessThan(QUEUE_US / 5);
    }

    /**
     * UDP at 20 Mbit/s over the unshaped path, three runs without and three with {@code --latency},
     * alternating: every run's receiver counts exactly the test's datagrams (bytes = (packets − lost) ×
     * 1400, sender and receiver agree on packets), so no probe is counted; and loss and jitter with the
     * probe stay within the spread of the runs themselves.
     */
    @Test
    void udpFiguresAreTheSameWithAndWithoutTheProbe() throws Exception {
        double[][] loss = new double[2][3];
        double[][] jitter = new double[2][3];
        for (int round = 0; round < 3; round++) {
            for (int with = 0; with < 2; with++) {
                List<String> args = new ArrayList<>(List.of("-c", n.addrB, "-p", String.valueOf(PORT), "-u", "-b", "20M", "-l",
                        "1400", "-t", "2", "-J"));
                if (with == 1) {
                    args.add("--latency");
                }
                Iperf3Process c = Iperf3Process.start(Netns.inside(n.nsA, java(args.toArray(String[]::new))));
                try (c) {
                    assertThat(c.waitFor(Duration.ofSeconds(40))).as(c.stderr()).isZero();
                    JsonNode end = JSON.readTree(c.stdout()).path("end");
                    JsonNode rcv = end.path("sum_received");
                    long packets = rcv.path("packets").asLong();
                    long lost = rcv.path("lost_packets").asLong();
                    assertThat(packets).as("datagrams").isGreaterThan(3000);
                    assertThat(end.path("sum_sent").path("packets").asLong()).as("sent = received + lost").isEqualTo(packets);
                    assertThat(rcv.path("bytes").asLong()).as("received bytes are the test's datagrams only")
                            .isEqualTo((packets - lost) * 1400);
                    assertThat(end.has("latency")).isEqualTo(with == 1);
                    if (with == 1) {
                        assertThat(end.path("latency").path("loaded").path("count").asLong()).isGreaterThan(100);
                    }
                    loss[with][round] = rcv.path("lost_percent").asDouble();
                    jitter[with][round] = rcv.path("jitter_ms").asDouble();
                }
            }
        }
        report(String.format(Locale.ROOT, "UDP 20M unshaped: loss %% without %s with %s; jitter ms without %s with %s",
                java.util.Arrays.toString(loss[0]), java.util.Arrays.toString(loss[1]), java.util.Arrays.toString(jitter[0]),
                java.util.Arrays.toString(jitter[1])));
        assertWithinNoise("loss %", loss, 0.1);
        assertWithinNoise("jitter ms", jitter, 0.05);
    }

    /** The means differ by no more than the larger spread of the two sets (plus {@code floor}). */
    private static void assertWithinNoise(String what, double[][] v, double floor) {
        double[] mean = new double[2];
        double spread = 0;
        for (int k = 0; k < 2; k++) {
            mean[k] = java.util.Arrays.stream(v[k]).average().orElseThrow();
            spread = Math.max(spread, java.util.Arrays.stream(v[k]).max().orElseThrow() - java.util.Arrays.stream(v[k]).min().orElseThrow());
        }
        assertThat(Math.abs(mean[1] - mean[0])).as("%s: mean without %.4f, with %.4f", what, mean[0], mean[1])
                .isLessThanOrEqualTo(spread + floor);
    }

    // ------------------------------------------------------------------ helpers

    private record Measured(JsonNode latency, double pingLoadedP50, int pingReplies, double mbps) {
    }

    /**
     * Runs {@code iperf3j -c B --latency --json-stream -C cubic -O 2 -t SECONDS EXTRA} in A; two seconds
     * after the test's start event (past {@code -O 2}), {@code ping -i 0.05} over the same path for the
     * loaded phase less 0.3 s (its count at that rate; {@code -w} bounds it), so that ping and the probe
     * sample the same stretch of it.
     * CUBIC's sawtooth in a 100 ms queue lasts seconds (after a loss the window grows back over about 5 s),
     * so medians of different stretches differ by more than 20 %: a CI run pinged 3.5 s of a 6 s -R
     * phase, 85.2 ms, while the probe's whole phase gave 66.3 ms.
     */
    private Measured runWithPing(int seconds, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("-t", String.valueOf(seconds), "-O", String.valueOf(OMIT_SECONDS)));
        args.addAll(List.of(extra));
        double pingSeconds = seconds - 0.3;
        // cubic, loss-based, fills the queue as the bufferbloat tests assume; this host's default (bbr) keeps
        // it nearly empty by design (measured: 8 ms instead of 100 ms).
        List<String> a = new ArrayList<>(List.of("-c", n.addrB, "-p", String.valueOf(PORT), "--latency", "--json-stream",
                "-C", "cubic"));
        a.addAll(args);
        Process client = new ProcessBuilder(Netns.inside(n.nsA, java(a.toArray(String[]::new))))
                .redirectInput(new File("/dev/null")).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
            JsonNode end = null;
            List<Double> pings = null;
            String line;
            while ((line = out.readLine()) != null) {
                JsonNode ev = JSON.readTree(line);
                switch (ev.path("event").asText()) {
                    case "start" -> {
                        Thread.sleep(OMIT_SECONDS * 1000L);
                        pings = ping(n.nsA, n.addrB, (int) (pingSeconds / LOADED_PING_INTERVAL),
                                String.valueOf(LOADED_PING_INTERVAL), seconds + 2);
                    }
                    case "end" -> end = ev.path("data");
                    case "error" -> fail("client error: " + ev);
                    default -> {
                    }
                }
            }
            assertThat(client.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(client.exitValue()).isZero();
            assertThat(end).as("end event").isNotNull();
            assertThat(pings).as("ping ran").isNotNull();
            JsonNode lat = end.path("latency");
            assertThat(lat.has("error")).as("latency: %s", lat).isFalse();
            double mbps = (end.has("sum_received") ? end.path("sum_received") : end.path("sum")).path("bits_per_second").asDouble() / 1e6;
            return new Measured(lat, median(pings), pings.size(), mbps);
        } finally {
            client.destroyForcibly();
            client.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** {@code java ... io.iperf3j.cli.Main ARGS} on this test's class path. */
    private static List<String> java(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** ping's round trips (µs) from {@code ns} to {@code to}: {@code count} of them, or as many as come in {@code deadline} seconds. */
    private static List<Double> ping(String ns, String to, int count, String interval, int deadline) throws Exception {
        Shell.Result r = Shell.exec(Shell.DEADLINE, Netns.inside(ns, List.of("ping", "-n", "-c", String.valueOf(count), "-i",
                interval, "-w", String.valueOf(deadline), to)));
        Matcher m = Pattern.compile("time=([0-9.]+) ms").matcher(r.out());
        List<Double> us = new ArrayList<>();
        while (m.find()) {
            us.add(Double.parseDouble(m.group(1)) * 1000);
        }
        return us;
    }

    private static double median(List<Double> v) {
        assertThat(v).as("samples").isNotEmpty();
        List<Double> s = new ArrayList<>(v);
        s.sort(null);
        return s.get(s.size() / 2);
    }

    private static void report(String line) throws IOException {
        Path dir = Path.of("target", "latency-netns");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("results.txt"), line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        System.out.println(line);
    }

    /**
     * Three namespaces of the test kit's {@link Netns}: the client's {@code lat<hex>a} (10.231.X.1), a router
     * {@code lat<hex>r} and the server's {@code lat<hex>b} (10.231.X+1.2), joined by two veth pairs. The
     * shaper sits on the router, as on a real path: a qdisc on the sending host's own interface is kept
     * almost empty by TCP Small Queues (measured here: 5 ms in the 250 KiB tbf instead of 100 ms, ping
     * agreeing), which would hide the bufferbloat this test is about.
     */
    private static final class RoutedPath implements AutoCloseable {
        final Netns net = Netns.open("lat");
        final int subnet = 2 * ThreadLocalRandom.current().nextInt(0, 127);
        final String addrA = "10.231." + subnet + ".1";
        final String addrB = "10.231." + (subnet + 1) + ".2";
        String nsA;
        String nsR;
        String nsB;
        String vethRa;
        String vethRb;

        static RoutedPath create() throws IOException {
            RoutedPath n = new RoutedPath();
            try {
                n.nsA = n.net.add("a");
                n.nsR = n.net.add("r");
                n.nsB = n.net.add("b");
                n.vethRa = n.leg("a", n.nsA, n.addrA, "ra", n.subnet);
                n.vethRb = n.leg("b", n.nsB, n.addrB, "rb", n.subnet + 1);
                n.net.exec(n.nsR, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
                return n;
            } catch (IOException | RuntimeException e) {
                n.close();
                throw e;
            }
        }

        /** A veth pair from {@code ns} (with {@code addr}/24) to the router (.254), the router {@code ns}'s default route; the router's end. */
        private String leg(String end, String ns, String addr, String routerEnd, int net24) throws IOException {
            String[] devs = net.veth(end, ns, routerEnd, nsR, 0);
            String router = "10.231." + net24 + ".254";
            net.address(ns, devs[0], addr + "/24");
            net.address(nsR, devs[1], router + "/24");
            net.ip(ns, "route", "add", "default", "via", router);
            return devs[1];
        }

        /** {@code tc qdisc add} (or {@code replace}) on a router interface. */
        void tc(String dev, String spec, boolean replace) throws IOException {
            net.exec(nsR, qdisc(dev, spec, replace));
        }

        /** As {@link #tc}; false if tc refused it. */
        boolean tryTc(String dev, String spec, boolean replace) throws IOException {
            return net.tryExec(nsR, qdisc(dev, spec, replace)).ok();
        }

        private static String[] qdisc(String dev, String spec, boolean replace) {
            List<String> cmd = new ArrayList<>(List.of("tc", "qdisc", replace ? "replace" : "add", "dev", dev));
            cmd.addAll(List.of(spec.split(" ")));
            return cmd.toArray(String[]::new);
        }

        @Override
        public void close() throws IOException {
            net.close();
        }
    }
}
