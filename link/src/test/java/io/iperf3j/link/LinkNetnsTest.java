package io.iperf3j.link;

import io.iperf3j.testing.Netns;
import io.iperf3j.testing.NetnsPair;
import io.iperf3j.testing.Shell;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The link across a real (virtual) wire: two network namespaces joined by a veth pair (the test kit's
 * {@link NetnsPair}); each end is a {@link NetnsPeer} process. Needs root, ip,
 * nft and ping (packages iproute2, nftables, iputils-ping; .ci/run installs them).
 */
@Tag("tool")
@Tag("root")
@Timeout(value = 240, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LinkNetnsTest {
    private static final int PORT = 7300;

    @BeforeAll
    static void requireTools() throws Exception {
        Netns.require("LinkNetnsTest", "ip", "nft", "ping");
    }

    /**
     * nft drops a random 10 % of the datagrams to the server: 20 000 reliable/ordered messages arrive
     * exactly once, the ordered ones in order, pending acks return to 0, and the resends match what
     * nft dropped.
     */
    @Test
    void twentyThousandReliableMessagesThroughTenPercentLoss() throws Exception {
        try (NetnsPair n = NetnsPair.create()) {
            n.nft(n.nsB, "table inet ijlkloss { counter drops { }\n chain input { type filter hook input priority 0; policy accept;\n"
                    + "  udp dport " + PORT + " meta length > 40 numgen random mod 100 < 10 counter name \"drops\" drop\n }\n}");
            // (meta length > 40 spares the 35-byte handshake datagram; data datagrams are 42 bytes and more.)
            Proc server = start(n.nsB, "server", n.addrB, String.valueOf(PORT));
            server.expect("READY");
            Proc client = start(n.nsA, "send", n.addrB, String.valueOf(PORT), "20000");
            client.expect("READY CONNECTED");
            Map<String, String> c = client.result(150);
            long dropped = n.counter(n.nsB, "ijlkloss", "drops");
            server.closeInput();
            Map<String, String> s = server.result(20);
            String line = String.format(Locale.ROOT, "10%% nft loss: sent %s, server got %s (reliable %s, ordered %s, "
                            + "exactly once %s, in order %s, duplicates %s); nft dropped %d datagrams; client resends %s, "
                            + "datagrams %s, pending %s", c.get("sent"), s.get("received"), s.get("reliable"), s.get("ordered"),
                    s.get("exactlyOnce"), s.get("inOrder"), s.get("duplicates"), dropped, c.get("resends"),
                    c.get("outPackets"), c.get("pending"));
            report(line);
            assertThat(c.get("sent")).isEqualTo("20000");
            assertThat(s.get("received")).isEqualTo("20000");
            assertThat(s.get("exactlyOnce")).isEqualTo("true");
            assertThat(s.get("inOrder")).isEqualTo("true");
            assertThat(c.get("pending")).isEqualTo("0");
            long resends = Long.parseLong(c.get("resends"));
            double packets = Long.parseLong(c.get("outPackets"));
            assertThat(dropped / packets).as("nft's drop fraction").isBetween(0.08, 0.12);
            // About one message per datagram (pump mode, one send per update), so each dropped data datagram
            // costs a resend; a dropped datagram that carried a due resend next to a fresh message costs two
            // (measured: 2350 resends for 1977 drops, ratio 1.19). A resend whose original was not dropped but
            // whose ack came after the resend timer (a loaded machine delays the peers' threads: 1.30 and 1.76
            // times the drops in 2 of 6 runs at load average 8-12) reaches the server as a duplicate, which it
            // counts and drops; only the other resends answer nft's drops. How often the timer fires early is
            // the link's speed under load, measured in bench/, not here.
            long duplicates = Long.parseLong(s.get("duplicates"));
            assertThat(duplicates).as("duplicates at the server").isBetween(0L, resends);
            assertThat((double) (resends - duplicates)).as("resends %d less duplicates %d vs nft drops %d", resends,
                    duplicates, dropped).isBetween(0.9 * dropped, 1.3 * dropped);
        }
    }

    /**
     * Idle veth: the probe's p50 is within max(50 µs, 10 %) of ping's, ping running over the same pair at
     * the same time. (Before the link took its times at the socket, 698 µs against ping's 39 µs: the
     * wake-up of both JVMs' threads was counted as network.)
     */
    @Test
    void probeRttMatchesPingOnAnIdleVeth() throws Exception {
        try (NetnsPair n = NetnsPair.create()) {
            Proc server = start(n.nsB, "server", n.addrB, String.valueOf(PORT));
            server.expect("READY");
            Proc probe = start(n.nsA, "probe", n.addrB, String.valueOf(PORT), "10", "400");
            probe.expect("READY");
            Shell.Result ping = n.exec(n.nsA, "ping", "-n", "-c", "400", "-i", "0.01", n.addrB);
            Map<String, String> p = probe.result(60);
            server.closeInput();
            List<Double> times = new ArrayList<>();
            Matcher m = Pattern.compile("time=([0-9.]+) ms").matcher(ping.out());
            while (m.find()) {
                times.add(Double.parseDouble(m.group(1)) * 1000);
            }
            times.sort(null);
            assertThat(times).as("ping replies").hasSizeGreaterThan(350);
            double pingP50 = times.get(times.size() / 2);
            double linkP50 = Double.parseDouble(p.get("p50"));
            report(String.format(Locale.ROOT, "idle veth RTT p50: link %.1f us (%s samples, %s lost), ping %.1f us (%d)",
                    linkP50, p.get("count"), p.get("lost"), pingP50, times.size()));
            assertThat(Long.parseLong(p.get("count"))).isGreaterThanOrEqualTo(400);
            assertThat(Math.abs(linkP50 - pingP50)).as("link %.1f vs ping %.1f us", linkP50, pingP50)
                    .isLessThanOrEqualTo(Math.max(50, 0.10 * pingP50));
        }
    }

    /** nft drops everything: the client reports "Connection timed out" after the timeout, ± 10 %. */
    @Test
    void cuttingTheLinkGivesTheErrorWithinTheTimeout() throws Exception {
        try (NetnsPair n = NetnsPair.create()) {
            Proc server = start(n.nsB, "server", n.addrB, String.valueOf(PORT));
            server.expect("READY");
            int timeoutMs = 3000;
            Proc client = start(n.nsA, "hold", n.addrB, String.valueOf(PORT), String.valueOf(timeoutMs));
            client.expect("READY CONNECTED");
            Thread.sleep(500);
            n.nft(n.nsB, "table inet ijlkcut { chain input { type filter hook input priority 0; policy accept;\n"
                    + "  udp dport " + PORT + " drop\n }\n chain output { type filter hook output priority 0; policy accept;\n"
                    + "  udp sport " + PORT + " drop\n }\n}");
            long cut = System.nanoTime();
            String line = client.expect("ERROR");
            double took = (System.nanoTime() - cut) / 1e6;
            server.closeInput();
            report(String.format(Locale.ROOT, "link cut: '%s' after %.0f ms (timeout %d ms)", line, took, timeoutMs));
            assertThat(line).isEqualTo("ERROR Connection timed out");
            assertThat(took).isBetween(0.9 * timeoutMs, 1.1 * timeoutMs);
        }
    }

    /**
     * B4: nft drops the client's own datagrams on their way out, so each send fails with EPERM. The
     * client reports that error, once, with its cause; it used to take each failure for "withheld,
     * retry" and end, a timeout later, with "Connection timed out" and no cause. The timeout here
     * (20 s) is far longer than the 50 ms between pings, so the line tells which of the two ended it.
     */
    @Test
    void aHardSendErrorEndsTheLinkWithItsCause() throws Exception {
        try (NetnsPair n = NetnsPair.create()) {
            Proc server = start(n.nsB, "server", n.addrB, String.valueOf(PORT));
            server.expect("READY");
            Proc client = start(n.nsA, "hold", n.addrB, String.valueOf(PORT), "20000");
            client.expect("READY CONNECTED");
            n.nft(n.nsA, "table inet ijlkeperm { chain output { type filter hook output priority 0; policy accept;\n"
                    + "  udp dport " + PORT + " drop\n }\n}");
            String line = client.expect("ERROR");
            server.closeInput();
            report("send refused by nft: '" + line + "'");
            assertThat(line).isEqualTo("ERROR unable to send: Operation not permitted (errno 1)");
        }
    }

    // ------------------------------------------------------------------ plumbing

    /** Starts {@link NetnsPeer} with {@code args} in namespace {@code ns}; {@link NetnsPair#close()} kills it if it still runs. */
    static Proc start(String ns, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), NetnsPeer.class.getName()));
        cmd.addAll(List.of(args));
        return new Proc(new ProcessBuilder(NetnsPair.inside(ns, cmd)).redirectError(ProcessBuilder.Redirect.INHERIT).start());
    }

    static void report(String line) throws IOException {
        Path dir = Path.of("target", "link-netns");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("results.txt"), line + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        System.out.println(line);
    }

    static final class Proc {
        final Process process;
        final BufferedReader out;

        Proc(Process p) {
            this.process = p;
            this.out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        }

        /** Reads lines until one starts with {@code prefix}; fails at the end of output. */
        String expect(String prefix) throws IOException {
            String line;
            StringBuilder seen = new StringBuilder();
            while ((line = out.readLine()) != null) {
                if (line.startsWith(prefix)) {
                    return line;
                }
                seen.append(line).append('\n');
            }
            throw new AssertionError("no '" + prefix + "' from the peer; it wrote:\n" + seen);
        }

        Map<String, String> result(int seconds) throws IOException {
            String line = expect("RESULT");
            Map<String, String> m = new HashMap<>();
            for (String kv : line.substring(7).split(" ")) {
                int eq = kv.indexOf('=');
                m.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
            return m;
        }

        void closeInput() throws IOException {
            process.getOutputStream().close();
        }
    }
}
