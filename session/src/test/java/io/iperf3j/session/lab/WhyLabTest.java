package io.iperf3j.session.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iperf3j.session.Pushgateway;
import io.iperf3j.testing.Chromium;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 47 in a fleet: a 6-host session (namespaces, a real OpenSSH sshd each, iperf3j on every host) with one
 * link shaped by tbf to {@link #SHAPED_MBIT} Mbit/s (host {@link #SHAPED}: its tests are limited by the path) and
 * one receiver with a small receive buffer on a long path (host {@link #WINDOW}: {@code tcp_rmem} capped at
 * {@link #RMEM_MAX} bytes in its namespace, and its packets to {@link #WINDOW_SENDER} held {@link #DELAY_MS} ms by a
 * user-space delay line, scripts/delayline.c, as this kernel has no netem; a window limit shows only when the
 * path's BDP is over the window). The session's {@code tests.jsonl}, summary, report page (opened in headless
 * Chromium) and pushed series (in a real Prometheus scraping the Pushgateway) carry both causes on the right pairs.
 */
@Tag("root")
@Tag("tool")
@Tag("browser")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 8, unit = TimeUnit.MINUTES) // the first lab test of a JVM builds the jar (IperfJar)
@Execution(ExecutionMode.CONCURRENT) // the labs' lane: beside the other tests, one lab at a time
@ResourceLock(NetnsLab.LANE)
class WhyLabTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int HOSTS = 6;
    /** The receiver with the small buffer. */
    private static final int WINDOW = 2;
    private static final int WINDOW_SENDER = 1;
    private static final int RMEM_MAX = 262_144;
    /** One way, on the receiver's packets to its sender (its ACKs): the path's RTT. */
    private static final int DELAY_MS = 25;
    /** The host whose link is shaped, both ways. */
    private static final int SHAPED = 4;
    private static final int SHAPED_SENDER = 3;
    private static final int SHAPED_MBIT = 20;
    private static final String TUN = "whydelay";
    private final Path work = Path.of("target", "session-lab").toAbsolutePath();
    private final String tag = "y" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt(1 << 16));
    private NetnsLab lab;
    private Process delayLine;
    private Path dir;

    @BeforeAll
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void setUp() throws Exception {
        Chromium.require();
        Files.createDirectories(work);
        dir = Files.createTempDirectory(work, "why");
        lab = NetnsLab.create("ijy", 239, HOSTS, dir.resolve("lab"), Set.of(), Map.of(), NetnsLab.Layout.FLAT);
        // the shaped link: tbf on both ends of host SHAPED's veth, as FleetFaultLabTest's slow host
        for (String[] dev : new String[][] {{"host", lab.hostPort(SHAPED)}, {"hub", lab.hubPort(SHAPED)}}) {
            String[] tc = {"tc", "qdisc", "replace", "dev", dev[1], "root", "tbf", "rate", SHAPED_MBIT + "mbit", "burst", "32768",
                    "latency", "100ms"};
            assertThat(dev[0].equals("host") ? lab.exec(SHAPED, tc) : lab.execHub(tc)).as("tc on %s", dev[1]).isEmpty();
        }
        // the small receiver: its buffer capped, and what it sends to its sender held DELAY_MS in a delay line
        Path source = Path.of("").toAbsolutePath().getParent().resolve("scripts/delayline.c");
        if (!Files.isRegularFile(source)) {
            fail("no " + source + " (the repository's own copy of the delay line)");
        }
        Path bin = dir.resolve("delayline");
        Process cc = new ProcessBuilder("cc", "-O2", "-o", bin.toString(), source.toString()).redirectErrorStream(true).start();
        assertThat(cc.waitFor(60, TimeUnit.SECONDS) && cc.exitValue() == 0).as("cc delayline.c: %s",
                new String(cc.getInputStream().readAllBytes())).isTrue();
        assertThat(lab.exec(WINDOW, "sysctl", "-qw", "net.ipv4.tcp_rmem=4096 131072 " + RMEM_MAX, "net.ipv4.ip_forward=1",
                "net.ipv4.conf.all.accept_local=1", "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0",
                "net.ipv4.conf.default.accept_local=1")).isEmpty();
        delayLine = new ProcessBuilder("ip", "netns", "exec", lab.ns(WINDOW), bin.toString(), TUN, Integer.toString(DELAY_MS))
                .redirectErrorStream(true).redirectOutput(dir.resolve("delayline.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!lab.exec(WINDOW, "ip", "-o", "link", "show").contains(TUN + ":")) {
            assertThat(delayLine.isAlive()).as("the delay line: %s", Files.readString(dir.resolve("delayline.log"))).isTrue();
            assertThat(System.nanoTime()).as("the delay line's TUN device").isLessThan(deadline);
            Thread.sleep(50);
        }
        // packets the receiver itself sends to its sender (iif lo) go through the TUN device; written back by the
        // delay line they come in on the TUN device and are routed on by the main table
        lab.exec(WINDOW, "ip", "link", "set", TUN, "up");
        lab.exec(WINDOW, "sysctl", "-qw", "net.ipv4.conf." + TUN + ".rp_filter=0", "net.ipv4.conf." + TUN + ".accept_local=1");
        lab.exec(WINDOW, "ip", "route", "add", "default", "dev", TUN, "table", "100");
        lab.exec(WINDOW, "ip", "rule", "add", "from", lab.address(WINDOW), "to", lab.address(WINDOW_SENDER), "iif", "lo",
                "lookup", "100");
        String ping = lab.exec(WINDOW_SENDER, "ping", "-c", "3", "-i", "0.2", "-q", lab.address(WINDOW));
        assertThat(ping).as("the long path's RTT").containsPattern("rtt min/avg/max/mdev = (2[5-9]|[3-9][0-9])\\.");
    }

    @AfterAll
    void tearDown() throws Exception {
        if (delayLine != null) {
            delayLine.destroy();
            if (!delayLine.waitFor(5, TimeUnit.SECONDS)) {
                delayLine.destroyForcibly();
            }
        }
        if (lab != null) {
            lab.close();
        }
        for (int i = 1; i <= HOSTS; i++) {
            NetnsLab.removeStateFolders(id(i));
        }
    }

    private String id(int i) {
        return tag + "h" + i;
    }

    @Test
    void bothCausesAreOnTheRightCellsOfTheReportAndInPrometheus() throws Exception {
        String iperf3j = IperfJar.command();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (Pushgateway gw = Pushgateway.start(dir, port);
                Prometheus prom = Prometheus.scraping(dir, "127.0.0.1:" + port, "pushgateway")) {
            StringBuilder yaml = new StringBuilder("push: {endpoint: \"" + gw.url() + "\", job: why}\nhosts:\n");
            for (int i = 1; i <= HOSTS; i++) {
                yaml.append("  - id: ").append(id(i)).append("\n    address: ").append(lab.address(i))
                        .append("\n    iperf: iperf3j\n    commands: {iperf3j: \"").append(iperf3j).append("\"}\n")
                        .append("    connection:\n      type: ssh\n      user: root\n      identity: ").append(lab.key())
                        .append("\n      known_hosts: ").append(lab.knownHosts()).append("\n      accept_new_host_keys: true\n");
            }
            yaml.append("tests:\n  - name: w\n    pairs: [[").append(id(WINDOW_SENDER)).append(", ").append(id(WINDOW)).append("], [")
                    .append(id(SHAPED_SENDER)).append(", ").append(id(SHAPED)).append("], [").append(id(5)).append(", ").append(id(6))
                    .append("], [").append(id(6)).append(", ").append(id(WINDOW_SENDER)).append("]]\n    direction: up\n    duration: 3\n");
            Path plan = Files.writeString(dir.resolve("plan.yaml"), yaml);
            Path out = dir.resolve("out");
            Path html = dir.resolve("report.html");
            List<String> cmd = new ArrayList<>(List.of(iperf3j.split(" ")));
            cmd.addAll(List.of("session", plan.toString(), "-o", out.toString(), "--report", html.toString()));
            long started = System.nanoTime();
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("session.txt").toFile()).start();
            try {
                assertThat(p.waitFor(4, TimeUnit.MINUTES)).as("the session ends").isTrue();
            } finally {
                p.destroyForcibly();
            }
            String said = Files.readString(dir.resolve("session.txt"));
            Files.writeString(work.resolve("why-lab.txt"), String.format("6-host why session, 4 tests of 3 s: %.1f s%n",
                    (System.nanoTime() - started) / 1e9));
            assertThat(p.exitValue()).as(said).isZero();

            // tests.jsonl: each test's verdict, on its own pair
            Map<String, JsonNode> byPair = new java.util.HashMap<>();
            for (JsonNode t : PlanRun.tests(out)) {
                assertThat(t.path("status").asText()).as("%s", t).isEqualTo("ok");
                JsonNode why = t.path("why");
                assertThat(why.size()).as("%s", t).isEqualTo(1);
                assertThat(why.get(0).path("from").asText()).isEqualTo(t.path("sender").asText());
                assertThat(why.get(0).path("to").asText()).isEqualTo(t.path("receiver").asText());
                byPair.put(t.path("sender").asText() + " → " + t.path("receiver").asText(), why.get(0));
            }
            String windowPair = id(WINDOW_SENDER) + " → " + id(WINDOW);
            String shapedPair = id(SHAPED_SENDER) + " → " + id(SHAPED);
            assertThat(byPair.get(windowPair).path("cause").asText()).as("%s", byPair).isEqualTo("receiver_window");
            assertThat(byPair.get(windowPair).path("remedy").asText()).contains("tcp_rmem");
            assertThat(byPair.get(shapedPair).path("cause").asText()).as("%s", byPair).isEqualTo("path");
            assertThat(byPair.entrySet()).as("no other pair is window-limited or has a path this slow").allSatisfy(e -> {
                if (!e.getKey().equals(windowPair)) {
                    assertThat(e.getValue().path("cause").asText()).as(e.getKey()).isNotEqualTo("receiver_window");
                }
            });
            // the summary: the letters in the matrix, the window's change (a line broken at 100 columns, joined here)
            assertThat(said.replace("\n  ", " ")).contains("W receiver's window", id(WINDOW_SENDER) + " -> " + id(WINDOW) + " (w_" + id(WINDOW_SENDER)
                    + "-" + id(WINDOW) + "): limited by the receiver's window; change: on the receiver (the server): raise"
                    + " net.ipv4.tcp_rmem");

            // the report in headless Chromium: both causes on the right cells, and in the verdicts' table
            Chromium.Page page = Chromium.open(html);
            assertThat(page.htmlAttributes().get("data-status")).as(page.console().toString()).isEqualTo("ready");
            assertThat(page.console()).as("console messages").isEmpty();
            Map<String, String> matrix = page.charts().stream().filter(c -> c.getOrDefault("data-chart", "").startsWith("matrix:"))
                    .findFirst().orElseThrow(() -> new AssertionError("no matrix on the page"));
            JsonNode cells = JSON.readTree(matrix.get("data-cells"));
            assertThat(cells.path(windowPair).path("cause").asText()).as("%s", cells).isEqualTo("receiver_window");
            assertThat(cells.path(shapedPair).path("cause").asText()).as("%s", cells).isEqualTo("path");
            assertThat(page.dom()).contains("data-from=\"" + id(WINDOW_SENDER) + "\" data-to=\"" + id(WINDOW)
                    + "\" data-cause=\"receiver_window\"", "data-from=\"" + id(SHAPED_SENDER) + "\" data-to=\"" + id(SHAPED)
                    + "\" data-cause=\"path\"", "Colour cells by", "What held each test back");

            // Prometheus, scraping the Pushgateway: the per-cause series of the right pairs
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            JsonNode window;
            JsonNode shaped;
            while (true) {
                window = prom.query("iperf3j_session_test_limited{cause=\"receiver_window\",exported_job=\"why\"}");
                shaped = prom.query("iperf3j_session_test_limited{cause=\"path\",exported_job=\"why\",from=\"" + id(SHAPED_SENDER) + "\"}");
                if (window.size() > 0 && shaped.size() > 0 || System.nanoTime() > deadline) {
                    break;
                }
                Thread.sleep(500);
            }
            assertThat(window).as("%s", prom.log()).hasSize(1);
            assertThat(window.get(0).path("metric").path("from").asText()).isEqualTo(id(WINDOW_SENDER));
            assertThat(window.get(0).path("metric").path("to").asText()).isEqualTo(id(WINDOW));
            assertThat(window.get(0).path("value").get(1).asText()).isEqualTo("1");
            assertThat(shaped).hasSize(1);
            assertThat(shaped.get(0).path("metric").path("to").asText()).isEqualTo(id(SHAPED));
            JsonNode all = prom.query("count(iperf3j_session_test_limited{exported_job=\"why\"})");
            assertThat(all.get(0).path("value").get(1).asText()).as("one series per test").isEqualTo("4");
        }
    }
}
