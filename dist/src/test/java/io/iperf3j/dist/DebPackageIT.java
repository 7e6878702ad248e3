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
 * iperf3 3.12, {@code man -w iperf3j}, no service enabled or started, and {@code dpkg -r}
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
                    Path.of("/usr/lib/iperf3j/lib/runtime/bin/java"));
            assertThat(files).allSatisfy(p -> assertThat(Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).as("%s", p).isTrue());

            try (Iperf3Process v = NoJdk.start(List.of("/usr/bin/iperf3j", "--version"))) {
                assertThat(v.waitFor(Duration.ofSeconds(30))).as(v.stderr()).isZero();
                assertThat(v.stdout()).startsWith("iperf3j " + Dist.version() + " ");
                assertThat(v.stderr()).isEmpty();
            }
            interopFromUsrBin();

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
