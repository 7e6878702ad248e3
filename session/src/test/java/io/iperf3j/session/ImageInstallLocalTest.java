package io.iperf3j.session;

import io.iperf3j.session.SessionException.ConnectionError;
import io.iperf3j.session.SessionException.IperfConfigurationError;
import io.iperf3j.session.SessionException.IperfCommandError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iperf3j.testing.FreePorts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import io.iperf3j.session.command.SessionCommand;
import io.iperf3j.session.internal.connect.LocalConnection;
import io.iperf3j.session.internal.plan.PlanFile;
import io.iperf3j.session.internal.run.PlanExecution;

/**
 * The install option's plan reading and its failures, on local connections with tarballs made
 * here: a launcher that does not run, a tarball without {@code bin/iperf3j}, a directory that
 * cannot be made. Each fails only the tests on its host, with the error class the brief asks
 * for; the other tests of the plan run. The real image on bare SSH hosts is tested in the dist
 * module ({@code SessionInstallIT}), where the tarball exists.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ImageInstallLocalTest {
    @TempDir
    Path dir;

    /** A gzip'd tarball of {@code top/} holding {@code files} (relative path → sh script body, made executable). */
    private Path tarball(String name, String top, List<String[]> files) throws Exception {
        Path src = dir.resolve("src-" + name);
        for (String[] f : files) {
            Path p = src.resolve(top).resolve(f[0]);
            Files.createDirectories(p.getParent());
            Files.writeString(p, f[1]);
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Path t = dir.resolve(name + ".tar.gz");
        Process p = new ProcessBuilder("tar", "-czf", t.toString(), "-C", src.toString(), top).redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
        return t;
    }

    @Test
    void planFileReadsInstallPerHostAndAsThePlanDefault() throws Exception {
        Path t = tarball("ok", "iperf3j-9.9.9", List.<String[]>of(new String[] {"bin/iperf3j", "#!/bin/sh\necho iperf3j 9.9.9\n"}));
        Files.copy(t, dir.resolve("image.tar.gz"));
        Plan p = PlanFile.parse("""
                install: {image: image.tar.gz}
                hosts:
                  - {id: a, address: 127.0.0.1}
                  - {id: b, address: 127.0.0.1, install: {image: image.tar.gz, directory: /var/tmp/x}}
                  - {id: c, address: 127.0.0.1, install: false}
                  - {id: d, address: 127.0.0.1, commands: {iperf3j: /opt/iperf3j}}
                tests:
                  - {pairs: [[a, b]]}
                """, dir);
        Node.ImageInstall a = p.hostsById().get("a").install().orElseThrow();
        assertThat(a.tarball()).isEqualTo(dir.resolve("image.tar.gz"));
        assertThat(a.sha256()).isEqualTo(sha256(t));
        assertThat(a.imageDirectory()).as("in the state folder of the user the host's commands run as")
                .isEqualTo("\"$root\"/image-" + a.sha256().substring(0, 16));
        assertThat(p.hostsById().get("a").commandLine(IperfKind.IPERF3J))
                .as("its folder checked at each start, then its launcher").isEqualTo("imagerun " + a.sha256().substring(0, 16) + " ''");
        assertThat(p.hostsById().get("b").install().orElseThrow().imageDirectory()).startsWith("/var/tmp/x/image-");
        assertThat(p.hostsById().get("c").install()).isEmpty();
        assertThat(p.hostsById().get("d").install()).isEmpty();
        assertThat(p.hostsById().get("d").commandLine(IperfKind.IPERF3J)).isEqualTo("/opt/iperf3j");
        // the dry run says what would be copied where
        String dry = String.join("\n", new PlanExecution(p, dir.resolve("raw"), r -> { }).dryRun(false));
        assertThat(dry).contains("sftp " + dir.resolve("image.tar.gz")).contains(a.imageDirectory() + "/bin/iperf3j --version")
                .contains(a.launcher() + " -c 127.0.0.1")
                .contains(p.hostsById().get("b").install().orElseThrow().launcher() + " -s");
    }

    @Test
    void badInstallOptionsAreRefusedBeforeAnythingRuns() throws Exception {
        Files.writeString(dir.resolve("not-gzip.tar.gz"), "hello");
        String hosts = "hosts:\n  - {id: a, address: 127.0.0.1, install: %s}\n  - {id: b, address: 127.0.0.1}\ntests:\n  - {pairs: [[a, b]]}\n";
        assertThatThrownBy(() -> PlanFile.parse(hosts.formatted("{image: missing.tar.gz}"), dir))
                .isInstanceOf(IperfConfigurationError.class).hasMessageContaining("hosts[0] (a).install").hasMessageContaining("no such file");
        assertThatThrownBy(() -> PlanFile.parse(hosts.formatted("{image: not-gzip.tar.gz}"), dir))
                .isInstanceOf(IperfConfigurationError.class).hasMessageContaining("not a gzip file");
        Path t = tarball("ok", "iperf3j-9.9.9", List.<String[]>of(new String[] {"bin/iperf3j", "#!/bin/sh\necho iperf3j 9.9.9\n"}));
        assertThatThrownBy(() -> PlanFile.parse(hosts.formatted("{image: " + t + ", directory: 'relative/dir'}"), dir))
                .isInstanceOf(IperfConfigurationError.class).hasMessageContaining("absolute path");
        assertThatThrownBy(() -> PlanFile.parse(hosts.formatted("{image: " + t + ", dir: /x}"), dir))
                .isInstanceOf(IperfConfigurationError.class).hasMessageContaining("unknown key 'dir'");
        assertThatThrownBy(() -> PlanFile.parse(
                "hosts:\n  - {id: a, address: 127.0.0.1, commands: {iperf3j: /x}, install: {image: " + t + "}}\n"
                        + "  - {id: b, address: 127.0.0.1}\ntests:\n  - {pairs: [[a, b]]}\n", dir))
                .isInstanceOf(IperfConfigurationError.class).hasMessageContaining("either an iperf3j command or an image");
        assertThatThrownBy(() -> PlanFile.parse(
                "hosts:\n  - {id: a, address: 127.0.0.1, connection: {prefix: [adb, shell]}, install: {image: " + t + "}}\n"
                        + "  - {id: b, address: 127.0.0.1}\ntests:\n  - {pairs: [[a, b]]}\n", dir))
                .isInstanceOf(IperfConfigurationError.class).hasMessageContaining("through the prefix");
    }

    @Tag("peer")
    @Test
    void aFailedInstallFailsOnlyItsHostsTestsAndThePlanGoesOn() throws Exception {
        Path broken = tarball("broken", "iperf3j-9.9.9", List.<String[]>of(
                new String[] {"bin/iperf3j", "#!/bin/sh\necho 'Error: could not find libjvm' >&2\nexit 1\n"}));
        Path empty = tarball("empty", "iperf3j-9.9.9", List.<String[]>of(new String[] {"README", "#!/bin/sh\n"}));
        Path installRoot = dir.resolve("remote");
        Files.createDirectories(installRoot);
        Path aFile = dir.resolve("a-file");
        Files.writeString(aFile, "");
        int port = FreePorts.next();
        String yaml = """
                hosts:
                  - {id: r, address: 127.0.0.1, iperf: iperf3}
                  - {id: s, address: 127.0.0.1, iperf: iperf3}
                  - {id: broken, address: 127.0.0.1, install: {image: %s, directory: %s}}
                  - {id: empty, address: 127.0.0.1, install: {image: %s, directory: %s}}
                  - {id: unwritable, address: 127.0.0.1, install: {image: %s, directory: %s/sub}}
                tests:
                  - {name: t, pairs: [[broken, r], [empty, r], [unwritable, r], [s, r], [broken, s]], duration: 1, port: %d}
                """.formatted(broken, installRoot, empty, installRoot, broken, aFile, port);
        Files.writeString(dir.resolve("plan.yaml"), yaml);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = SessionCommand.run(List.of(dir.resolve("plan.yaml").toString(), "-o", dir.resolve("out").toString()),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(status).as(printed + err).isEqualTo(SessionCommand.TEST_FAILED);
        List<String> lines = new ArrayList<>(Files.readAllLines(dir.resolve("out/tests.jsonl")));
        assertThat(lines).hasSize(5);
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        // by id: tests.jsonl is in the order the tests ended, and a test whose hosts were busy (the five nodes share one
        // address, so one slot key) went back in line
        java.util.Map<String, com.fasterxml.jackson.databind.JsonNode> byId = new java.util.HashMap<>();
        for (String line : lines) {
            var t = json.readTree(line);
            byId.put(t.path("id").asText(), t);
        }
        assertThat(byId).as(String.join("\n", lines)).containsOnlyKeys("t_broken-r", "t_empty-r", "t_unwritable-r", "t_s-r", "t_broken-s");
        var t0 = byId.get("t_broken-r");
        var t1 = byId.get("t_empty-r");
        var t2 = byId.get("t_unwritable-r");
        var t3 = byId.get("t_s-r");
        var t4 = byId.get("t_broken-s");
        assertThat(t0.path("status").asText()).isEqualTo("failed");
        assertThat(t0.path("error").asText()).contains("IperfCommandError").contains("does not run --version")
                .contains("could not find libjvm");
        assertThat(t1.path("error").asText()).contains("IperfCommandError").contains("has no bin/iperf3j");
        assertThat(t2.path("error").asText()).contains("ConnectionError").contains("cannot create " + aFile + "/sub");
        assertThat(t3.path("status").asText()).as(printed).isEqualTo("ok");
        assertThat(t3.path("received_bytes").asLong()).isPositive();
        // the second test on the broken host fails at once with the same error: no second copy
        assertThat(t4.path("error").asText()).isEqualTo(t0.path("error").asText());
        // nothing half-done is left: no upload, no partial directory
        try (var files = Files.list(installRoot)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).allSatisfy(n -> assertThat(n).startsWith("image-")
                    .doesNotContain(".part").doesNotContain("upload"));
        }
    }

    /**
     * An installed image is reused only while every file in it is the tarball's: one whose launcher, or any other file, was
     * changed is copied again, not trusted (nothing in it runs before the check: a changed launcher that would leave a
     * trace does not run).
     */
    @Test
    void anImageIsReusedWhileItsFilesAreTheTarballsAndReplacedWhenOneChanged() throws Exception {
        Path t = tarball("good", "iperf3j-9.9.9", List.<String[]>of(new String[] {"bin/iperf3j", "#!/bin/sh\necho iperf3j 9.9.9\n"},
                new String[] {"lib/modules", "#!/bin/sh\n"}));
        Path root = dir.resolve("remote");
        Node.ImageInstall image = Node.ImageInstall.of(t, root.toString());
        Node n = Node.of("n", "127.0.0.1", Node.Role.NODE, Node.Access.local(), IperfKind.IPERF3J).withInstall(image);
        Connection host = new LocalConnection();
        List<String> notes = new ArrayList<>();
        io.iperf3j.session.internal.host.ImageInstaller first = new io.iperf3j.session.internal.host.ImageInstaller(notes::add);
        first.ensure(n, host);
        first.ensure(n, host);
        assertThat(notes).hasSize(1);
        assertThat(notes.getFirst()).startsWith("n: iperf3j image copied to " + image.imageDirectory()).contains("iperf3j 9.9.9");
        assertThat(Files.getPosixFilePermissions(Path.of(image.imageDirectory()).getParent()))
                .as("made private").isEqualTo(PosixFilePermissions.fromString("rwx------"));
        Path launcher = Path.of(image.imageDirectory(), "bin/iperf3j");
        new io.iperf3j.session.internal.host.ImageInstaller(notes::add).ensure(n, host);
        assertThat(notes.get(1)).startsWith("n: iperf3j image reused in " + image.imageDirectory()).contains("every file matches");
        // a launcher that would leave a trace if it ran: it is replaced before it runs
        Path trace = dir.resolve("ran");
        Files.writeString(launcher, "#!/bin/sh\ntouch " + trace + "\necho iperf3j 9.9.9\n");
        new io.iperf3j.session.internal.host.ImageInstaller(notes::add).ensure(n, host);
        assertThat(notes.get(2)).startsWith("n: iperf3j image copied to");
        assertThat(trace).doesNotExist();
        assertThat(Files.readString(launcher)).isEqualTo("#!/bin/sh\necho iperf3j 9.9.9\n");
        // any other file changed: copied again too
        Files.writeString(Path.of(image.imageDirectory(), "lib/modules"), "changed");
        new io.iperf3j.session.internal.host.ImageInstaller(notes::add).ensure(n, host);
        assertThat(notes.get(3)).startsWith("n: iperf3j image copied to");
        assertThat(Files.readString(Path.of(image.imageDirectory(), "lib/modules"))).isEqualTo("#!/bin/sh\n");
        try (var files = Files.list(root)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly(Path.of(image.imageDirectory()).getFileName().toString());
        }
    }

    /** A folder for the image that another user may write into (here: 0777, not sticky) is refused, naming it; nothing runs there. */
    @Test
    void aFolderOthersMayWriteIsRefused() throws Exception {
        Path t = tarball("good", "iperf3j-9.9.9", List.<String[]>of(new String[] {"bin/iperf3j", "#!/bin/sh\necho iperf3j 9.9.9\n"}));
        Path open = dir.resolve("open");
        Files.createDirectories(open);
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        Node.ImageInstall image = Node.ImageInstall.of(t, open.resolve("images").toString());
        Node n = Node.of("n", "127.0.0.1", Node.Role.NODE, Node.Access.local(), IperfKind.IPERF3J).withInstall(image);
        assertThatThrownBy(() -> new io.iperf3j.session.internal.host.ImageInstaller(s -> { }).ensure(n, new LocalConnection()))
                .isInstanceOf(IperfCommandError.class).hasMessageContaining(open + " may be written by a user other than root");
    }

    /**
     * A sticky folder (as /tmp) is refused as the image's folder (issue 64: another user raced the unpack's move there and had
     * root move its verified tree into a folder of the attacker's): the names in the image's folder must be this user's alone.
     */
    @Test
    void aStickyFolderIsRefusedForTheImage() throws Exception {
        Path t = tarball("good", "iperf3j-9.9.9", List.<String[]>of(new String[] {"bin/iperf3j", "#!/bin/sh\necho iperf3j 9.9.9\n"}));
        Path sticky = dir.resolve("sticky");
        Files.createDirectories(sticky);
        Files.setPosixFilePermissions(sticky, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThat(new ProcessBuilder("chmod", "+t", sticky.toString()).start().waitFor()).isZero();
        Node.ImageInstall image = Node.ImageInstall.of(t, sticky.toString());
        Node n = Node.of("n", "127.0.0.1", Node.Role.NODE, Node.Access.local(), IperfKind.IPERF3J).withInstall(image);
        assertThatThrownBy(() -> new io.iperf3j.session.internal.host.ImageInstaller(s -> { }).ensure(n, new LocalConnection()))
                .isInstanceOf(IperfCommandError.class).hasMessageContaining(sticky + " may be written by a user other than")
                .hasMessageContaining("sticky): no name in it is safe to use");
        try (var files = Files.list(sticky)) {
            assertThat(files).as("nothing copied there").isEmpty();
        }
    }

    /**
     * The image's folder is checked again right before each start of its launcher ({@code imagerun}): once the folder may be
     * written by others, the launcher is not run, and the start says why (status 125).
     */
    @Test
    void theLauncherIsNotRunOnceItsFolderMayBeChangedByOthers() throws Exception {
        Path trace = dir.resolve("ran");
        Path t = tarball("traced", "iperf3j-9.9.9", List.<String[]>of(new String[] {"bin/iperf3j",
                "#!/bin/sh\necho \"$@\" >> " + trace + "\necho iperf3j 9.9.9\n"}));
        Path images = dir.resolve("images");
        Node.ImageInstall image = Node.ImageInstall.of(t, images.toString());
        Node n = Node.of("n", "127.0.0.1", Node.Role.NODE, Node.Access.local(), IperfKind.IPERF3J).withInstall(image);
        Connection host = new LocalConnection();
        new io.iperf3j.session.internal.host.ImageInstaller(s -> { }).ensure(n, host);
        String owner = io.iperf3j.session.internal.host.RemoteScripts.owner("n", "t" + ProcessHandle.current().pid());
        String start = io.iperf3j.session.internal.host.RemoteScripts.clientRun(owner, n.commandLine(IperfKind.IPERF3J) + " -c x");
        Connection.CommandResult ok = host.run(start, java.time.Duration.ofSeconds(30));
        assertThat(ok.exitStatus()).as(ok.toString()).isZero();
        assertThat(Files.readString(trace)).isEqualTo("--version\n-c x\n");
        Files.setPosixFilePermissions(images, PosixFilePermissions.fromString("rwxrwxrwx"));
        Connection.CommandResult refused = host.run(start, java.time.Duration.ofSeconds(30));
        assertThat(refused.exitStatus()).isEqualTo(125);
        assertThat(refused.stderr()).contains("the iperf3j image's folder " + images + ": " + images + " may be written by a user other than");
        assertThat(Files.readString(trace)).as("not run again").isEqualTo("--version\n-c x\n");
    }

    private static String sha256(Path p) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }
}
