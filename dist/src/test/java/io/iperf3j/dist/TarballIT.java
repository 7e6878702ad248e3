package io.iperf3j.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iperf3j.testing.FreePorts;
import io.iperf3j.testing.Iperf3Binary;
import io.iperf3j.testing.Iperf3Process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tarball, unpacked into an empty directory, run where no JDK can be found
 * ({@link NoJdk}): {@code --version}, a test between two of its processes over loopback, and
 * a test against the real iperf3 3.12.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TarballIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Path iperf3j;

    @BeforeAll
    static void unpack() throws Exception {
        NoJdk.requireJdkHidden();
        Path home = Installation.unpackedImage();
        iperf3j = home.resolve("bin/iperf3j");
        assertThat(iperf3j).isExecutable();
        assertThat(home.resolve("share/man/man1/iperf3j.1.gz")).isRegularFile();
        // the plan's JSON Schema where the README points editors (issue 66)
        assertThat(home.resolve("share/iperf3j/plan.schema.json")).hasSameTextualContentAs(Dist.planSchemaSource());
        assertThat(home.resolve("lib/iperf3j.aot")).isRegularFile();
        // the runtime is jlinked: a few modules, not a JDK (no javac, no jmods)
        assertThat(home.resolve("lib/runtime/bin/javac")).doesNotExist();
        String release = Files.readString(home.resolve("lib/runtime/release"));
        // The modules of dist/src/main/sh/runtime-modules and no others: not the desktop,
        // Kerberos, SQL and XML modules the libraries' unused paths reach, not a JDK's tools.
        assertThat(release).contains("java.base", "jdk.httpserver", "java.net.http", "jdk.unsupported")
                .doesNotContain("java.desktop", "java.security.jgss", "java.sql", "java.xml",
                        "jdk.compiler", "jdk.jshell");
    }

    @Test
    void versionRunsWithoutAJdkAndUsesTheAotCache() {
        try (Iperf3Process p = NoJdk.start(List.of(iperf3j.toString(), "--version"))) {
            assertThat(p.waitFor(Duration.ofSeconds(30))).as(p.stderr()).isZero();
            assertThat(p.stdout()).startsWith("iperf3j " + Dist.version() + " ");
            assertThat(p.stderr()).isEmpty();
        }
        // the cache is valid where the tarball was unpacked (a rejected cache says so at error level)
        try (Iperf3Process p = Iperf3Process.start(NoJdk.wrap(List.of("/usr/bin/env",
                "IPERF3J_JAVA_OPTS=-Xlog:aot=info", iperf3j.toString(), "--version")))) {
            assertThat(p.waitFor(Duration.ofSeconds(30))).isZero();
            assertThat(p.stdout() + p.stderr()).contains("Opened AOT cache").doesNotContain("error");
        }
    }

    @Test
    void loopbackTestBetweenTwoProcessesOfTheImage() throws IOException {
        int port = FreePorts.next();
        try (Iperf3Process server = NoJdk.start(List.of(iperf3j.toString(), "-s", "-1", "-p", Integer.toString(port)))) {
            assertThat(server.awaitListening(port, Duration.ofSeconds(30))).as(server.stderr()).isTrue();
            try (Iperf3Process client = NoJdk.start(List.of(iperf3j.toString(), "-c", "127.0.0.1",
                    "-p", Integer.toString(port), "-t", "1", "-J"))) {
                assertThat(client.waitFor(Duration.ofSeconds(40))).as(client.stderr()).isZero();
                assertReceived(client.stdout());
            }
            assertThat(server.waitFor(Duration.ofSeconds(20))).as(server.stderr()).isZero();
        }
    }

    /**
     * With the image's AOT cache, a paced test's client and its receiving server load every class of
     * iperf3j's from the cache: none from the jar, which is then never opened (its central directory is
     * 5 600 entries; issue 68, docs/design/cpu-per-bit.md). A class the training does not reach, or a
     * resource read at start, shows here as a class line whose source is the jar. Nor does a class-path
     * service lookup open it (the selector provider's, unless jvm.options names it; the logger's that
     * {@code System.exit} makes, unless a test that ends well returns from main): the JVM's init log then
     * shows {@code ZipFile$Source}, the jar's directory read.
     */
    @Test
    void aPacedTestLoadsNoClassFromTheJar(@TempDir Path dir) throws IOException {
        Iperf3Binary.require();
        Path clientLog = dir.resolve("client-classes.log");
        Path serverLog = dir.resolve("server-classes.log");
        int port = FreePorts.next();
        try (Iperf3Process server = Iperf3Process.iperf3(List.of("-s", "-1", "-p", Integer.toString(port)))) {
            assertThat(server.awaitListening(port, Duration.ofSeconds(10))).as(server.stderr()).isTrue();
            try (Iperf3Process client = NoJdk.start(List.of("/usr/bin/env", classLog(clientLog), iperf3j.toString(),
                    "-c", "127.0.0.1", "-p", Integer.toString(port), "-t", "1", "-b", "1G"))) {
                assertThat(client.waitFor(Duration.ofSeconds(40))).as(client.stderr()).isZero();
            }
            assertThat(server.waitFor(Duration.ofSeconds(20))).as(server.stderr()).isZero();
        }
        port = FreePorts.next();
        try (Iperf3Process server = NoJdk.start(List.of("/usr/bin/env", classLog(serverLog), iperf3j.toString(),
                "-s", "-1", "-p", Integer.toString(port)))) {
            assertThat(server.awaitListening(port, Duration.ofSeconds(30))).as(server.stderr()).isTrue();
            try (Iperf3Process client = Iperf3Process.iperf3(List.of("-c", "127.0.0.1", "-p", Integer.toString(port),
                    "-t", "1", "-b", "1G"))) {
                assertThat(client.waitFor(Duration.ofSeconds(40))).as(client.stderr()).isZero();
            }
            assertThat(server.waitFor(Duration.ofSeconds(20))).as(server.stderr()).isZero();
        }
        for (Path log : List.of(clientLog, serverLog)) {
            String classes = Files.readString(log);
            assertThat(classes).as("%s: iperf3j's classes came from the AOT cache", log.getFileName())
                    .contains("io.iperf3j.cli.Main source: shared objects file");
            assertThat(classes.lines().filter(l -> l.contains("source: file:") || l.contains("source: jar:")))
                    .as("%s: classes loaded from the jar", log.getFileName()).isEmpty();
            assertThat(classes).as("%s: the JVM's init log is in it", log.getFileName())
                    .contains("Initializing 'io/iperf3j/cli/Main");
            assertThat(classes.lines().filter(l -> l.contains("Initializing 'java/util/zip/ZipFile$Source'")
                    || l.contains("Initializing 'jdk/internal/logger/BootstrapLogger$DetectBackend'")))
                    .as("%s: a zip file's directory read (the jar's), or the exit's logger lookup", log.getFileName())
                    .isEmpty();
        }
    }

    private static String classLog(Path file) {
        return "IPERF3J_JAVA_OPTS=-Xlog:class+load=info,class+init=info:file=" + file;
    }

    @Test
    void interopWithTheRealIperf3() throws IOException {
        Iperf3Binary.require();
        int port = FreePorts.next();
        try (Iperf3Process server = Iperf3Process.iperf3(List.of("-s", "-1", "-p", Integer.toString(port)))) {
            assertThat(server.awaitListening(port, Duration.ofSeconds(10))).as(server.stderr()).isTrue();
            try (Iperf3Process client = NoJdk.start(List.of(iperf3j.toString(), "-c", "127.0.0.1",
                    "-p", Integer.toString(port), "-t", "1", "-R", "-J"))) {
                assertThat(client.waitFor(Duration.ofSeconds(40))).as(client.stderr()).isZero();
                JsonNode doc = assertReceived(client.stdout());
                assertThat(doc.at("/start/test_start/reverse").asInt()).isEqualTo(1);
            }
            assertThat(server.waitFor(Duration.ofSeconds(20))).as(server.stderr()).isZero();
            assertThat(server.stdout()).contains("Accepted connection from 127.0.0.1");
        }
    }

    /**
     * SIGTERM in the middle of a test ends it as iperf3 ends it: the summary so far, then
     * "interrupt - the client has terminated", exit status 1. The handlers need
     * {@code sun.misc.Signal} (module jdk.unsupported); an image without it was killed by the
     * signal, exit 143, no summary.
     */
    @Test
    void sigtermEndsATestAsIperf3Does() throws Exception {
        int port = FreePorts.next();
        try (Iperf3Process server = NoJdk.start(List.of(iperf3j.toString(), "-s", "-1", "-p", Integer.toString(port)))) {
            assertThat(server.awaitListening(port, Duration.ofSeconds(30))).as(server.stderr()).isTrue();
            try (Iperf3Process client = NoJdk.start(List.of(iperf3j.toString(), "-c", "127.0.0.1",
                    "-p", Integer.toString(port), "-t", "30", "--forceflush"))) {
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (!FIRST_INTERVAL.matcher(client.stdout()).find() && client.isAlive()
                        && System.nanoTime() - deadline < 0) {
                    Thread.sleep(20); // the first interval: the test is running, its handlers in place
                }
                assertThat(client.stdout()).as(client.stderr()).containsPattern(FIRST_INTERVAL);
                client.signal("TERM");
                assertThat(client.waitFor(Duration.ofSeconds(20))).as(client.stdout() + client.stderr()).isEqualTo(1);
                assertThat(client.stdout()).contains("sender");
                assertThat(client.stdout() + client.stderr()).contains("interrupt - the client has terminated");
            }
            assertThat(server.waitFor(Duration.ofSeconds(20))).as(server.stderr()).isNotNegative();
        }
    }

    /**
     * The first interval line. Its end is when the interval timer ran, as in iperf3: on a
     * loaded machine that is 1.01 or 1.02 s, not always 1.00 (a CI run saw "0.00-1.01").
     */
    static final Pattern FIRST_INTERVAL = Pattern.compile("\\]\\s+0\\.00-1\\.\\d\\d\\s+sec");

    /** The client's JSON document: bytes arrived at the receiver, no error. */
    static JsonNode assertReceived(String json) throws IOException {
        JsonNode doc = JSON.readTree(json);
        assertThat(doc.has("error")).as(json).isFalse();
        assertThat(doc.at("/end/sum_received/bytes").asLong()).as(json).isGreaterThan(0);
        return doc;
    }

}
