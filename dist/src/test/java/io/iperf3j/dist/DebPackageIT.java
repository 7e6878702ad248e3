package io.iperf3j.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.testing.FreePorts;
import io.iperf3j.testing.Iperf3Binary;
import io.iperf3j.testing.Iperf3Process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The .deb on this machine, as a user installs it: {@code dpkg -i}, then {@code /usr/bin/iperf3j}
 * run where no JDK can be found ({@link NoJdk}) for {@code --version} and a test against the real
 * iperf3 3.12, {@code man -w iperf3j}, no service enabled or started, the units valid for
 * {@code systemd-analyze verify}, the session unit started by the real systemd as PID 1 of a container
 * made from this machine ({@link SystemdContainer}), killed with SIGKILL and restarted by it, the agent unit's
 * records written by its dynamic user, and {@code dpkg -r}
 * leaving none of the listed files behind. Installs system-wide: needs root (CI runs as root).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class DebPackageIT {
    private static final String PACKAGE = "iperf3j";

    @Test
    void installsRunsAndRemovesCleanly() throws Exception {
        NoJdk.requireJdkHidden();
        Iperf3Binary.require();
        Path deb = Dist.deb();
        Run info = run("dpkg-deb", "--ctrl-tarfile", deb.toString());
        assertThat(info.status).isZero();
        // no maintainer scripts: nothing is enabled, started or changed beyond the listed files
        Run members = run("sh", "-c", "dpkg-deb --ctrl-tarfile '" + deb + "' | tar -t");
        assertThat(members.stdout.lines().map(l -> l.replaceFirst("^\\./", "")).filter(l -> !l.isEmpty()))
                .containsOnly("control");
        try {
            Run install = run("dpkg", "-i", deb.toString());
            assertThat(install.status).as(install.all()).isZero();
            List<Path> files = run("dpkg", "-L", PACKAGE).stdout.lines().map(Path::of)
                    .filter(p -> !Files.isDirectory(p)).toList();
            assertThat(files).contains(Path.of("/usr/bin/iperf3j"), Path.of("/usr/share/man/man1/iperf3j.1.gz"),
                    Path.of("/usr/lib/systemd/system/iperf3j.service"),
                    Path.of("/usr/lib/systemd/system/iperf3j-session@.service"),
                    Path.of("/usr/lib/systemd/system/iperf3j-agent.service"),
                    Path.of("/usr/lib/systemd/system/iperf3j-host-slots.socket"),
                    Path.of("/usr/lib/systemd/system/iperf3j-host-slots.service"),
                    Path.of("/usr/lib/iperf3j/lib/runtime/bin/java"),
                    Path.of("/usr/share/iperf3j/plan.schema.json"), Path.of("/usr/share/iperf3j/iperf3j-alerts.yml"));
            // the alerting rules the README loads from there, as promtool reads them: every rule of the source file
            long rules = Files.readAllLines(Path.of("src/main/prometheus/iperf3j-alerts.yml")).stream()
                    .filter(l -> l.strip().startsWith("- alert:")).count();
            assertThat(rules).isGreaterThanOrEqualTo(10);
            assertThat(run("/usr/bin/promtool", "check", "rules", "/usr/share/iperf3j/iperf3j-alerts.yml").all())
                    .contains("SUCCESS: " + rules + " rules found");
            // the plan's JSON Schema where the README points editors (issue 66: the .deb lacked it)
            assertThat(Files.readString(Path.of("/usr/share/iperf3j/plan.schema.json")))
                    .isEqualTo(Files.readString(Dist.planSchemaSource()));
            // and the path docs/plan-reference.md gives editors (`$schema=PATH`) is that file
            java.util.regex.Matcher schemaPath = java.util.regex.Pattern.compile("\\$schema=(\\S+)").matcher(
                    Files.readString(Path.of(System.getProperty("iperf3j.root"), "docs/plan-reference.md")));
            assertThat(schemaPath.find()).isTrue();
            assertThat(Path.of(schemaPath.group(1))).isRegularFile();
            assertThat(files).allSatisfy(p -> assertThat(Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).as("%s", p).isTrue());

            try (Iperf3Process v = NoJdk.start(List.of("/usr/bin/iperf3j", "--version"))) {
                assertThat(v.waitFor(Duration.ofSeconds(30))).as(v.stderr()).isZero();
                assertThat(v.stdout()).startsWith("iperf3j " + Dist.version() + " ");
                assertThat(v.stderr()).isEmpty();
            }
            interopFromUsrBin();
            unitsVerify();
            serverUnitWithOptionsUnderSystemd();
            sessionUnitUnderSystemd();
            agentUnitUnderSystemd();
            hostSlotsUnitUnderSystemd();

            Run man = run("man", "-w", PACKAGE);
            assertThat(man.status).as("man -w iperf3j (install man-db): %s", man.all()).isZero();
            assertThat(man.stdout.strip()).isEqualTo("/usr/share/man/man1/iperf3j.1.gz");
            Run page = run("sh", "-c", "MANWIDTH=80 man --warnings -E UTF-8 iperf3j 2>&1 >/dev/null; MANWIDTH=80 man -E UTF-8 iperf3j | grep -c -e '--port'");
            assertThat(page.stdout.lines().toList()).as("groff warnings, then the --port count: %s", page.all())
                    .singleElement().asString().matches("[1-9][0-9]*");

            // the unit is installed but neither enabled nor started
            try (Stream<Path> etc = Files.walk(Path.of("/etc/systemd"))) {
                assertThat(etc.filter(p -> p.getFileName().toString().startsWith("iperf3j"))).isEmpty();
            }
            assertThat(ProcessHandle.allProcesses().map(h -> h.info().commandLine().orElse(""))
                    .filter(c -> c.contains("/usr/lib/iperf3j/"))).isEmpty();

            Run remove = run("dpkg", "-r", PACKAGE);
            assertThat(remove.status).as(remove.all()).isZero();
            assertThat(files).allSatisfy(p -> assertThat(Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).as("%s after dpkg -r", p).isFalse());
            assertThat(Path.of("/usr/lib/iperf3j")).doesNotExist();
            assertThat(Path.of("/usr/share/doc/iperf3j")).doesNotExist();
            Run status = run("dpkg-query", "-W", "-f=${db:Status-Status}", PACKAGE);
            assertThat(status.stdout).as(status.all()).isIn("not-installed", "");
        } finally {
            if (run("dpkg-query", "-W", PACKAGE).status == 0) {
                run("dpkg", "--purge", PACKAGE);
            }
        }
    }

    private static void interopFromUsrBin() throws Exception {
        int port = FreePorts.next();
        try (Iperf3Process server = Iperf3Process.iperf3(List.of("-s", "-1", "-p", Integer.toString(port)))) {
            assertThat(server.awaitListening(port, Duration.ofSeconds(10))).as(server.stderr()).isTrue();
            try (Iperf3Process client = NoJdk.start(List.of("/usr/bin/iperf3j", "-c", "127.0.0.1",
                    "-p", Integer.toString(port), "-t", "1", "-J"))) {
                assertThat(client.waitFor(Duration.ofSeconds(40))).as(client.stderr()).isZero();
                TarballIT.assertReceived(client.stdout());
            }
            assertThat(server.waitFor(Duration.ofSeconds(20))).as(server.stderr()).isZero();
        }
    }

    /** {@code systemd-analyze verify} on the installed units (the template as an instance): no complaint at all. */
    private static void unitsVerify() throws Exception {
        Path dir = Files.createTempDirectory("deb-it-units");
        try {
            Path instance = dir.resolve("iperf3j-session@verify.service");
            Files.copy(Path.of("/usr/lib/systemd/system/iperf3j-session@.service"), instance);
            for (Path unit : List.of(Path.of("/usr/lib/systemd/system/iperf3j.service"), instance,
                    Path.of("/usr/lib/systemd/system/iperf3j-agent.service"),
                    Path.of("/usr/lib/systemd/system/iperf3j-host-slots.socket"), Path.of("/usr/lib/systemd/system/iperf3j-host-slots.service"))) {
                Run verify = run("systemd-analyze", "verify", unit.toString());
                assertThat(verify.status).as("%s: %s", unit, verify.all()).isZero();
                assertThat(verify.all()).as("%s", unit).isEmpty();
            }
        } finally {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
    }

    /**
     * Issue 66: the server unit takes its options from {@code /etc/default/iperf3j} ({@code IPERF3J_OPTS}, split at white
     * space), and {@code --logfile} under {@code /var/log/iperf3j} works as the unit's dynamic user under
     * {@code ProtectSystem=strict} ({@code LogsDirectory=}): under the real systemd, the server listens on the port the
     * file names, a client's test runs, and the server's output is in that log, written by its dynamic user.
     */
    private static void serverUnitWithOptionsUnderSystemd() throws Exception {
        Path dir = Files.createTempDirectory("deb-it-server");
        String port = "5291";
        try (SystemdContainer box = SystemdContainer.boot(dir, java.util.Map.of("/etc/default/iperf3j",
                "# as a user writes it\nIPERF3J_OPTS=\"-p " + port + " --logfile /var/log/iperf3j/server.log\"\n"))) {
            SystemdContainer.Run start = box.systemctl("start", "iperf3j.service");
            assertThat(start.status()).as(start.all()).isZero();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            SystemdContainer.Run client;
            do {
                assertThat(box.property("iperf3j.service", "ActiveState")).as(journal(box, "iperf3j.service")).isEqualTo("active");
                assertThat(System.nanoTime()).as("no server on port %s in 60 s: %s", port, journal(box, "iperf3j.service"))
                        .isLessThan(deadline);
                Thread.sleep(300);
                client = box.exec(List.of("/usr/bin/iperf3j", "-c", "127.0.0.1", "-p", port, "-t", "1", "-J"));
            } while (client.status() != 0);
            TarballIT.assertReceived(client.stdout());
            SystemdContainer.Run owner = box.exec(List.of("stat", "-L", "-c", "%U", "/var/log/iperf3j/server.log"));
            assertThat(owner.stdout()).as("written by the dynamic user, not root: %s", owner.all() + journal(box, "iperf3j.service"))
                    .isEqualTo("iperf3j\n");
            SystemdContainer.Run stop = box.systemctl("stop", "iperf3j.service");
            assertThat(stop.status()).as(stop.all()).isZero();
            SystemdContainer.Run log = box.exec(List.of("cat", "/var/log/iperf3j/server.log"));
            assertThat(log.stdout()).as(log.all() + journal(box, "iperf3j.service"))
                    .contains("Server listening on " + port).contains("Accepted connection from 127.0.0.1");
        } finally {
            run("rm", "-rf", "--", dir.toString());
        }
    }

    /**
     * The host-slots socket under Debian's real systemd as PID 1 ({@link SystemdContainer}): {@code systemctl start
     * iperf3j-host-slots.socket} makes {@code /run/iperf3j/host-slots.sock} (0666, in a folder of root's that no one else may
     * write); the first connection starts the service as its dynamic user, with the socket on its standard input; root and
     * {@code nobody} are named by the kernel (a slot root took is "busy root" to nobody); {@code systemctl stop} ends both
     * with success and removes the socket.
     */
    private static void hostSlotsUnitUnderSystemd() throws Exception {
        Path dir = Files.createTempDirectory("deb-it-slots");
        String client = "import socket, sys, time\n"
                + "s = socket.socket(socket.AF_UNIX)\n"
                + "s.connect('/run/iperf3j/host-slots.sock')\n"
                + "f = s.makefile('rw')\n"
                + "print(f.readline().strip())\n"
                + "f.write('take h1\\n'); f.flush()\n"
                + "print(f.readline().strip(), flush=True)\n"
                + "if len(sys.argv) > 1:\n"
                + "    time.sleep(600)\n";
        try (SystemdContainer box = SystemdContainer.boot(dir, java.util.Map.of("/usr/local/lib/ij-slot-client.py", client))) {
            SystemdContainer.Run start = box.systemctl("start", "iperf3j-host-slots.socket");
            assertThat(start.status()).as(start.all()).isZero();
            SystemdContainer.Run mode = box.exec(List.of("stat", "-c", "%a %U %F", "/run/iperf3j", "/run/iperf3j/host-slots.sock"));
            assertThat(mode.stdout()).as(mode.all()).isEqualTo("755 root directory\n666 root socket\n");
            assertThat(box.property("iperf3j-host-slots.service", "ActiveState")).isEqualTo("inactive");
            try (Iperf3Process holder = box.spawn(List.of("/usr/bin/python3", "/usr/local/lib/ij-slot-client.py", "hold"))) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!holder.stdout().contains("taken")) {
                    assertThat(holder.isAlive()).as(holder.stdout() + holder.stderr() + journal(box, "iperf3j-host-slots.service")).isTrue();
                    assertThat(System.nanoTime()).as(holder.stdout() + journal(box, "iperf3j-host-slots.service")).isLessThan(deadline);
                    Thread.sleep(100);
                }
                assertThat(holder.stdout()).startsWith("iperf3j-host-slots 1 root\ntaken");
                SystemdContainer.Run nobody = box.exec(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                        "/usr/bin/python3", "/usr/local/lib/ij-slot-client.py"));
                assertThat(nobody.stdout()).as(nobody.all()).isEqualTo("iperf3j-host-slots 1 nobody\nbusy root\n");
                assertThat(box.property("iperf3j-host-slots.service", "ActiveState")).isEqualTo("active");
                String pid = box.property("iperf3j-host-slots.service", "MainPID");
                SystemdContainer.Run user = box.exec(List.of("ps", "-o", "user=", "-p", pid));
                assertThat(user.stdout().strip()).as("its dynamic user, not root").isNotEmpty().isNotEqualTo("root");
            }
            SystemdContainer.Run stop = box.systemctl("stop", "iperf3j-host-slots.socket", "iperf3j-host-slots.service");
            assertThat(stop.status()).as(stop.all()).isZero();
            assertThat(box.property("iperf3j-host-slots.service", "Result")).as(journal(box, "iperf3j-host-slots.service")).isEqualTo("success");
            assertThat(box.exec(List.of("test", "-e", "/run/iperf3j/host-slots.sock")).status()).as("the socket removed").isNotZero();
        } finally {
            run("rm", "-rf", "--", dir.toString());
        }
    }

    /**
     * The session unit under Debian's real systemd as PID 1 ({@link SystemdContainer}, made from this machine
     * with the .deb installed): {@code systemctl start iperf3j-session@NAME} on {@code /etc/iperf3j/NAME.yaml}, a
     * plan of two loopback hosts with iperf3 3.12, {@code schedule: {every: 4s, runs: 6}}; after its first
     * result {@code systemctl kill -s KILL}; the unit's {@code Restart=on-failure} starts it again after its
     * {@code RestartSec} (5 s), it goes on from the run it was in and ends the schedule. Shown: one restart,
     * the unit ended with success, every (run, test) once in {@code /var/lib/iperf3j/NAME/tests.jsonl} (the
     * runs due while it was down skipped, none lost or run twice), a run after the restart ok. Runs as
     * systemd runs the unit: its dynamic user, {@code ProtectSystem=strict}, private {@code /tmp}, no JDK.
     */
    private static void sessionUnitUnderSystemd() throws Exception {
        String instance = "deb" + Long.toHexString(ProcessHandle.current().pid());
        String unit = "iperf3j-session@" + instance + ".service";
        Path dir = Files.createTempDirectory("deb-it-systemd");
        try (SystemdContainer box = SystemdContainer.boot(dir, java.util.Map.of("/etc/iperf3j/" + instance + ".yaml", """
                hosts:
                  - {id: %1$sa, address: 127.0.0.1, iperf: iperf3}
                  - {id: %1$sb, address: 127.0.0.2, iperf: iperf3}
                schedule: {every: 4s, runs: 6}
                tests:
                  - {name: loop, pairs: [[%1$sa, %1$sb]], direction: up, duration: 1}
                """.formatted(instance)))) {
            SystemdContainer.Run start = box.systemctl("start", unit);
            assertThat(start.status()).as(start.all()).isZero();
            Path jsonl = box.file("/var/lib/iperf3j/" + instance + "/tests.jsonl");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(jsonl) || Files.readAllLines(jsonl).isEmpty()) {
                assertThat(System.nanoTime()).as("no result in 60 s: %s", journal(box, unit)).isLessThan(deadline);
                assertThat(box.property(unit, "ActiveState")).as(journal(box, unit)).isEqualTo("active");
                Thread.sleep(100);
            }
            String firstPid = box.property(unit, "MainPID");
            java.time.Instant killed = java.time.Instant.now();
            SystemdContainer.Run kill = box.systemctl("kill", "-s", "KILL", unit);
            assertThat(kill.status()).as(kill.all()).isZero();
            // restarted by systemd after RestartSec (NRestarts counts it while it runs; a unit that ends
            // successfully has it reset), then the schedule's end: inactive with success
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!(box.property(unit, "NRestarts").equals("1") && !List.of("0", firstPid).contains(box.property(unit, "MainPID")))) {
                assertThat(System.nanoTime()).as("the unit did not restart in 90 s: %s", journal(box, unit)).isLessThan(deadline);
                Thread.sleep(100);
            }
            while (!box.property(unit, "ActiveState").equals("inactive")) {
                assertThat(System.nanoTime()).as("the restarted unit did not end in 90 s: %s", journal(box, unit))
                        .isLessThan(deadline);
                Thread.sleep(200);
            }
            assertThat(journal(box, unit)).contains("restart counter is at 1").doesNotContain("restart counter is at 2");
            assertThat(box.property(unit, "Result")).as(journal(box, unit)).isEqualTo("success");
            assertThat(box.property(unit, "ExecMainStatus")).as(journal(box, unit)).isEqualTo("0");
            assertThat(firstPid).isNotEqualTo("0");
            com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
            List<String> keys = new java.util.ArrayList<>();
            boolean okAfterRestart = false;
            for (String line : Files.readAllLines(jsonl)) {
                com.fasterxml.jackson.databind.JsonNode j = json.readTree(line);
                keys.add(j.path("run").asLong() + "/" + j.path("id").asText());
                assertThat(j.path("status").asText()).as(line).isIn("ok", "skipped");
                okAfterRestart |= j.path("status").asText().equals("ok")
                        && java.time.Instant.parse(j.path("started").asText()).isAfter(killed);
            }
            List<String> expected = new java.util.ArrayList<>();
            for (int run = 1; run <= 6; run++) {
                expected.add(run + "/loop_" + instance + "a-" + instance + "b");
            }
            assertThat(keys).as(journal(box, unit)).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(okAfterRestart).as("a run after the restart: %s", journal(box, unit)).isTrue();
        } finally {
            run("rm", "-rf", "--", dir.toString());
        }
    }

    /**
     * The agent unit under Debian's real systemd as PID 1 ({@link SystemdContainer}; issue 69): {@code /etc/iperf3j/agent.yaml}
     * (two loopback hosts, {@code a} to {@code b} every 5 s), {@code /etc/default/iperf3j-agent} naming this host
     * ({@code IPERF3J_AGENT_OPTS="--host-id a"}), host {@code b} an iperf3j server in the container. {@code systemctl start
     * iperf3j-agent}: two runs' lines in {@code /var/lib/iperf3j-agent/tests.jsonl}, ok, each with the plan's version (the
     * SHA-256 of the file), written by the unit's dynamic user; {@code systemctl stop} (SIGTERM) ends it with success.
     */
    private static void agentUnitUnderSystemd() throws Exception {
        Path dir = Files.createTempDirectory("deb-it-agent");
        String port = "5293";
        String plan = """
                hosts:
                  - {id: a, address: 127.0.0.1}
                  - {id: b, address: 127.0.0.2}
                schedule: {every: 5s}
                tests:
                  - {name: up, pairs: [[a, b]], duration: 1, port: %s}
                """.formatted(port);
        String version = "sha256:" + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(plan.getBytes(java.nio.charset.StandardCharsets.UTF_8)), 0, 6);
        String unit = "iperf3j-agent.service";
        try (SystemdContainer box = SystemdContainer.boot(dir, java.util.Map.of("/etc/iperf3j/agent.yaml", plan,
                "/etc/default/iperf3j-agent", "# as a user writes it\nIPERF3J_AGENT_OPTS=\"--host-id a\"\n"));
                Iperf3Process peer = box.spawn(List.of("/usr/bin/iperf3j", "-s", "-B", "127.0.0.2", "-p", port))) {
            SystemdContainer.Run start = box.systemctl("start", unit);
            assertThat(start.status()).as(start.all()).isZero();
            Path jsonl = box.file("/var/lib/iperf3j-agent/tests.jsonl");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!Files.exists(jsonl) || Files.readAllLines(jsonl).size() < 2) {
                assertThat(System.nanoTime()).as("no two runs in 90 s: %s %s", journal(box, unit), peer.stderr()).isLessThan(deadline);
                assertThat(box.property(unit, "ActiveState")).as(journal(box, unit)).isEqualTo("active");
                Thread.sleep(200);
            }
            com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
            for (String line : Files.readAllLines(jsonl)) {
                com.fasterxml.jackson.databind.JsonNode j = json.readTree(line);
                assertThat(j.path("status").asText()).as("%s %s", line, journal(box, unit)).isEqualTo("ok");
                assertThat(j.path("id").asText()).isEqualTo("up_a-b");
                assertThat(j.path("plan_version").asText()).as(line).isEqualTo(version);
            }
            SystemdContainer.Run owner = box.exec(List.of("stat", "-L", "-c", "%U", "/var/lib/iperf3j-agent/tests.jsonl"));
            assertThat(owner.stdout()).as("written by the dynamic user: %s", owner.all()).isEqualTo("iperf3j-agent\n");
            // a receives no test of the plan: its own server is on the default port
            assertThat(journal(box, unit)).contains("iperf3j agent a (127.0.0.1): serving its peers on port 5201")
                    .contains("plan /etc/iperf3j/agent.yaml version " + version);
            SystemdContainer.Run stop = box.systemctl("stop", unit);
            assertThat(stop.status()).as(stop.all()).isZero();
            assertThat(box.property(unit, "Result")).as(journal(box, unit)).isEqualTo("success");
        } finally {
            run("rm", "-rf", "--", dir.toString());
        }
    }

    /** The unit's journal, for a failure's message. */
    private static String journal(SystemdContainer box, String unit) throws Exception {
        return box.exec(List.of("journalctl", "--no-pager", "-u", unit)).all();
    }

    private record Run(int status, String stdout, String stderr) {
        String all() {
            return stdout + stderr;
        }
    }

    private static Run run(String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
        Path out = Files.createTempFile("deb-it", ".out");
        Path err = Files.createTempFile("deb-it", ".err");
        try {
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("did not finish in 120 s: " + String.join(" ", cmd));
            }
            return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
