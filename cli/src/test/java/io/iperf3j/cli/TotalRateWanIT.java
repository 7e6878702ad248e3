package io.iperf3j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.iperf3j.testing.Iperf3Binary;
import io.iperf3j.testing.Iperf3Process;
import io.iperf3j.testing.Netns;
import io.iperf3j.testing.Shell;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --total-rate} shares on long paths (issue 36): the built jar's {@code -s} in a server
 * namespace, real iperf3 3.21 clients behind routers that delay every packet (a userspace delay
 * line, this kernel has no netem) and shape each way to 200 Mbit/s with tbf and a queue of one
 * bandwidth-delay product: scripts/wanstar.sh, with its delay line scripts/delayline.c.
 *
 * <p>The figure is iperf3's own receiver side ({@code sum_received} of the client's {@code -J}:
 * the server's for an upload, the client's for {@code -R}), with the first 2 s omitted
 * ({@code -O 2}): slow start at 150 ms takes about a second to open a window of the share × RTT,
 * and the issue's bound is about the share once the path is full, not about TCP's start. Ground
 * truth: the bytes the router's tbf sent toward the receiver, which must hold what the receiver
 * counted plus the packet headers, and the drops on the path (tbf, the delay line's TUN queue),
 * which the failure message names.
 *
 * <p>Needs root, ip, tc, cc and python3 (iproute2, gcc; .ci/run installs them). Names: {@code w}
 * and 7 hex digits of this JVM's PID and a counter; every namespace is removed after the test,
 * also when it fails (its delay lines killed by PID). 25 s and 22 s (2026-11-26); the four delay
 * lines of the second case take about a quarter of a core (4-6 s of CPU in 20 s). On a host with a
 * load average above ~13 (2 cores) the delay lines are starved and the figures fall short
 * (bench/results/2026-11-26-total-rate-wan.md).
 */
@Timeout(value = 240, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TotalRateWanIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger NEXT = new AtomicInteger();
    private static final int PORT = 5201;
    private static final List<String> TIMING = List.of("-t", "6", "-O", "2", "-J");
    private static final Pattern TX_DROPPED = Pattern.compile("TX:.*\\n\\s*\\d+\\s+\\d+\\s+\\d+\\s+(\\d+)");
    private static final Path RESULTS = Path.of("target", "total-rate-wan", "results.txt");

    @BeforeAll
    static void requireTools() throws Exception {
        Netns.require("TotalRateWanIT", "ip", "tc", "cc", "python3");
        Iperf3Binary.V3_21.requireThis();
    }

    /** RTT 150 ms, 200 Mbit/s, {@code --total-rate 100M}: one 3.21 client gets at least 90 Mbit/s each way. */
    @Test
    void aFarClientGetsItsShareBothWays() throws Exception {
        try (Star star = Star.up("200mbit", 75); Iperf3Process server = server(star, "100M")) {
            Measured up = star.client(1, List.of());
            Measured down = star.client(1, List.of("-R"));
            report(String.format(Locale.ROOT, "RTT 150 ms, 200 Mbit/s, --total-rate 100M: upload %.1f Mbit/s "
                    + "(receiver %.1f MB; tbf %s), -R %.1f Mbit/s (receiver %.1f MB; tbf %s)", up.mbps,
                    up.receivedBytes / 1e6, up.path, down.mbps, down.receivedBytes / 1e6, down.path));
            assertThat(up.mbps).as("upload, server's receiver figure; path %s; server: %s", up.path, server.stderr())
                    .isGreaterThanOrEqualTo(90);
            assertThat(down.mbps).as("-R, client's receiver figure; path %s", down.path).isGreaterThanOrEqualTo(90);
            up.assertPathCarried();
            down.assertPathCarried();
        }
    }

    /** RTT 20, 50, 100 and 150 ms at once under {@code --total-rate 200M}: each upload within 15 % of 50 Mbit/s. */
    @Test
    void fourClientsAtFourDistancesShareTheRateEqually() throws Exception {
        int[] oneWay = {10, 25, 50, 75};
        try (Star star = Star.up("200mbit", oneWay); Iperf3Process server = server(star, "200M")) {
            List<Iperf3Process> clients = new ArrayList<>();
            try {
                for (int i = 1; i <= oneWay.length; i++) {
                    clients.add(star.startClient(i, List.of("-t", "8", "-O", "2", "-J")));
                }
                List<Double> mbps = new ArrayList<>();
                for (Iperf3Process c : clients) {
                    mbps.add(Measured.receiverMbps(c));
                }
                report(String.format(Locale.ROOT, "RTT 20/50/100/150 ms, --total-rate 200M: %s Mbit/s", mbps));
                for (int i = 0; i < oneWay.length; i++) {
                    assertThat(mbps.get(i)).as("RTT %d ms (all: %s); server: %s", 2 * oneWay[i], mbps, server.stderr())
                            .isBetween(50 * 0.85, 50 * 1.15);
                }
            } finally {
                clients.forEach(Iperf3Process::close);
            }
        }
    }

    private static Iperf3Process server(Star star, String totalRate) {
        Iperf3Process server = Iperf3Process.start(Netns.inside(star.name + "-s",
                JarProcess.command(List.of("-Xmx256m"), List.of("-s", "-p", String.valueOf(PORT), "--total-rate", totalRate))));
        assertThat(server.awaitListening(PORT, Duration.ofSeconds(30))).as("server: %s", server.stderr()).isTrue();
        return server;
    }

    private static void report(String line) throws IOException {
        Files.createDirectories(RESULTS.getParent());
        Files.writeString(RESULTS, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        System.out.println(line);
    }

    /** A client's receiver figure, the bytes behind it (after {@code -O}) and what its path's router saw. */
    private record Measured(double mbps, long receivedBytes, Path path) {
        /** What the router's tbf toward the receiver sent, and the drops on the way. */
        record Path(long tbfBytes, long tbfDropped, long tunDropped) {
            @Override
            public String toString() {
                return String.format(Locale.ROOT, "%.1f MB sent, %d dropped; TUN queue dropped %d", tbfBytes / 1e6,
                        tbfDropped, tunDropped);
            }
        }

        static double receiverMbps(Iperf3Process c) throws IOException {
            assertThat(c.waitFor(Duration.ofSeconds(60))).as("client %s: %s", c.command(), c.stderr()).isZero();
            return JSON.readTree(c.stdout()).path("end").path("sum_received").path("bits_per_second").asDouble() / 1e6;
        }

        /**
         * The tbf toward the receiver carried at least every byte the receiver counted (which
         * leaves out the omitted seconds; the tbf's figure holds them, and the headers).
         */
        void assertPathCarried() {
            assertThat(path.tbfBytes).as("tbf bytes vs the receiver's %d", receivedBytes).isGreaterThanOrEqualTo(receivedBytes);
        }
    }

    /** The namespaces of scripts/wanstar.sh: a server and one delayed, shaped path per client. */
    private static final class Star implements AutoCloseable {
        private static final Path SCRIPT = Path.of("").toAbsolutePath().getParent().resolve("scripts/wanstar.sh");
        final String name;

        private Star(String name) {
            this.name = name;
        }

        static Star up(String rate, int... oneWayMs) throws IOException {
            String name = String.format("w%07x", (ProcessHandle.current().pid() * 64 + NEXT.incrementAndGet()) & 0xFFFFFFF);
            Star star = new Star(name);
            StringBuilder delays = new StringBuilder();
            for (int ms : oneWayMs) {
                delays.append(' ').append(ms);
            }
            Shell.Result r = star.script("star_up " + name + " " + rate + delays);
            if (!r.ok()) {
                star.close();
                throw new AssertionError("star_up failed: " + r.out());
            }
            return star;
        }

        private Shell.Result script(String call) throws IOException {
            return Shell.exec(Duration.ofSeconds(60), List.of("bash", "-c", ". " + SCRIPT + " && " + call));
        }

        Iperf3Process startClient(int path, List<String> args) {
            List<String> cmd = new ArrayList<>(List.of(Iperf3Binary.V3_21.path.toString(), "-c", "10.235." + path + ".1",
                    "-p", String.valueOf(PORT)));
            cmd.addAll(args);
            return Iperf3Process.start(Netns.inside(name + "-c" + path, cmd));
        }

        /** Runs one 3.21 client on path {@code path} ({@link #TIMING} and {@code args}) and reads the router's counters around it. */
        Measured client(int path, List<String> args) throws IOException {
            boolean reverse = args.contains("-R");
            String router = name + "-r" + path;
            String toReceiver = name + (reverse ? "b" : "a") + path;
            long[] before = counters(router, toReceiver, path);
            List<String> all = new ArrayList<>(args);
            all.addAll(TIMING);
            try (Iperf3Process c = startClient(path, all)) {
                double mbps = Measured.receiverMbps(c);
                long[] after = counters(router, toReceiver, path);
                long counted = JSON.readTree(c.stdout()).path("end").path("sum_received").path("bytes").asLong();
                return new Measured(mbps, counted,
                        new Measured.Path(after[0] - before[0], after[1] - before[1], after[2] - before[2]));
            }
        }

        /** tbf's sent bytes and drops on {@code dev}, and the TUN's TX drops, in {@code router}. */
        private long[] counters(String router, String dev, int path) throws IOException {
            Netns.QdiscCounts tbf = Netns.rootQdisc(router, dev);
            Matcher tun = TX_DROPPED.matcher(Shell.run("ip", "-n", router, "-s", "link", "show", name + "t" + path));
            assertThat(tun.find()).as("counters of %s", router).isTrue();
            return new long[] {tbf.bytes(), tbf.drops(), Long.parseLong(tun.group(1))};
        }

        @Override
        public void close() throws IOException {
            Shell.Result r = script("star_down " + name);
            if (!r.ok()) {
                throw new IOException("star_down " + name + ": " + r.out());
            }
        }
    }
}
