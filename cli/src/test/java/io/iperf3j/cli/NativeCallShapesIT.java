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
 * A TCP test spins at most three native call shapes. Each shape FFM links spins a stub class and its lambda
 * forms at run time, and C1 then compiles the class-file code that made them: ~10-25 ms of CPU a shape, the
 * largest part of a JVM's start after the JVM's own (docs/design/cpu-per-bit.md, "One call shape"). Libc
 * calls every function through one shape in three handles (errno captured, plain, critical), so no process
 * can spin more than three stubs however many functions it calls; functions bound one handle each in their
 * own C types made a paced sending client spin 7 and a receiving server 6 to 8. The built jar as a process,
 * the real iperf3 at the other end; which holders were initialised and how many stubs were spun is the JVM's
 * own class log.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class NativeCallShapesIT {
    /** The plain handle: a stream's send, and the receive that waits, go through it. */
    private static final String PLAIN = "Initializing 'io/iperf3j/sys/Libc$Plain'";
    private static final String STUB = "jdk.internal.foreign.abi.DowncallStub";

    @TempDir
    Path dir;

    @BeforeAll
    static void realIperf3IsInstalled() {
        Iperf3Binary.require();
    }

    @Test
    void aPacedSendingClientSpinsAtMostThreeCallShapes() throws IOException {
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
        assertThat(inits).as("the plain handle, a stream's send's, was made (the log is the JVM's class-init log)")
                .contains(PLAIN);
        assertThat(stubs(inits)).as("downcall stubs a paced sending client spun").isBetween(1L, 3L);
    }

    @Test
    void aReceivingServerSpinsAtMostThreeCallShapes() throws IOException {
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
        assertThat(inits).as("the plain handle, the waiting receive's, was made").contains(PLAIN);
        assertThat(stubs(inits)).as("downcall stubs a receiving server spun").isBetween(1L, 3L);
    }

    private static long stubs(String log) {
        return log.lines().filter(l -> l.contains(STUB) && l.contains("source:")).count();
    }

    private static String initLog(Path file) {
        return "-Xlog:class+init=info,class+load=info:file=" + file;
    }
}
