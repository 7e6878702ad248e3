package io.iperf3j.internal.why;

import io.iperf3j.Cause;
import io.iperf3j.Why;
import io.iperf3j.WhyFigures;
import io.iperf3j.internal.json.JsonObject;
import io.iperf3j.internal.json.PeerJson;
import io.iperf3j.testing.EnginePeer;
import io.iperf3j.testing.Iperf3Process;
import io.iperf3j.testing.Netns;
import io.iperf3j.testing.Shell;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code --why} in a lab with one known bottleneck at a time (issue 47): one run per case, iperf3j client against an
 * iperf3j server, each in a network namespace of scripts/wanstar.sh's (a delay line and tbf on a router between
 * them). The 10-run sweep of every case, forward and {@code -R}, against iperf3j and iperf3 3.21's server is
 * bench/why_lab.py with its results in bench/results/; this test is one run of the forward cases, and checks the
 * verdict's figures against the lab's ground truth: the RTT and BDP from the delay line and the rate, the window
 * from the {@code tcp_rmem} set, the sender's buffer from the {@code tcp_wmem} set.
 */
@Tag("root")
@Timeout(300)
class WhyNetnsTest {
    private static final Path SCRIPT = Path.of("").toAbsolutePath().getParent().resolve("scripts/wanstar.sh");
    private static final String SERVER = "10.235.1.1";
    private static final long MIB = 1 << 20;
    private static final List<String> STARS = new ArrayList<>();

    @BeforeAll
    static void tools() throws IOException {
        Netns.require("WhyNetnsTest", "ip", "tc", "taskset", "cc");
    }

    /** Each test's lab goes down after it: a delay line left running costs the next test CPU. */
    @AfterEach
    void down() throws IOException {
        for (String s : STARS) {
            script("star_down " + s);
        }
        STARS.clear();
    }

    @Test
    void aShapedLinkIsThePath() throws Exception {
        String star = up("100mbit", 1);
        Why.Verdict v = verdict(star, List.of());
        assertThat(v.cause()).as(v.reason()).isEqualTo(Cause.PATH);
        assertThat(v.figures().bitsPerSecond()).isLessThanOrEqualTo(101e6);
    }

    @Test
    void aReceiveBufferCappedOnALongPathIsTheReceiversWindow() throws Exception {
        String star = up("200mbit", 50);
        sysctl(star + "-s", "net.ipv4.tcp_rmem", "4096 131072 " + MIB);
        Why.Verdict v = verdict(star, List.of());
        WhyFigures f = v.figures();
        assertThat(v.cause()).as(v.reason()).isEqualTo(Cause.RECEIVER_WINDOW);
        // ground truth: the delay line's 100 ms, and the BDP of the rate measured over it
        assertThat(f.rttMicros().getAsLong()).isCloseTo(100_000L, within(10_000L));
        double labBdp = f.bitsPerSecond() * 0.100 / 8;
        assertThat((double) f.bdpBytes().getAsLong()).isCloseTo(labBdp, within(0.1 * labBdp));
        // the window granted comes from the 1 MiB buffer set: at most it, and at least the half the kernel advertises
        assertThat(f.receiverWindowBytes().getAsLong()).isBetween((long) (0.45 * MIB), MIB);
        assertThat(v.remedy().orElseThrow()).contains("net.ipv4.tcp_rmem").contains("on the receiver");
    }

    @Test
    void aSendBufferCappedOnALongPathIsTheSendersBuffer() throws Exception {
        String star = up("200mbit", 50);
        sysctl(star + "-c1", "net.ipv4.tcp_wmem", "4096 16384 " + MIB);
        Why.Verdict v = verdict(star, List.of());
        WhyFigures f = v.figures();
        assertThat(v.cause()).as(v.reason()).isEqualTo(Cause.SENDER_BUFFER);
        assertThat(f.senderBufferBytes().getAsLong()).isBetween(MIB / 2, MIB);
        assertThat(f.rttMicros().getAsLong()).isCloseTo(100_000L, within(10_000L));
        assertThat(v.remedy().orElseThrow()).contains("net.ipv4.tcp_wmem").contains("on the sender");
    }

