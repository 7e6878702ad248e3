package io.iperf3j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iperf3j.testing.Iperf3Process;
import io.iperf3j.testing.Netns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code iperf3j link} as a user meets it: {@code link -s} and {@code link -c} as processes of the built
 * fat jar. A server without {@code -t} runs until SIGTERM and then prints its summary and exits 0; one
 * with {@code -t} ends by itself; across a lossy path (a network namespace whose loopback drops a random
 * 10 % of the UDP datagrams, both ways, with nft: the kernel here has no netem) a reliable client's
 * intervals show no loss and add up to its totals, and an unreliable one's loss is the path's.
 * Needs root, ip and nft for the lossy path (iproute2, nftables; .ci/run installs them).
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LinkJarIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LISTENING = Pattern.compile("Link server listening on (\\d+)");
    private static final String[] COUNTS = {"sent", "received", "lost", "resent", "reordered"};

    @Test
    void serverWithoutTimeRunsUntilSigtermThenPrintsItsSummaryAndExitsZero() throws Exception {
        long started = System.nanoTime();
        try (Iperf3Process server = JarProcess.start(List.of(), List.of("link", "-s", "-B", "127.0.0.1", "-p", "0"))) {
            int port = awaitPort(server);
            try (Iperf3Process client = JarProcess.start(List.of(), List.of("link", "-c", "127.0.0.1", "-p",
                    String.valueOf(port), "-t", "1", "-r", "500", "-J"))) {
                assertThat(client.waitFor(Duration.ofSeconds(30))).as("%s%s", client.stdout(), client.stderr()).isZero();
                long received = JSON.readTree(client.stdout()).path("end").path("received").asLong();
                assertThat(received).isPositive();
                long leftOf12s = TimeUnit.SECONDS.toNanos(12) - (System.nanoTime() - started);
                assertThat(server.awaitExit(Duration.ofNanos(Math.max(0, leftOf12s))))
                        .as("the server is still running 12 s after it started: %s", server.stdout()).isFalse();
                server.signal("TERM");
                assertThat(server.waitFor(Duration.ofSeconds(10))).as("exit status after SIGTERM: %s", server.stderr())
                        .isZero();
                assertThat(server.stdout()).as(server.stdout())
                        .containsPattern("\\[127\\.0\\.0\\.1:\\d+] " + received + " messages received, 0 lost")
                        .endsWith("Link server done: 1 client, " + received + " messages received, 0 lost, 0 late,"
                                + " 0 reordered, 0 duplicates\n");
                assertThat(server.stderr()).isEmpty();
            }
        }
    }

    @Test
    void serverWithTimeEndsByItselfWithItsSummary() {
        try (Iperf3Process server = JarProcess.start(List.of(), List.of("link", "-s", "-B", "127.0.0.1", "-p", "0", "-t", "2"))) {
            awaitPort(server);
            assertThat(server.waitFor(Duration.ofSeconds(20))).as(server.stderr()).isZero();
            assertThat(server.stdout()).endsWith("Link server done: 0 clients, 0 messages received, 0 lost, 0 late,"
                    + " 0 reordered, 0 duplicates\n");
        }
    }

    /**
     * Reliable across 10 % loss: no interval counts anything lost (the link resent it), resends happened,
     * nothing is in flight at the end, and every count of the intervals sums to the end's.
     */
    @Test
    void reliableClientAcrossALossyPathLosesNothingAndItsIntervalsAddUp() throws Exception {
        try (LossyNamespace ns = LossyNamespace.create(10)) {
            JsonNode doc = ns.clientAgainstServer("--reliable", "-r", "1000", "-t", "4", "-i", "0.5");
            JsonNode end = doc.path("end");
            report(ns, "reliable", doc);
            assertThat(end.path("sent").asLong()).isBetween(3500L, 4100L);
            assertThat(end.path("received").asLong()).isEqualTo(end.path("sent").asLong());
            assertThat(end.path("lost").asLong()).isZero();
            assertThat(end.path("in_flight").asLong()).isZero();
            assertThat(end.path("resent").asLong()).as("10 %% of the datagrams dropped").isPositive();
            for (JsonNode interval : doc.path("intervals")) {
                assertThat(interval.path("lost").asLong()).as("interval %s", interval).isZero();
            }
            assertIntervalsAddUp(doc);
        }
    }

    /** Unreliable across 10 % loss: about a tenth counted lost, and the intervals add up all the same. */
    @Test
    void unreliableClientAcrossALossyPathCountsThePathsLoss() throws Exception {
        try (LossyNamespace ns = LossyNamespace.create(10)) {
            JsonNode doc = ns.clientAgainstServer("-r", "1000", "-t", "4", "-i", "0.5");
            JsonNode end = doc.path("end");
            report(ns, "unreliable", doc);
            double lostShare = end.path("lost").asDouble() / end.path("sent").asDouble();
            assertThat(lostShare).as("lost / sent: %s", end).isBetween(0.05, 0.16);
            assertThat(end.path("received").asLong() + end.path("lost").asLong()).isEqualTo(end.path("sent").asLong());
            assertThat(end.path("resent").asLong()).isZero();
            long lostBeforeTheEnd = 0;
            for (JsonNode interval : doc.path("intervals")) {
                lostBeforeTheEnd += interval.path("lost").asLong();
            }
            lostBeforeTheEnd -= doc.path("intervals").get(doc.path("intervals").size() - 1).path("lost").asLong();
            assertThat(lostBeforeTheEnd).as("loss is counted as it happens (after 200 ms), not only at the end")
                    .isPositive();
            assertIntervalsAddUp(doc);
        }
    }

    private static void assertIntervalsAddUp(JsonNode doc) {
        JsonNode intervals = doc.path("intervals");
        assertThat(intervals.size()).isGreaterThanOrEqualTo(8);
        for (String key : COUNTS) {
            long sum = 0;
            for (JsonNode interval : intervals) {
                sum += interval.path(key).asLong();
            }
            assertThat(sum).as("the intervals' %s add up to the end's", key).isEqualTo(doc.path("end").path(key).asLong());
        }
        for (JsonNode interval : intervals) {
            assertThat(interval.path("in_flight").asLong()).as("interval %s", interval).isNotNegative();
        }
        assertThat(intervals.get(intervals.size() - 1).path("in_flight").asLong()).isZero();
    }

    private static int awaitPort(Iperf3Process server) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() - deadline < 0 && server.isAlive()) {
            Matcher m = LISTENING.matcher(server.stdout());
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            try {
                Thread.sleep(20); // a poll of the captured output, ended by the line
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("no 'listening' line from " + server + ": " + server.stdout() + server.stderr());
    }

    private static void report(LossyNamespace ns, String what, JsonNode doc) throws IOException {
        JsonNode end = doc.path("end");
        String line = String.format(Locale.ROOT, "%s across %d%% loss (nft dropped %d datagrams): sent %d, received %d, "
                        + "lost %d, resent %d, late %d; intervals' in flight %s", what, ns.lossPercent, ns.dropped(),
                end.path("sent").asLong(), end.path("received").asLong(), end.path("lost").asLong(), end.path("resent").asLong(),
                end.path("late").asLong(), inFlights(doc));
        Path dir = Path.of("target", "link-jar");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("results.txt"), line + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        System.out.println(line);
    }

    private static List<Long> inFlights(JsonNode doc) {
        List<Long> l = new ArrayList<>();
        doc.path("intervals").forEach(i -> l.add(i.path("in_flight").asLong()));
        return l;
    }

    /**
     * A network namespace of its own whose loopback drops {@code lossPercent} % of the UDP datagrams at
     * random (nft on the input hook, which every loopback datagram passes: both directions). The server
     * and the client run in it as {@code ip netns exec NS java -jar ...} (exec: the PID is the JVM's).
     */
    private static final class LossyNamespace implements AutoCloseable {
        final Netns net = Netns.open("ijlj");
        final int lossPercent;
        private final List<Iperf3Process> processes = new ArrayList<>();
        private String name;

        private LossyNamespace(int lossPercent) {
            this.lossPercent = lossPercent;
        }

        static LossyNamespace create(int lossPercent) throws Exception {
            Netns.require("LinkJarIT", "ip", "nft");
            LossyNamespace ns = new LossyNamespace(lossPercent);
            try {
                ns.name = ns.net.add("n");
                ns.net.nft(ns.name, "table inet ijljloss { counter drops { }\n chain input { type filter hook input"
                        + " priority 0; policy accept;\n  meta l4proto udp numgen random mod 100 < " + lossPercent
                        + " counter name \"drops\" drop\n }\n}");
                return ns;
            } catch (Exception e) {
                ns.close();
                throw e;
            }
        }

        /** Runs a link server and one {@code link -c 127.0.0.1 -J ARGS} client in the namespace; the client's document. */
        JsonNode clientAgainstServer(String... clientArgs) throws Exception {
            Iperf3Process server = start("link", "-s", "-B", "127.0.0.1", "-p", "5301");
            awaitPort(server);
            List<String> args = new ArrayList<>(List.of("link", "-c", "127.0.0.1", "-p", "5301", "-J"));
            args.addAll(List.of(clientArgs));
            Iperf3Process client = start(args.toArray(String[]::new));
            assertThat(client.waitFor(Duration.ofSeconds(60))).as("%s\n%s%s", client, client.stdout(), client.stderr()).isZero();
            server.signal("TERM");
            assertThat(server.waitFor(Duration.ofSeconds(10))).as(server.stderr()).isZero();
            return JSON.readTree(client.stdout());
        }

        private Iperf3Process start(String... args) {
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name,
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED",
                    "-Xmx128m", "-jar", JarProcess.jar().toString()));
            cmd.addAll(List.of(args));
            Iperf3Process p = Iperf3Process.start(cmd);
            processes.add(p);
            return p;
        }

        long dropped() {
            try {
                return net.counter(name, "ijljloss", "drops", false);
            } catch (IOException e) {
                return -1;
            }
        }

        /** Kills the processes it started (by PID) and deletes the namespace. */
        @Override
        public void close() throws IOException {
            processes.forEach(Iperf3Process::close);
            net.close();
        }
    }
}
