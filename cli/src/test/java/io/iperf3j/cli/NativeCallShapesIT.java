package io.iperf3j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.testing.FreePorts;
import io.iperf3j.testing.Iperf3Binary;
import io.iperf3j.testing.Iperf3Process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TCP test binds only the native call shapes its streams make. Each shape FFM links spins a stub class
 * and its lambda forms at run time, and C1 then compiles the class-file code that made them: ~10-15 ms of
 * CPU a shape, the largest part of a JVM's start after the JVM's own (docs/design/cpu-per-bit.md, "What a
 * JVM's start costs here"). Libc binds its calls in groups on first use, so a sending stream must not bind
 * the receiver's {@code recv}-without-wait and {@code poll} ({@code Libc$ByAddressNoWait}), no test binds
 * {@code ioctl} ({@code Libc$Ioctl}, a variadic shape of its own that only a queue query makes), and a TCP
 * stream's worker is woken at the end through the JDK's channel, not FFM's {@code shutdown}. The
 * built jar as a process, the real iperf3 at the other end; which holders were initialised and how many
 * stubs were spun is the JVM's own class log. The counts are this JDK's (one stub class per call shape and
 * per critical or ordinary binding): a paced sending client makes 7 (11 before), a receiving server 6, or 8
 * when a wait in {@code recv} found nothing (10 before).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class NativeCallShapesIT {
    private static final String BY_ADDRESS = "Initializing 'io/iperf3j/sys/Libc$ByAddress'";
    private static final String NO_WAIT = "Initializing 'io/iperf3j/sys/Libc$ByAddressNoWait'";
    private static final String IOCTL = "Initializing 'io/iperf3j/sys/Libc$Ioctl'";
    private static final String SHUTDOWN = "Initializing 'io/iperf3j/sys/Libc$Shutdown'";
    private static final String STUB = "jdk.internal.foreign.abi.DowncallStub";

    @TempDir
    Path dir;

    @BeforeAll
    static void realIperf3IsInstalled() {
        Iperf3Binary.require();
    }

    @Test
    void aSendingClientBindsNeitherTheReceiversCallsNorIoctlNorShutdown() throws IOException {
        Path log = dir.resolve("client-init.log");
        int port = FreePorts.next();
        try (Iperf3Process server = Iperf3Process.iperf3(List.of("-s", "-1", "-p", Integer.toString(port)))) {
            assertThat(server.awaitListening(port, Duration.ofSeconds(10))).isTrue();
            try (Iperf3Process client = JarProcess.start(List.of(initLog(log)),
                    List.of("-c", "127.0.0.1", "-p", Integer.toString(port), "-t", "1", "-b", "1G"))) {
                assertThat(client.waitFor(Duration.ofSeconds(30))).as("%s\n%s%s", client, client.stdout(),
                        client.stderr()).isZero();
            }
            assertThat(server.waitFor(Duration.ofSeconds(10))).isZero();
        }
        String inits = Files.readString(log);
        assertThat(inits).as("the by-address send was used (the log is the JVM's class-init log)").contains(BY_ADDRESS);
        assertThat(inits).as("a sender's JVM linked the receiver's calls").doesNotContain(NO_WAIT);
        assertThat(inits).as("a test's JVM linked ioctl").doesNotContain(IOCTL);
        assertThat(inits).as("a TCP test's JVM linked shutdown").doesNotContain(SHUTDOWN);
        assertThat(stubs(inits)).as("downcall stubs a paced sending client spun").isBetween(1L, 7L);
    }

    @Test
    void aReceivingServerBindsNeitherIoctlNorShutdown() throws IOException {
        Path log = dir.resolve("server-init.log");
        int port = FreePorts.next();
        try (Iperf3Process server = JarProcess.start(List.of(initLog(log)),
                List.of("-s", "-1", "-p", Integer.toString(port)))) {
            assertThat(server.awaitListening(port, Duration.ofSeconds(20))).as("%s\n%s", server, server.stderr())
                    .isTrue();
            try (Iperf3Process client = Iperf3Process.iperf3(
                    List.of("-c", "127.0.0.1", "-p", Integer.toString(port), "-t", "1", "-b", "1G"))) {
                assertThat(client.waitFor(Duration.ofSeconds(30))).as(client.stdout()).isZero();
            }
            assertThat(server.waitFor(Duration.ofSeconds(10))).as("%s\n%s%s", server, server.stdout(),
                    server.stderr()).isZero();
        }
        String inits = Files.readString(log);
        assertThat(inits).as("the by-address receive was used").contains(BY_ADDRESS);
        assertThat(inits).as("a test's JVM linked ioctl").doesNotContain(IOCTL);
        assertThat(inits).as("a TCP test's JVM linked shutdown").doesNotContain(SHUTDOWN);
        assertThat(stubs(inits)).as("downcall stubs a receiving server spun").isBetween(1L, 8L);
    }

    private static long stubs(String log) {
        return log.lines().filter(l -> l.contains(STUB) && l.contains("source:")).count();
    }

    private static String initLog(Path file) {
        return "-Xlog:class+init=info,class+load=info:file=" + file;
    }
}