    @Test
    void minusBWellBelowTheLinkIsThePacing() throws Exception {
        String star = up("100mbit", 1);
        Why.Verdict v = verdict(star, List.of("-b", "20M"));
        assertThat(v.cause()).as(v.reason()).isEqualTo(Cause.PACING);
        assertThat(v.figures().targetBitsPerSecond()).isEqualTo(20_000_000L);
    }

    @Test
    void aSenderPinnedToACoreABusierProcessOfHigherPriorityHoldsIsTheSendersCpu() throws Exception {
        // loopback in one namespace; the sender (the client) pinned with -A to CPU 0, where a spinning process of
        // higher priority (nice -5) runs: the sender's CPU share looks low, its wait to run does not
        String ns = up("1000mbit", 1) + "-s";
        Iperf3Process hog = Iperf3Process.start(List.of("taskset", "-c", "0", "nice", "-n", "-5", "sh", "-c",
                "while :; do :; done"));
        try {
            Why.Verdict v = verdictIn(ns, "127.0.0.1", ns, List.of("-A", "0,1"));
            assertThat(v.cause()).as(v.reason()).isEqualTo(Cause.SENDER_CPU);
            assertThat(v.figures().senderWaitShare().getAsDouble()).as("waited to run")
                    .isGreaterThan(v.figures().senderRunShare().getAsDouble() / 2);
        } finally {
            hog.close();
        }
    }

    // ------------------------------------------------------------ the lab

    private static String up(String rate, int oneWayMs) throws IOException {
        String name = String.format("y%07x", ThreadLocalRandom.current().nextInt(1 << 28));
        STARS.add(name);
        Shell.Result r = script("star_up " + name + " " + rate + " " + oneWayMs);
        assertThat(r.ok()).as("star_up: %s", r.out()).isTrue();
        return name;
    }

    private static Shell.Result script(String call) throws IOException {
        return Shell.exec(Duration.ofSeconds(60), List.of("bash", "-c", ". " + SCRIPT + " && " + call));
    }

    private static void sysctl(String ns, String key, String value) throws IOException {
        Shell.Result r = Shell.exec("ip", "netns", "exec", ns, "sysctl", "-qw", key + "=" + value);
        assertThat(r.ok()).as("sysctl %s: %s", key, r.out()).isTrue();
    }

    /** One forward test, client in the star's client namespace, server in its server namespace. */
    private static Why.Verdict verdict(String star, List<String> args) throws Exception {
        return verdictIn(star + "-s", SERVER, star + "-c1", args);
    }

    private static Why.Verdict verdictIn(String serverNs, String address, String clientNs, List<String> args)
            throws Exception {
        int port = 7300 + ThreadLocalRandom.current().nextInt(600);
        try (Iperf3Process s = Iperf3Process.start(Netns.inside(serverNs,
                EnginePeer.command(List.of("-s", "-1", "-J", "-p", Integer.toString(port)))))) {
            assertThat(s.awaitListening(port, Duration.ofSeconds(30))).as("server listens: %s", s.stderr()).isTrue();
            List<String> client = new ArrayList<>(List.of("-c", address, "-p", Integer.toString(port), "-J", "-t", "3",
                    "--why"));
            client.addAll(args);
            try (Iperf3Process c = Iperf3Process.start(Netns.inside(clientNs, EnginePeer.command(client)))) {
                assertThat(c.waitFor(Duration.ofSeconds(90))).as("client: %s", c.stderr()).isZero();
                JsonObject doc = PeerJson.parseObject(c.stdout().getBytes(StandardCharsets.UTF_8));
                Why why = WhyJson.read(doc).orElseThrow(() -> new AssertionError("no end.iperf3j_why: " + c.stdout()));
                assertThat(why.directions()).hasSize(1);
                Why.DirectionWhy d = why.directions().getFirst();
                assertThat(d.senderIsClient()).isTrue();
                System.out.println("why " + args + ": " + d.verdict().headline() + " / " + d.verdict().reason() + " / "
                        + d.verdict().figures());
                return d.verdict();
            }
        }
    }
}
