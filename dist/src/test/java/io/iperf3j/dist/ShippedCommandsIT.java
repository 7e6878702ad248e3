package io.iperf3j.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iperf3j.session.command.SessionCommand;
import io.iperf3j.session.lab.NetnsLab;
import io.iperf3j.testing.FreePorts;
import io.iperf3j.testing.Iperf3Binary;
import io.iperf3j.testing.Iperf3Process;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every subcommand and flag family the README shows, run as a user runs them: as processes of
 * each {@link Installation} (the image with no JDK, the source tree's launcher), each checked
 * by what it wrote (JSON fields, non-zero bytes where data moved, the HTML report, the session's
 * result files, the Pushgateway's series, the metrics file), not only by its exit status.
 *
 * <p>Why processes: every other test of {@code report} and {@code session} called their classes
 * in the test's JVM, whose class path has jackson-databind; the shipped jar did not, and both
 * commands died with {@code NoClassDefFoundError} from the launcher, the image and the .deb.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ShippedCommandsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CLIENT = Duration.ofSeconds(60);
    private static final Duration SERVER_START = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    // ------------------------------------------------------------ -s / -c over loopback

    @ParameterizedTest(name = "{0}")
    @EnumSource(Installation.class)
    void tcpJsonThenItsReport(Installation in) throws Exception {
        Finished client = againstServer(in, "-t", "1", "-J");
        JsonNode doc = TarballIT.assertReceived(client.stdout);
        assertThat(doc.at("/start/test_start/protocol").asText()).isEqualTo("TCP");
        assertThat(doc.at("/start/version").asText()).isEqualTo("iperf3j " + Dist.version());
        Path json = Files.writeString(dir.resolve("run.json"), client.stdout);

        Path html = dir.resolve("r.html");
        Finished report = run(in, "report", json.toString(), "-o", html.toString());
        assertThat(report.status).as(report.all()).isZero();
        assertReportShows(html, doc.at("/end/sum_received/bytes").asLong());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Installation.class)
    void udpAtABitrate(Installation in) throws Exception {
        Finished client = againstServer(in, "-u", "-b", "10M", "-t", "1", "-J");
        JsonNode doc = JSON.readTree(client.stdout);
        assertThat(doc.has("error")).as(client.stdout).isFalse();
        assertThat(doc.at("/start/test_start/protocol").asText()).isEqualTo("UDP");
        assertThat(doc.at("/end/sum/packets").asLong()).as(client.stdout).isPositive();
        assertThat(doc.at("/end/sum/bytes").asLong()).as(client.stdout).isPositive();
        assertThat(doc.at("/end/sum/lost_percent").isNumber()).as(client.stdout).isTrue();
        // 10 Mbit/s for 1 s, paced: about 1.25 MB, not an unlimited blast
        assertThat(doc.at("/end/sum/bytes").asLong()).isBetween(500_000L, 3_000_000L);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Installation.class)
    void reverse(Installation in) throws Exception {
        JsonNode doc = TarballIT.assertReceived(againstServer(in, "-R", "-t", "1", "-J").stdout);
        assertThat(doc.at("/start/test_start/reverse").asInt()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Installation.class)
    void bidir(Installation in) throws Exception {
        JsonNode doc = TarballIT.assertReceived(againstServer(in, "--bidir", "-t", "1", "-J").stdout);
        assertThat(doc.at("/start/test_start/bidir").asInt()).isEqualTo(1);
        assertThat(doc.at("/end/sum_received_bidir_reverse/bytes").asLong()).as("%s", doc.at("/end")).isPositive();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Installation.class)
    void plainText(Installation in) throws Exception {
        Finished client = againstServer(in, "-t", "1");
        assertThat(client.stdout).contains("Connecting to host 127.0.0.1")
                .containsPattern(TarballIT.FIRST_INTERVAL)
                .containsPattern("[1-9][0-9.]* [KMG]Bytes .* sender").contains("receiver").contains("iperf Done.");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Installation.class)
    void jsonStreamThenItsReport(Installation in) throws Exception {
        Finished client = againstServer(in, "-t", "1", "--json-stream");
        List<JsonNode> events = new ArrayList<>();
        for (String line : client.stdout.lines().toList()) {
            events.add(JSON.readTree(line));
        }
        assertThat(events).extracting(e -> e.path("event").asText()).startsWith("start").contains("interval").endsWith("end");
        long received = events.getLast().at("/data/sum_received/bytes").asLong();
        assertThat(received).as(client.stdout).isPositive();
        Path stream = Files.writeString(dir.resolve("run.jsonl"), client.stdout);

        Path html = dir.resolve("s.html");
        Finished report = run(in, "report", stream.toString(), "-o", html.toString());
        assertThat(report.status).as(report.all()).isZero();
        assertReportShows(html, received);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Installation.class)
    void loopback(Installation in) throws Exception {
        Finished run = run(in, "--loopback", "-t", "1", "-J");
        assertThat(run.status).as(run.all()).isZero();
        TarballIT.assertReceived(run.stdout);
    }

    /** {@code --latency} as the README shows it (text), with {@code --report FILE} drawing the run. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Installation.class)
    void latencyUnderLoadWithItsReport(Installation in) throws Exception {
        Path html = dir.resolve("latency.html");
        Finished client = againstServer(in, "--latency", "-t", "1", "--report", html.toString());
        assertThat(client.stdout).contains("RTT p50/p99").contains("Latency (round trip of a UDP probe")
                .containsPattern("idle +[0-9.]+ +[0-9.]+").containsPattern("loaded +[0-9.]+")
                .contains("Latency under load: ").contains("iperf Done.");
        assertThat(html).isRegularFile();
        // the verdict's figures, drawn only for a run that had --latency
        assertThat(Files.readString(html)).contains("\"receiver_bytes\":").contains("\"added_p50_us\":");
    }

    // ------------------------------------------------------------ the subcommands

    @ParameterizedTest(name = "{0}")
    @EnumSource(Installation.class)
    void sessionOfTwoLocalHostsWithNoIperf3jOnThePath(Installation in) throws Exception {
        try (Iperf3Process which = in.startOther(List.of("/bin/sh", "-c", "command -v iperf3j || echo none"))) {
            assertThat(which.waitFor(CLIENT)).isZero();
            assertThat(which.stdout().strip()).as("the session must find iperf3j without PATH").isEqualTo("none");
        }
        int port = FreePorts.next();
        Path plan = Files.writeString(dir.resolve("plan.yaml"), """
                hosts:
                  - {id: a, address: 127.0.0.1, connection: local}
                  - {id: b, address: 127.0.0.1}
                tests:
                  - {name: local, pairs: [[a, b]], direction: both, duration: 1, port: %d}
                """.formatted(port));
        Path out = dir.resolve("out");
        Finished session = run(in, "session", plan.toString(), "-o", out.toString());
        assertSessionOk(session, out, List.of("a>b", "b>a"));
        assertThat(session.stdout).contains("tcp: 2 tests");
    }

    /**
     * The AOT cache is a client's and a server's, not a session controller's (docs/design/footprint.md: the controller's
     * classes are not the cache's, and a cache is mapped and relocated whole): a server's JVM maps it, a session's does
     * not, seen in each process's own {@code /proc/PID/maps} once the launcher has become the JVM.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Installation.class)
    void aServerMapsTheAotCacheASessionDoesNot(Installation in) throws Exception {
        int port = FreePorts.next();
        try (Iperf3Process server = in.start(List.of("-s", "-p", Integer.toString(port)))) {
            assertThat(server.awaitListening(port, SERVER_START)).as("%s", server.stderr()).isTrue();
            assertThat(jvmMaps(server)).as("the server's mappings").anyMatch(l -> l.endsWith(".aot"));
        }
        Path plan = Files.writeString(dir.resolve("aot-plan.yaml"), """
                hosts:
                  - {id: a, address: 127.0.0.1, connection: local, iperf: iperf3}
                  - {id: b, address: 127.0.0.1, connection: local, iperf: iperf3}
                tests:
                  - {name: t, pairs: [[a, b]], duration: 3, port: %d}
                """.formatted(FreePorts.next()));
        try (Iperf3Process session = in.start(List.of("session", plan.toString(), "-o", dir.resolve("aot-out").toString()))) {
            jvmMaps(session);
            Thread.sleep(1_000); // past the JVM's start, where a cache is mapped, into the plan's 3 s test
            assertThat(jvmMaps(session)).as("the session's mappings").noneMatch(l -> l.endsWith(".aot"));
            assertThat(session.waitFor(CLIENT)).as("%s", session.stderr()).isZero();
        }
    }

    /** The lines of {@code p}'s {@code /proc/PID/maps} once it is a JVM (the launcher execs it: the same PID). */
    private static List<String> jvmMaps(Iperf3Process p) throws Exception {
        Path maps = Path.of("/proc", Long.toString(p.pid()), "maps");
        long deadline = System.nanoTime() + SERVER_START.toNanos();
        while (true) {
            List<String> lines = Files.readAllLines(maps);
            if (lines.stream().anyMatch(l -> l.endsWith("/libjvm.so")) && lines.stream().anyMatch(l -> l.endsWith("/lib/modules"))) {
                return lines;
            }
            assertThat(System.nanoTime()).as("%s became no JVM: %s", p, p.stderr()).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /**
     * A plan over SSH to two network-namespace hosts ({@link NetnsLab}: OpenSSH sshd with
     * ed25519 host keys, as current OpenSSH makes them), logged in the way a user already logs in
     * with {@code ssh}, nothing spelled out in the plan: h1 through a {@code ~/.ssh/config} alias,
     * h2 by its address alone, with the default identity {@code ~/.ssh/id_ed25519} (plain
     * {@code ssh-keygen}'s type) and a hashed {@code ~/.ssh/known_hosts}. The real OpenSSH client
     * logs in with the same files first, so the plan is one where {@code ssh host true} works.
     * The session runs as a process of the installation with that {@code HOME}; the hosts run
     * iperf3j from the same installation (the namespaces share the file system).
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Installation.class)
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void sessionOverSshLoggingInAsOpenSshDoes(Installation in) throws Exception {
        Path work = Dist.dir().resolve("shipped-session-" + in.name().toLowerCase());
        Installation.deleteTree(work);
        Path ssh = Files.createDirectories(work.resolve("home/.ssh"));
        try (NetnsLab lab = NetnsLab.create("ijs3", 224, 2, work.resolve("lab"), Set.of())) {
            Path identity = Files.copy(lab.key(), ssh.resolve("id_ed25519"));
            Path knownHosts = Files.writeString(ssh.resolve("known_hosts"), lab.address(1) + " " + lab.hostPublicKey(1) + "\n"
                    + lab.address(2) + " " + lab.hostPublicKey(2) + "\n");
            requireExit0(List.of("ssh-keygen", "-q", "-H", "-f", knownHosts.toString()));
            assertThat(Files.readString(knownHosts)).startsWith("|1|").doesNotContain(lab.address(1));
            Files.writeString(ssh.resolve("config"), """
                    Host lab1
                      HostName %s
                      User root
                      IdentityFile %s
                      UserKnownHostsFile %s
                    """.formatted(lab.address(1), identity, knownHosts));
            // the real client, with the same files (it takes ~ from the password database, not HOME: so -F, -i)
            requireExit0(List.of("ssh", "-F", ssh.resolve("config").toString(), "-o", "BatchMode=yes", "lab1", "true"));
            requireExit0(List.of("ssh", "-F", "/dev/null", "-o", "BatchMode=yes", "-i", identity.toString(),
                    "-o", "UserKnownHostsFile=" + knownHosts, "root@" + lab.address(2), "true"));
            Path plan = Files.writeString(work.resolve("plan.yaml"), """
                    hosts:
                      - {id: h1, address: %s, commands: {iperf3j: %s}, connection: {type: ssh, host: lab1}}
                      - {id: h2, address: %s, commands: {iperf3j: %s}, connection: {type: ssh}}
                    tests:
                      - {name: ssh, pairs: [[h1, h2]], direction: both, duration: 1, port: %d}
                    """.formatted(lab.address(1), in.program(), lab.address(2), in.program(), FreePorts.next()));
            Path out = work.resolve("out");
            String home = ssh.getParent().toString();
            Finished dryRun = runWithHome(in, home, Duration.ofSeconds(60), "session", "--dry-run", plan.toString());
            assertThat(dryRun.stdout).as(dryRun.all())
                    .contains("# h1 [ssh root@" + lab.address(1) + ":22]: login user root, address " + lab.address(1) + ":22, keys: "
                            + identity + ", known_hosts " + knownHosts + " (strict)")
                    .contains("# h2 [ssh root@" + lab.address(2) + ":22]: login user root, address " + lab.address(2) + ":22, keys: "
                            + identity + ", known_hosts " + knownHosts + " (strict)");
            Finished session = runWithHome(in, home, Duration.ofSeconds(240), "session", plan.toString(), "-o", out.toString());
            Files.writeString(work.resolve("session.txt"), session.all());
            assertSessionOk(session, out, List.of("h1>h2", "h2>h1"));

            // an ssh alias as a host's address: the login reads ~/.ssh/config, and the peer is told the
            // alias's HostName (as ssh -G prints it), not a name only this machine's config knows
            Path alias = Files.writeString(work.resolve("alias.yaml"), """
                    hosts:
                      - {id: h1, address: lab1, commands: {iperf3j: %s}, connection: {type: ssh}}
                      - {id: h2, address: %s, commands: {iperf3j: %s}, connection: {type: ssh}}
                    tests:
                      - {name: alias, pairs: [[h2, h1]], duration: 1, port: %d}
                    """.formatted(in.program(), lab.address(2), in.program(), FreePorts.next()));
            Finished aliasDryRun = runWithHome(in, home, Duration.ofSeconds(60), "session", "--dry-run", alias.toString());
            assertThat(aliasDryRun.stdout).as(aliasDryRun.all()).contains(" -c " + lab.address(1) + " -p ").doesNotContain("lab1 -p");
            Path aliasOut = work.resolve("alias-out");
            Finished aliasRun = runWithHome(in, home, Duration.ofSeconds(120), "session", alias.toString(), "-o", aliasOut.toString());
            assertSessionOk(aliasRun, aliasOut, List.of("h2>h1"));

            // a host key that is not in the known_hosts file read: the error names the file and the fix,
            // and the fix it names works
            Path fresh = Files.writeString(work.resolve("fresh_known_hosts"), "");
            Path unknownKey = Files.writeString(work.resolve("unknown-key.yaml"), """
                    hosts:
                      - {id: h1, address: %s, commands: {iperf3j: %s}, connection: {type: ssh, host: lab1}}
                      - {id: h2, address: %s, commands: {iperf3j: %s}, connection: {type: ssh, known_hosts: %s}}
                    tests:
                      - {name: key, pairs: [[h1, h2]], duration: 1, port: %d}
                    """.formatted(lab.address(1), in.program(), lab.address(2), in.program(), fresh, FreePorts.next()));
            String advice = "ssh login to ssh root@" + lab.address(2) + ":22 failed: Host key verification failed: "
                    + lab.address(2) + " is not in " + fresh + ". Add its key (and check its fingerprint): ssh-keyscan "
                    + lab.address(2) + " >> " + fresh + ", or set accept_new_host_keys: true in the host's connection";
            assertThat(failedTestError(in, home, unknownKey, work.resolve("unknown-key-out"))).contains(advice);
            requireExit0(List.of("/bin/sh", "-c", "ssh-keyscan " + lab.address(2) + " >> " + fresh));
            Path keyedOut = work.resolve("keyed-out");
            Finished keyed = runWithHome(in, home, Duration.ofSeconds(120), "session", unknownKey.toString(), "-o", keyedOut.toString());
            assertSessionOk(keyed, keyedOut, List.of("h1>h2"));

            // sshd down: "Connection refused" and the address, as ssh says it
            lab.stopSshd(2);
            assertThat(failedTestError(in, home, plan, work.resolve("down-out"))).contains("cannot connect to ssh root@"
                    + lab.address(2) + ":22: connect to host " + lab.address(2) + " port 22: Connection refused")
                    .doesNotContain("Future").doesNotContain("Exception");
        }
    }

    /** Runs a plan whose every test fails; the first test's error. */
    private static String failedTestError(Installation in, String home, Path plan, Path out) throws IOException {
        Finished run = runWithHome(in, home, Duration.ofSeconds(120), "session", plan.toString(), "-o", out.toString());
        assertThat(run.status).as(run.all()).isEqualTo(SessionCommand.TEST_FAILED);
        return JSON.readTree(Files.readAllLines(out.resolve("tests.jsonl")).getFirst()).path("error").asText();
    }

    /** Runs {@code iperf3j args...} from the installation with {@code HOME} set to {@code home}. */
    private static Finished runWithHome(Installation in, String home, Duration deadline, String... args) {
        List<String> command = new ArrayList<>(List.of("/usr/bin/env", "HOME=" + home, in.program().toString()));
        command.addAll(List.of(args));
        try (Iperf3Process p = in.startOther(command)) {
            int status = p.waitFor(deadline);
            assertThat(status).as("%s still running after %s: %s", p, deadline, p.stderr()).isNotEqualTo(-1);
            return new Finished(status, p.stdout(), p.stderr());
        }
    }

    private static void requireExit0(List<String> command) {
        try (Iperf3Process p = Iperf3Process.start(command)) {
            assertThat(p.waitFor(Duration.ofSeconds(30))).as("%s: %s%s", command, p.stdout(), p.stderr()).isZero();
        }
    }

    /** {@code link -s -t 30} ended by SIGTERM (its PID) once a {@code link -c} has run against it. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Installation.class)
    void linkServerAndClient(Installation in) throws Exception {
        int port = FreePorts.next();
        try (Iperf3Process server = in.start(List.of("link", "-s", "-p", Integer.toString(port), "-t", "30"))) {
            assertThat(awaitStdout(server, "Link server listening", SERVER_START)).as(server.stderr()).isTrue();
            Finished client = run(in, "link", "-c", "127.0.0.1", "-p", Integer.toString(port), "-r", "200", "-l", "200",
                    "--ordered", "-t", "1", "-J");
            assertThat(client.status).as(client.all()).isZero();
            JsonNode end = JSON.readTree(client.stdout).path("end");
            assertThat(end.path("sent").asLong()).as(client.stdout).isPositive();
            assertThat(end.path("received").asLong()).as("reliable and ordered: all arrive").isEqualTo(end.path("sent").asLong());
            assertThat(end.path("rtt_samples").asLong()).isPositive();

            server.signal("TERM");
            assertThat(server.waitFor(SERVER_START)).as(server.stdout() + server.stderr()).isZero();
            assertThat(server.stdout()).contains("Link server done: 1 client, " + end.path("sent").asLong() + " messages received");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Installation.class)
    void exporterProbesARealServer(Installation in) throws Exception {
        int serverPort = FreePorts.next();
        int exporterPort = FreePorts.next();
        try (Iperf3Process server = in.start(List.of("-s", "-1", "-p", Integer.toString(serverPort)));
                Iperf3Process exporter = in.start(List.of("exporter", "--listen", "127.0.0.1:" + exporterPort))) {
            assertThat(server.awaitListening(serverPort, SERVER_START)).as(server.stderr()).isTrue();
            assertThat(exporter.awaitListening(exporterPort, SERVER_START)).as(exporter.stderr()).isTrue();
            String probe = get("http://127.0.0.1:" + exporterPort + "/probe?target=127.0.0.1:" + serverPort + "&period=1s");
            String target = "{port=\"" + serverPort + "\",target=\"127.0.0.1\"}";
            assertThat(probe).contains("iperf3_up" + target + " 1.0");
            assertThat(sample(probe, "iperf3_received_bytes" + target)).as(probe).isPositive();
            assertThat(server.waitFor(SERVER_START)).as(server.stderr()).isZero();
            // /metrics is the exporter's own health; the probe's series are /probe's alone (issue 38)
            String metrics = get("http://127.0.0.1:" + exporterPort + "/metrics");
            assertThat(sample(metrics, "iperf3_exporter_probes_total")).as(metrics).isEqualTo(1);
            assertThat(metrics.lines().filter(l -> !l.startsWith("#") && !l.startsWith("iperf3_exporter_")))
                    .as(metrics).isEmpty();
        }
    }

    /**
     * {@code iperf3j host-slots} (the host's turn-taking service, as systemd's unit runs it): it makes its socket 0666 in a
     * folder of root's, greets each peer with the account the kernel gives it, answers a take, and ends with status 0 on
     * SIGTERM, its socket removed.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Installation.class)
    void hostSlotsServiceTakesAndEnds(Installation in) throws Exception {
        Path run = Files.createDirectories(dir.resolve("run"));
        java.nio.file.Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path socket = run.resolve("host-slots.sock");
        try (Iperf3Process service = in.start(List.of("host-slots", "--socket", socket.toString()))) {
            assertThat(awaitStdout(service, "iperf3j host-slots listening on " + socket, SERVER_START)).as(service.stderr()).isTrue();
            assertThat(java.nio.file.Files.getPosixFilePermissions(socket)).isEqualTo(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
            try (java.nio.channels.SocketChannel c = java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(socket))) {
                var reader = new java.io.BufferedReader(new java.io.InputStreamReader(java.nio.channels.Channels.newInputStream(c),
                        java.nio.charset.StandardCharsets.US_ASCII));
                assertThat(reader.readLine()).isEqualTo("iperf3j-host-slots 1 " + System.getProperty("user.name"));
                c.write(java.nio.ByteBuffer.wrap("take 10.0.0.1\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
                assertThat(reader.readLine()).isEqualTo("taken");
            }
            service.signal("TERM");
            assertThat(service.waitFor(Duration.ofSeconds(10))).as(service.stderr()).isZero();
        }
        assertThat(socket).doesNotExist();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Installation.class)
    void pushToARealPushgateway(Installation in) throws Exception {
        assertThat(Path.of("/usr/bin/prometheus-pushgateway")).as("apt-get install prometheus-pushgateway (.ci/run does)")
                .isExecutable();
        int gatewayPort = FreePorts.next();
        // in memory: Debian's build persists to /var/lib/prometheus/pushgateway.data by default
        try (Iperf3Process gateway = Iperf3Process.start(List.of("/usr/bin/prometheus-pushgateway",
                "--web.listen-address=127.0.0.1:" + gatewayPort, "--persistence.file="))) {
            assertThat(gateway.awaitListening(gatewayPort, SERVER_START)).as(gateway.stderr()).isTrue();
            String label = "shipped_" + in.name().toLowerCase();
            Finished run = run(in, "--loopback", "-t", "1", "--push.url", "127.0.0.1:" + gatewayPort,
                    "--push.label", "test=" + label);
            assertThat(run.status).as(run.all()).isZero();
            assertThat(run.stderr).as("a failed push is reported on stderr").isEmpty();
            String metrics = get("http://127.0.0.1:" + gatewayPort + "/metrics");
            String series = "iperf3_run_transferred_bytes_total{instance=\"\",job=\"iperf3\",test=\"" + label + "\"}";
            assertThat(sample(metrics, series)).as(metrics).isPositive();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Installation.class)
    void metricsFile(Installation in) throws Exception {
        Path file = dir.resolve("metrics.jsonl");
        Finished run = run(in, "--loopback", "-t", "1", "--metrics.file", file.toString());
        assertThat(run.status).as(run.all()).isZero();
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).isNotEmpty();
        JsonNode first = JSON.readTree(lines.getFirst());
        assertThat(first.path("schema_version").asInt()).isEqualTo(1);
        assertThat(first.path("event").asText()).isEqualTo("interval");
        assertThat(first.path("transferred_bytes").asLong()).as(lines.getFirst()).isPositive();
    }

    // ------------------------------------------------------------ informational and refused

    @ParameterizedTest(name = "{0}")
    @EnumSource(Installation.class)
    void version(Installation in) throws Exception {
        Finished run = run(in, "--version");
        assertThat(run.status).as(run.all()).isZero();
        assertThat(run.stdout).startsWith("iperf3j " + Dist.version() + " ");
        assertThat(run.stderr).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Installation.class)
    void help(Installation in) throws Exception {
        Finished run = run(in, "--help");
        assertThat(run.status).as(run.all()).isZero();
        assertThat(run.stdout).startsWith("Usage: iperf3j [-s|-c host] [options]")
                .contains("agent", "exporter", "host-slots", "link", "report", "session").contains("--json-stream").contains("--push.url");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Installation.class)
    void badFlag(Installation in) throws Exception {
        Finished run = run(in, "--no-such-flag");
        assertThat(run.status).isEqualTo(1);
        assertThat(run.stdout).isEmpty();
        assertThat(run.stderr).contains("unrecognized option '--no-such-flag'").contains("Usage: iperf3j");
        Finished json = run(in, "--no-such-flag", "-J");
        assertThat(json.status).isEqualTo(1);
        assertThat(JSON.readTree(json.stdout).path("error").asText()).isEqualTo("unrecognized option '--no-such-flag'");
    }

    // ------------------------------------------------------------ helpers

    /** What a finished command printed, and its exit status. */
    private record Finished(int status, String stdout, String stderr) {
        String all() {
            return "exit " + status + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    private static Finished run(Installation in, String... args) {
        return run(in, CLIENT, args);
    }

    /** Runs iperf3j from the installation to its end, killed (by PID) at the deadline. */
    private static Finished run(Installation in, Duration deadline, String... args) {
        try (Iperf3Process p = in.start(List.of(args))) {
            int status = p.waitFor(deadline);
            assertThat(status).as("%s still running after %s: %s", p, deadline, p.stderr()).isNotEqualTo(-1);
            return new Finished(status, p.stdout(), p.stderr());
        }
    }

    /** A client of the installation against a one-off server of the same installation; both must exit 0. */
    private static Finished againstServer(Installation in, String... clientArgs) {
        int port = FreePorts.next();
        try (Iperf3Process server = in.start(List.of("-s", "-1", "-p", Integer.toString(port)))) {
            assertThat(server.awaitListening(port, SERVER_START)).as(server.stderr()).isTrue();
            List<String> args = new ArrayList<>(List.of("-c", "127.0.0.1", "-p", Integer.toString(port)));
            args.addAll(List.of(clientArgs));
            Finished client = run(in, args.toArray(String[]::new));
            assertThat(client.status).as(client.all()).isZero();
            assertThat(server.waitFor(SERVER_START)).as(server.stderr()).isZero();
            assertThat(server.stdout()).contains("Accepted connection from 127.0.0.1");
            return client;
        }
    }

    /** The report exists and carries the run's received bytes (in its embedded data). */
    private static void assertReportShows(Path html, long receivedBytes) throws IOException {
        assertThat(html).isRegularFile();
        String page = Files.readString(html);
        assertThat(page).startsWith("<!DOCTYPE html>").contains("\"receiver_bytes\":" + receivedBytes);
    }

    /**
     * A failed test's reason is iperf's own error, the {@code error} of its {@code -J} document (the
     * client cannot resolve its server's address), not the document's last line {@code }}.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Installation.class)
    void sessionFailureSaysIperfsOwnError(Installation in) throws Exception {
        Path plan = Files.writeString(dir.resolve("plan.yaml"), """
                hosts:
                  - {id: a, address: 127.0.0.1}
                  - {id: b, address: nosuch.invalid}
                tests:
                  - {name: unresolved, pairs: [[a, b]], duration: 1, port: %d}
                """.formatted(FreePorts.next()));
        Path out = dir.resolve("out");
        Finished session = run(in, "session", plan.toString(), "-o", out.toString());
        assertThat(session.status).as(session.all()).isEqualTo(SessionCommand.TEST_FAILED);
        JsonNode test = JSON.readTree(Files.readAllLines(out.resolve("tests.jsonl")).getFirst());
        String iperfError = JSON.readTree(out.resolve(test.path("client_output").asText()).toFile()).path("error").asText();
        assertThat(iperfError).as("the client's own -J document").startsWith("unable to connect to server: ");
        assertThat(test.path("error").asText()).as("%s", test).startsWith("IperfError: '")
                .endsWith("' on a exited with status 1: " + iperfError);
        assertThat(session.stdout).contains("FAILED IperfError: ").contains(": " + iperfError + "\n");
    }

    /** {@code session --dry-run}: each host's iperf command line; the script around it only with {@code -V}. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Installation.class)
    void sessionDryRunShowsTheIperfCommandLine(Installation in) throws Exception {
        int port = FreePorts.next();
        Path plan = Files.writeString(dir.resolve("plan.yaml"), """
                hosts:
                  - {id: a, address: 127.0.0.1}
                  - {id: b, address: 127.0.0.2}
                tests:
                  - {name: dry, pairs: [[a, b]], duration: 2, port: %d}
                """.formatted(port));
        Finished dry = run(in, "session", "--dry-run", plan.toString());
        assertThat(dry.status).as(dry.all()).isZero();
        List<String> plain = dry.stdout.lines().toList();
        assertThat(plain).as(dry.stdout).hasSize(3);
        assertThat(plain.get(0)).isEqualTo("# round 1, test dry_a-b (a -> b, up)");
        assertThat(plain.get(1)).matches("b \\[local\\]: /\\S+/iperf3j -s -p " + port + " -1 -J");
        // a local host's client binds to the host's own address (issue 46): a's is 127.0.0.1
        assertThat(plain.get(2)).matches("a \\[local\\]: /\\S+/iperf3j -c 127\\.0\\.0\\.2 -p " + port + " -t 2 -J --why -B 127\\.0\\.0\\.1");
        assertThat(dry.stdout).doesNotContain("sh -c");
        Finished verbose = run(in, "session", "--dry-run", "-V", plan.toString());
        assertThat(verbose.status).as(verbose.all()).isZero();
        // each script's lines after its first are indented under it (the host scripts are files of several lines)
        List<String> lines = List.of(verbose.stdout.split("\n(?!        )"));
        assertThat(lines).as(verbose.stdout).hasSize(5);
        assertThat(lines.get(1)).isEqualTo(plain.get(1));
        assertThat(lines.get(2)).startsWith("    script: sh -c ").contains("-s -p " + port + " -1 -J").hasSizeGreaterThan(1000);
        assertThat(lines.get(3)).isEqualTo(plain.get(2));
        assertThat(lines.get(4)).startsWith("    script: sh -c ").contains("-c 127.0.0.2 -p " + port + " -t 2 -J");
    }

    /**
     * {@code iperf3j -s &} in a script, then {@code kill -INT}: a background job starts with SIGINT
     * ignored, and iperf3j ends all the same, as iperf3 does (3.12's words and 3.21's status 0; 3.21
     * prints its own words: "... terminated by signal Interrupt(2)", and 3.12 exits 1).
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Installation.class)
    void sigintEndsAServerStartedInTheBackgroundOfAScript(Installation in) throws Exception {
        Finished iperf3j = backgroundServerInterrupted(in, "iperf3j", in.program());
        Finished v312 = backgroundServerInterrupted(in, "3.12", Iperf3Binary.V3_12.path);
        Finished v321 = backgroundServerInterrupted(in, "3.21", Iperf3Binary.V3_21.path);
        assertThat(v312.stdout).as(v312.all()).endsWith("status 1\n");
        assertThat(v312.stderr).isEqualTo("iperf3: interrupt - the server has terminated\n");
        assertThat(v321.stdout).as(v321.all()).endsWith("status 0\n");
        assertThat(v321.stderr).isEqualTo("iperf3: interrupt - the server has terminated by signal Interrupt(2)\n");
        // 3.12's words, 3.21's status (issue 66: a server stopped by a signal exits 0).
        assertThat(iperf3j.stdout).as(iperf3j.all()).contains("Server listening on ").endsWith("status 0\n");
        assertThat(iperf3j.stderr).isEqualTo(v312.stderr.replace("iperf3:", "iperf3j:"));
    }

    /**
     * {@code PROGRAM -s &} in a non-interactive bash (so SIGINT is ignored in the job), SIGINT once
     * it listens, and the job's status ("status N"), or "still running" and a KILL after 10 s.
     */
    private static Finished backgroundServerInterrupted(Installation in, String label, Path program) {
        String script = """
                "$0" -s -p "$1" >"$2.out" 2>"$2.err" &
                job=$!
                for i in $(seq 300); do [ -n "$(/usr/bin/ss -Hltn "sport = :$1")" ] && break; sleep 0.1; done
                kill -INT "$job"
                for i in $(seq 100); do kill -0 "$job" 2>/dev/null || break; sleep 0.1; done
                if kill -0 "$job" 2>/dev/null; then kill -KILL "$job"; echo "still running"; fi
                wait "$job"
                status=$?
                cat "$2.out"; cat "$2.err" >&2
                echo "status $status"
                """;
        Path files = Dist.dir().resolve("sigint-" + in.name().toLowerCase() + "-" + label);
        try (Iperf3Process p = in.startOther(List.of("/bin/bash", "-c", script, program.toString(), Integer.toString(FreePorts.next()),
                files.toString()))) {
            int status = p.waitFor(Duration.ofSeconds(60));
            assertThat(status).as("%s: %s%s", p, p.stdout(), p.stderr()).isZero();
            return new Finished(status, p.stdout(), p.stderr());
        }
    }

    /**
     * The session exited 0, ran the given sender>receiver tests, each ok with the receiver's own
     * byte count, and wrote its matrix.
     */
    private static void assertSessionOk(Finished session, Path out, List<String> pairs) throws IOException {
        assertThat(session.status).as(session.all()).isEqualTo(SessionCommand.OK);
        assertThat(session.stdout).contains(pairs.size() + " ok, 0 failed");
        List<JsonNode> tests = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("tests.jsonl"))) {
            tests.add(JSON.readTree(line));
        }
        assertThat(tests).extracting(t -> t.path("sender").asText() + ">" + t.path("receiver").asText())
                .containsExactlyElementsOf(pairs);
        for (JsonNode t : tests) {
            assertThat(t.path("status").asText()).as("%s", t).isEqualTo("ok");
            JsonNode server = JSON.readTree(out.resolve(t.path("server_output").asText()).toFile());
            assertThat(server.at("/start/version").asText()).isEqualTo("iperf3j " + Dist.version());
            long receiverBytes = server.at("/end/sum_received/bytes").asLong();
            assertThat(t.path("received_bytes").asLong()).isEqualTo(receiverBytes).isPositive();
        }
        assertThat(Files.readString(out.resolve("summary.txt"))).contains("sender\\receiver");
        assertThat(out.resolve("summary.csv")).isNotEmptyFile();
        // the plan's host order, which the report's matrices follow (issue 38)
        List<String> hosts = Files.readAllLines(out.resolve("hosts.txt"));
        assertThat(hosts).doesNotHaveDuplicates();
        for (String pair : pairs) {
            assertThat(hosts).contains(pair.split(">"));
        }
    }

    /** Waits until the process printed {@code text} on stdout; false if it exited or time ran out. */
    private static boolean awaitStdout(Iperf3Process p, String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (p.stdout().contains(text)) {
                return true;
            }
            if (!p.isAlive()) {
                return p.stdout().contains(text);
            }
            Thread.sleep(10); // a poll of the captured file, ended by the text
        }
        return false;
    }

    private static String get(String url) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("GET %s: %s", url, r.body()).isEqualTo(200);
            return r.body();
        }
    }

    /** The value of one sample line ({@code name{labels} value}) of a Prometheus exposition. */
    private static double sample(String exposition, String series) {
        return exposition.lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1).strip()))
                .orElseThrow(() -> new AssertionError("no " + series + " in:\n" + exposition));
    }
}
