package io.iperf3j.session.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.iperf3j.session.Pushgateway;
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
import java.util.function.Predicate;
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
 * Issue 37's fault lab: 24 hosts (namespaces, each with a real OpenSSH sshd at Debian's default
 * settings), one parallel plan run as a process (the jar), and a fault on each of five hosts and on
 * the Pushgateway: sshd down before the plan ({@link #DOWN}), sshd killed mid-test by its PIDs
 * ({@link #KILLED}), no iperf binary ({@link #NOBIN}), a link shaped by tbf to {@link #SLOW_MBIT}
 * Mbit/s ({@link #SLOW}), and the real Pushgateway stopped for the middle of the plan and started
 * again. Every fault touches only its own tests, each failure names its own cause, no iperf and no
 * file is left on any host, and every result is in the gateway under its own key at the end.
 */
@Tag("tool")
@Tag("root")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 8, unit = TimeUnit.MINUTES)
@Execution(ExecutionMode.CONCURRENT) // the labs' lane: beside the other tests, one lab at a time
@ResourceLock(NetnsLab.LANE)
class FleetFaultLabTest {
    private static final int HOSTS = 24;
    /** sshd stopped before the plan starts. */
    private static final int DOWN = 4;
    /** sshd (listener and connections) killed while this host's server runs a test. */
    private static final int KILLED = 10;
    /** {@code iperf3: /nonexistent/iperf3}. */
    private static final int NOBIN = 15;
    /** Its link shaped by tbf, both ways. */
    private static final int SLOW = 22;
    private static final int SLOW_MBIT = 4;
    /** The tbf bucket, bytes: what may pass above the rate. */
    private static final int SLOW_BURST = 32 * 1024;
    private static final int REPEAT = 3;
    private static final int TESTS = HOSTS * REPEAT;
    private final Path work = Path.of("target", "session-lab").toAbsolutePath();
    private final String tag = "q" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt(1 << 16));
    private NetnsLab lab;

    @BeforeAll
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void setUp() throws Exception {
        Files.createDirectories(work);
        lab = NetnsLab.create("ijq", 243, HOSTS, Files.createTempDirectory(work, "fault"), Set.of(), Map.of(), NetnsLab.Layout.FLAT);
    }

    @AfterAll
    void tearDown() throws Exception {
        if (lab != null) {
            lab.close();
        }
        // this run's session folders (its ids carry its tag): the killed host's, whose agent may have died with its sshd
        for (int i = 1; i <= HOSTS; i++) {
            NetnsLab.removeStateFolders(id(i));
        }
    }

    private String id(int i) {
        return tag + "h" + i;
    }

    private String hostYaml(int i) {
        return "  - id: " + id(i) + "\n    address: " + lab.address(i) + "\n    iperf: iperf3\n    commands: {iperf3: \""
                + (i == NOBIN ? "/nonexistent/iperf3" : "/usr/bin/iperf3") + "\"}\n    connection:\n      type: ssh\n"
                + "      user: root\n      identity: " + lab.key() + "\n      known_hosts: " + lab.knownHosts()
                + "\n      accept_new_host_keys: true\n      connect_timeout: 5\n      auth_timeout: 5\n";
    }

    /** Host i's sender in the ring (i-1 sends to i). */
    private static int before(int i) {
        return i == 1 ? HOSTS : i - 1;
    }

    @Test
    void eachFaultFailsOnlyItsOwnTestsAndLeavesNothingBehind() throws Exception {
        Path dir = Files.createTempDirectory(work, "fleet-faults");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (Pushgateway gw = Pushgateway.start(dir, port)) {
            // a ring, each host sending to the next, three times: 72 tests, every host in six
            StringBuilder yaml = new StringBuilder("parallel: true\npush: {endpoint: \"" + gw.url() + "\", job: fleetfault}\nhosts:\n");
            List<String> pairs = new ArrayList<>();
            for (int i = 1; i <= HOSTS; i++) {
                yaml.append(hostYaml(i));
                pairs.add("[" + id(i) + ", " + id(i % HOSTS + 1) + "]");
            }
            yaml.append("tests:\n  - name: ring\n    pairs: [").append(String.join(", ", pairs)).append("]\n    direction: up\n"
                    + "    duration: 1\n    args: [-b, 50M]\n    repeat: ").append(REPEAT).append('\n');
            lab.stopSshd(DOWN);
            for (String[] dev : new String[][] {{"host", lab.hostPort(SLOW)}, {"hub", lab.hubPort(SLOW)}}) {
                String[] tc = {"tc", "qdisc", "replace", "dev", dev[1], "root", "tbf", "rate", SLOW_MBIT + "mbit", "burst",
                        Integer.toString(SLOW_BURST), "latency", "100ms"};
                String said = dev[0].equals("host") ? lab.exec(SLOW, tc) : lab.execHub(tc);
                assertThat(said).as("tc on %s", dev[1]).isEmpty();
            }

            Path outDir = dir.resolve("out");
            Path stdout = dir.resolve("stdout.txt");
            long started = System.nanoTime();
            Process p = session(dir, yaml);
            try {
                // the gateway is down from the 16th result to the 40th
                await(p, stdout, s -> s.contains("[16/" + TESTS + "]"), "16 results");
                gw.stop();
                // the killed host: one of its tests ok first, then its sshd killed while it serves its sender's client
                await(p, stdout, s -> s.lines().anyMatch(l -> l.contains(" " + id(KILLED) + " ") && l.contains(": ok ")),
                        "a test of host " + KILLED + " ok");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (!(running(KILLED, " -s ") && running(before(KILLED), " -c " + lab.address(KILLED) + " "))) {
                    assertThat(System.nanoTime()).as("no test into host %d ran: %s", KILLED, Files.readString(stdout)).isLessThan(deadline);
                    assertThat(p.isAlive()).as("the session ended early: %s", Files.readString(stdout)).isTrue();
                    Thread.sleep(50);
                }
                Thread.sleep(300);
                lab.killSshd(KILLED);
                await(p, stdout, s -> s.contains("[40/" + TESTS + "]"), "40 results");
                gw.startAgain();
                assertThat(p.waitFor(6, TimeUnit.MINUTES)).as("the session ends").isTrue();
            } finally {
                p.destroyForcibly();
            }
            long wall = System.nanoTime() - started;
            String said = Files.readString(stdout);
            String warned = Files.readString(dir.resolve("stderr.txt"));
            Files.writeString(work.resolve("fleet-faults.txt"), String.format("plan of %d tests on %d hosts with 5 faults: %.1f s%n",
                    TESTS, HOSTS, wall / 1e9));
            assertThat(p.exitValue()).as(said + warned).isEqualTo(1);

            List<JsonNode> tests = PlanRun.tests(outDir);
            assertThat(tests).as(said).hasSize(TESTS);
            Set<String> faulty = Set.of(id(DOWN), id(KILLED), id(NOBIN));
            for (JsonNode t : tests) {
                String sender = t.get("sender").asText();
                String receiver = t.get("receiver").asText();
                String error = t.path("error").asText();
                if (!faulty.contains(sender) && !faulty.contains(receiver)) {
                    // healthy hosts, the slow link included: every test ran
                    assertThat(t.get("status").asText()).as("%s", t).isEqualTo("ok");
                    double mbit = t.get("received_bits_per_second").asDouble() / 1e6;
                    if (sender.equals(id(SLOW)) || receiver.equals(id(SLOW))) {
                        // at most the rate, and the bucket once, over the 1-s test
                        assertThat(mbit).as("%s", t).isLessThanOrEqualTo(SLOW_MBIT + SLOW_BURST * 8 / 1e6);
                    } else {
                        // more than the shaped link can ever carry: not held back by it. How near its -b 50M a healthy
                        // test comes is the machine's load, not the product's (run 42: 30.2 Mbit/s at load 8 on 2
                        // cores); that is for bench/, not a bound here
                        assertThat(mbit).as("%s", t).isGreaterThan(SLOW_MBIT + SLOW_BURST * 8 / 1e6);
                    }
                } else if (sender.equals(id(DOWN)) || receiver.equals(id(DOWN))) {
                    assertThat(t.get("status").asText()).as("%s", t).isEqualTo("failed");
                    assertThat(error).as("%s", t).startsWith("ConnectionError").contains(
                            "connect to host " + lab.address(DOWN) + " port 22: Connection refused");
                } else if (sender.equals(id(NOBIN)) || receiver.equals(id(NOBIN))) {
                    assertThat(t.get("status").asText()).as("%s", t).isEqualTo("failed");
                    assertThat(error).as("%s", t).startsWith("IperfCommandError").contains("/nonexistent/iperf3", "on " + id(NOBIN),
                            "127");
                } else if (t.get("status").asText().equals("failed")) {
                    // the killed host: the test cut by the kill, then every later one, name its lost connection
                    assertThat(error).as("%s", t).startsWith("ConnectionError").contains(
                            "the ssh connection ssh root@" + lab.address(KILLED) + ":22 was lost");
                }
            }
            List<JsonNode> killed = tests.stream().filter(t -> t.get("sender").asText().equals(id(KILLED))
                    || t.get("receiver").asText().equals(id(KILLED))).toList();
            assertThat(killed).as("host %d's tests", KILLED).hasSize(2 * REPEAT)
                    .anySatisfy(t -> assertThat(t.get("status").asText()).isEqualTo("ok"))
                    .anySatisfy(t -> assertThat(t.get("error").asText()).contains("'/usr/bin/iperf3 -s -p 5201 -1 -J' on " + id(KILLED)))
                    .anySatisfy(t -> assertThat(t.get("error").asText()).contains("logging in again failed",
                            "connect to host " + lab.address(KILLED) + " port 22: Connection refused"));

            // nothing left on any host; the killed host's server of the cut test ends by itself (a one-off)
            for (int i = 1; i <= HOSTS; i++) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                while (!lab.iperfProcesses(i).isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertThat(lab.iperfProcesses(i)).as("iperf left on host %d", i).isEmpty();
                List<String> left = leftOnHost(i);
                if (i == KILLED) {
                    // out of reach since its sshd died: at most the cut test's server output and the PID files
                    // (server.pid, client.pid) in its folder (with the agent's lock, the listen check's probe and port, and the client's error file),
                    // unless the agent saw its end of input and cleaned up itself
                    assertThat(left).as("files left on host %d", i).allSatisfy(f -> assertThat(f).matches(".*/(|live\\.lock|([0-9]+|server|client)\\.pid|probe|port|client\\.err|.*\\.out)"));
                    assertThat(left.stream().filter(f -> f.endsWith(".out"))).as("files left on host %d", i).hasSizeLessThanOrEqualTo(1);
                    assertThat(left.stream().filter(f -> f.matches(".*/[0-9]+\\.pid"))).as("files left on host %d", i).isEmpty();
                } else {
                    assertThat(left).as("files left on host %d", i).isEmpty();
                }
            }

            // the gateway was down for a third of the plan: every result is there, under its own key
            assertThat(warned).contains("results are held", "answers again");
            assertThat(said).contains("all " + TESTS + " result(s) pushed");
            String metrics = gw.metrics();
            for (JsonNode t : tests) {
                String series = metrics.lines().filter(l -> l.startsWith("iperf3j_session_test_success{")
                        && l.contains("id=\"" + t.get("id").asText() + "\"") && l.contains("job=\"fleetfault\"")).findFirst()
                        .orElseThrow(() -> new AssertionError("no series for " + t.get("id").asText()));
                assertThat(series).as("%s", t).endsWith(t.get("status").asText().equals("ok") ? " 1" : " 0");
            }
        }
    }

    /**
     * Issue 66: a host whose link goes down mid-plan (no refusal: its packets go nowhere) costs only its own tests, each
     * failing within seconds with a sentence a person understands, and holds none of its partners: before, each of its tests
     * waited out one SSH timeout after another (30 s each, in MINA's words) while its partners waited too. Ten hosts none of
     * the other test's faults touch, each sending to the next two (20 pairs, 3 times, parallel); once a test of the silent
     * host has passed, the hub's side of its link goes down while it serves a 3-s test.
     */
    @Test
    void aHostWhoseLinkGoesDownCostsOnlyItsOwnTestsEachWithinSeconds() throws Exception {
        int[] hosts = {1, 2, 3, 5, 6, 7, 8, 9, 11, 12};
        int silent = 6;
        Path dir = Files.createTempDirectory(work, "link-down");
        StringBuilder yaml = new StringBuilder("parallel: true\nhosts:\n");
        List<String> pairs = new ArrayList<>();
        for (int k = 0; k < hosts.length; k++) {
            yaml.append(hostYaml(hosts[k]));
            pairs.add("[" + id(hosts[k]) + ", " + id(hosts[(k + 1) % hosts.length]) + "]");
            pairs.add("[" + id(hosts[k]) + ", " + id(hosts[(k + 2) % hosts.length]) + "]");
        }
        yaml.append("tests:\n  - name: down\n    pairs: [").append(String.join(", ", pairs)).append("]\n    direction: up\n"
                + "    duration: 3\n    args: [-b, 20M]\n    repeat: 3\n");
        Path outDir = dir.resolve("out");
        Path stdout = dir.resolve("stdout.txt");
        Process p = session(dir, yaml);
        long down;
        try {
            await(p, stdout, s -> s.lines().anyMatch(l -> l.contains(" " + id(silent) + " ") && l.contains(": ok ")),
                    "a test of host " + silent + " ok");
            // the hard moment: while the silent host serves a test, its client sending to it (which never hears of it again)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!(running(silent, " -s ") && sendsTo(hosts, silent))) {
                assertThat(System.nanoTime()).as("no test into host %d ran: %s", silent, Files.readString(stdout)).isLessThan(deadline);
                assertThat(p.isAlive()).as("the session ended early: %s", Files.readString(stdout)).isTrue();
                Thread.sleep(50);
            }
            assertThat(lab.execHub("ip", "link", "set", "dev", lab.hubPort(silent), "down")).isEmpty();
            down = System.nanoTime();
            assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("the session ends").isTrue();
        } finally {
            p.destroyForcibly();
            lab.execHub("ip", "link", "set", "dev", lab.hubPort(silent), "up");
        }
        double afterDown = (System.nanoTime() - down) / 1e9;
        String said = Files.readString(stdout);
        List<JsonNode> tests = PlanRun.tests(outDir);
        assertThat(tests).as(said).hasSize(60);
        List<JsonNode> failed = new ArrayList<>();
        for (JsonNode t : tests) {
            boolean touched = t.get("sender").asText().equals(id(silent)) || t.get("receiver").asText().equals(id(silent));
            if (!touched) {
                assertThat(t.get("status").asText()).as("a healthy pair: %s", t).isEqualTo("ok");
            } else if (!t.get("status").asText().equals("ok")) {
                failed.add(t);
            }
        }
        // the silent host's tests after the link went down (the one it served included): every one failed, saying so in a
        // sentence, each in seconds
        assertThat(failed).as(said).hasSizeGreaterThanOrEqualTo(6).allSatisfy(t -> {
            assertThat(t.get("status").asText()).isEqualTo("failed");
            assertThat(t.get("error").asText()).as("%s", t).startsWith("ConnectionError")
                    .contains("host " + id(silent) + " (" + lab.address(silent) + ") does not answer: no SSH reply within 5 s");
            assertThat(t.get("duration_seconds").asDouble()).as("%s", t).isLessThan(10);
        });
        // the test it was serving when its link went down: its client, which never heard of it again, was stopped
        assertThat(failed).as("the test in flight into host %d: %s", silent, said).anySatisfy(t -> {
            assertThat(t.get("receiver").asText()).isEqualTo(id(silent));
            assertThat(t.get("duration_seconds").asDouble()).isGreaterThan(1);
        });
        // 12 tests of 30 s one after another before; now the plan ends in about the healthy hosts' own time
        Files.writeString(work.resolve("link-down.txt"), String.format("%d of the silent host's tests failed; the plan ended %.1f s after"
                + " its link went down%n", failed.size(), afterDown));
        assertThat(afterDown).as("the plan's end after the link went down: %s", said).isLessThan(120);
    }

    /**
     * Issue 66's "what must be shown": the same ten hosts on a schedule (every 30 s, parallel, 20 pairs: each host to the
     * ones 3 and 5 after it, in an order where a test's hosts are free when it is due), scraped by a real
     * Prometheus that evaluates the shipped alerting rules ({@code dist/src/main/prometheus/iperf3j-alerts.yml}). After a run
     * all ok, one host's link goes down: from the next run on, each of its tests fails within 10 s, no healthy pair fails or is
     * skipped, and Prometheus's own {@code IperfTestFailing} fires for each of that host's four pairs (its {@code ALERTS}
     * series, read back from its API), and for no other.
     */
    @Test
    void aScheduledHostWhoseLinkGoesDownFiresTheShippedAlertForEachOfItsPairs() throws Exception {
        // not host 6: the link-down test above cuts host 6 while its agent holds the host's slot ({@code flock} in the
        // host's state folder), and that agent, its controller gone, gives the slot back only when sshd drops the dead
        // connection: a session started soon after found host 6 "in another session's test" for 21 s (stop 73's CI)
        int[] hosts = {1, 2, 3, 5, 7, 8, 9, 11, 12, 13};
        int silent = 7;
        Path dir = Files.createTempDirectory(work, "schedule-down");
        StringBuilder yaml = new StringBuilder("parallel: true\nschedule: {every: 30s, slip: 20s}\nhosts:\n");
        List<String> pairs = new ArrayList<>();
        for (int k = 0; k < hosts.length; k++) {
            yaml.append(hostYaml(hosts[k]));
        }
        // a ring's neighbours one after the other make a chain, each test waiting for the one before (a schedule that cannot
        // keep up, which the session rightly warns of): these pairs, in this order, share no host with the tests due near them
        for (int hop : new int[] {5, 3}) {
            for (int k = 0; k < hosts.length; k++) {
                pairs.add("[" + id(hosts[k]) + ", " + id(hosts[(k + hop) % hosts.length]) + "]");
            }
        }
        yaml.append("tests:\n  - name: sched\n    pairs: [").append(String.join(", ", pairs)).append("]\n    direction: up\n"
                + "    duration: 2\n    args: [-b, 20M]\n");
        Path outDir = dir.resolve("out");
        Path stdout = dir.resolve("stdout.txt");
        Process p = session(dir, yaml, "--metrics.listen", "127.0.0.1:0");
        Prometheus prometheus = null;
        long downRun;
        List<String> silentIds = new ArrayList<>();
        try {
            await(p, stdout, s -> s.contains("/metrics"), "the metrics address");
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("metrics on http://([0-9.]+:[0-9]+)/metrics")
                    .matcher(Files.readString(stdout));
            assertThat(m.find()).isTrue();
            prometheus = Prometheus.scraping(Files.createDirectories(dir.resolve("prometheus")), m.group(1), "iperf3j_session",
                    Path.of("..", "dist", "src", "main", "prometheus", "iperf3j-alerts.yml").toAbsolutePath().normalize());
            // run 1 whole and ok
            await(p, stdout, s -> linesOfRun(outDir, 1) == pairs.size(), "run 1's 20 lines");
            assertThat(Files.readString(stdout)).as("a schedule that keeps up").doesNotContain("falling behind");
            assertThat(PlanRun.tests(outDir)).as(Files.readString(stdout)).allSatisfy(
                    t -> assertThat(t.get("status").asText()).as("%s", t).isEqualTo("ok"));
            assertThat(lab.execHub("ip", "link", "set", "dev", lab.hubPort(silent), "down")).isEmpty();
            // the first run wholly after the link went down, and the one after it
            downRun = PlanRun.tests(outDir).stream().mapToLong(t -> t.path("run").asLong()).max().orElseThrow() + 1;
            long until = downRun + 1;
            await(p, stdout, s -> linesOfRun(outDir, until) == pairs.size(), "runs " + downRun + " and " + until);
            for (JsonNode t : PlanRun.tests(outDir)) {
                if (t.path("sender").asText().equals(id(silent)) || t.path("receiver").asText().equals(id(silent))) {
                    if (!silentIds.contains(t.path("id").asText())) {
                        silentIds.add(t.path("id").asText());
                    }
                }
            }
            assertThat(silentIds).hasSize(4);
            // Prometheus's own evaluation of the shipped rule: firing (after its for: 1m) for each of the silent host's pairs
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
            JsonNode firing = prometheus.query("ALERTS{alertname=\"IperfTestFailing\",alertstate=\"firing\"}");
            while (firing.size() < 4) {
                assertThat(System.nanoTime()).as("the alert did not fire for the 4 pairs: %s %s", firing, Files.readString(stdout))
                        .isLessThan(deadline);
                assertThat(p.isAlive()).as("the session ended: %s", Files.readString(stdout)).isTrue();
                Thread.sleep(1000);
                firing = prometheus.query("ALERTS{alertname=\"IperfTestFailing\",alertstate=\"firing\"}");
            }
            List<String> alerted = new ArrayList<>();
            firing.forEach(a -> alerted.add(a.path("metric").path("id").asText()));
            assertThat(alerted).as("%s", firing).containsExactlyInAnyOrderElementsOf(silentIds);
            p.destroy(); // SIGTERM: the schedule ends as its unit's stop does
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the session ends on SIGTERM").isTrue();
            assertThat(p.exitValue()).as(Files.readString(stdout)).isZero();
        } finally {
            p.destroyForcibly();
            lab.execHub("ip", "link", "set", "dev", lab.hubPort(silent), "up");
            if (prometheus != null) {
                prometheus.close();
            }
        }
        String said = Files.readString(stdout);
        for (JsonNode t : PlanRun.tests(outDir)) {
            if (t.path("run").asLong() < downRun || t.path("run").asLong() > downRun + 1) {
                continue;
            }
            if (silentIds.contains(t.path("id").asText())) {
                assertThat(t.get("status").asText()).as("%s", t).isEqualTo("failed");
                assertThat(t.get("error").asText()).as("%s", t)
                        .contains("host " + id(silent) + " (" + lab.address(silent) + ") does not answer");
                assertThat(t.get("duration_seconds").asDouble()).as("%s", t).isLessThan(10);
            } else {
                assertThat(t.get("status").asText()).as("a healthy pair, not failed nor skipped: %s %s", t, said).isEqualTo("ok");
            }
        }
    }

    /**
     * Starts {@code iperf3j session DIR/plan.yaml -o DIR/out OPTIONS} (the jar) on {@code yaml}, its output in
     * {@code DIR/stdout.txt} and {@code DIR/stderr.txt}.
     */
    private static Process session(Path dir, CharSequence yaml, String... options) throws Exception {
        Path plan = dir.resolve("plan.yaml");
        Files.writeString(plan, yaml);
        List<String> cmd = new ArrayList<>(List.of(IperfJar.command().split(" ")));
        cmd.addAll(List.of("session", plan.toString(), "-o", dir.resolve("out").toString()));
        cmd.addAll(List.of(options));
        return new ProcessBuilder(cmd).redirectError(dir.resolve("stderr.txt").toFile())
                .redirectOutput(dir.resolve("stdout.txt").toFile()).start();
    }

    /** How many lines {@code outDir/tests.jsonl} has of run {@code run} (0 before the file is there). */
    private static long linesOfRun(Path outDir, long run) {
        try {
            return Files.exists(outDir.resolve("tests.jsonl"))
                    ? PlanRun.tests(outDir).stream().filter(t -> t.path("run").asLong() == run).count() : 0;
        } catch (Exception e) {
            return 0; // a line being written: read again at the next look
        }
    }

    /** Whether a client sending to host {@code to} runs on one of {@code hosts}. */
    private boolean sendsTo(int[] hosts, int to) throws Exception {
        for (int h : hosts) {
            if (h != to && running(h, " -c " + lab.address(to) + " ")) {
                return true;
            }
        }
        return false;
    }

    /** Whether an iperf whose command line contains {@code with} runs on host i. */
    private boolean running(int i, String with) throws Exception {
        return lab.iperfProcesses(i).stream().anyMatch(c -> c.contains(with));
    }

    /** Waits (at most 3 min) until the session's stdout satisfies {@code until}. */
    private static void await(Process p, Path stdout, Predicate<String> until, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!until.test(Files.exists(stdout) ? Files.readString(stdout) : "")) {
            assertThat(System.nanoTime()).as("%s: %s", what, Files.readString(stdout)).isLessThan(deadline);
            assertThat(p.isAlive()).as("the session ended before %s: %s", what, Files.readString(stdout)).isTrue();
            Thread.sleep(50);
        }
    }

    /** What this test's sessions left in host i's state folders ({@link NetnsLab#leftInStateRoot}). */
    private List<String> leftOnHost(int i) throws Exception {
        return NetnsLab.leftInStateRoot(id(i));
    }
}
