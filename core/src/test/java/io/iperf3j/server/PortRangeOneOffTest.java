package io.iperf3j.server;

import io.iperf3j.internal.engine.EngineInfo;
import io.iperf3j.internal.engine.server.IperfServer;
import io.iperf3j.internal.options.IperfOptions;
import io.iperf3j.internal.options.OptionParser;
import io.iperf3j.internal.options.ParseResult;
import io.iperf3j.internal.output.OutputSink;
import io.iperf3j.testing.FreePorts;
import io.iperf3j.testing.Iperf3Binary;
import io.iperf3j.testing.Iperf3Process;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The acceptor of a port range (a selector over the listeners) where it differs from one port's: a
 * {@code -1} range server serves one real 3.12 client on the range's last port, then ends; with
 * {@code --idle-timeout} and nobody connecting it ends at the timeout; {@code close()} ends a server
 * waiting in its select.
 */
class PortRangeOneOffTest {
    private static IperfOptions options(String... args) {
        return ((ParseResult.Run) OptionParser.parse(args)).options().toBuilder().bindAddress("127.0.0.1").build();
    }

    private static CompletableFuture<Void> serve(IperfServer server) {
        CompletableFuture<Void> served = new CompletableFuture<>();
        Thread.ofPlatform().name("port-range-test-serve").start(() -> {
            try {
                server.serve();
                served.complete(null);
            } catch (Throwable t) {
                served.completeExceptionally(t);
            }
        });
        return served;
    }

    @Tag("peer")
    @Test
    void aOneOffRangeServesOneClientOnItsLastPortThenEnds() {
        Iperf3Binary.require();
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            int first = FreePorts.range(3);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            OutputSink sink = OutputSink.of(new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(OutputStream.nullOutputStream()), false);
            IperfServer server = new IperfServer(options("-s", "-1", "-p", first + "-" + (first + 2)), sink,
                    EngineInfo.standard(), null);
            server.bind();
            CompletableFuture<Void> served = serve(server);
            try (Iperf3Process client = Iperf3Process.iperf3(List.of("-c", "127.0.0.1", "-p",
                    Integer.toString(first + 2), "-t", "1"))) {
                assertThat(client.waitFor(Duration.ofSeconds(30))).as(client.stdout() + client.stderr()).isZero();
            }
            served.get(30, TimeUnit.SECONDS);
            String text = out.toString(StandardCharsets.UTF_8);
            assertThat(text).startsWith("-----").contains("Server listening on " + first + "-" + (first + 2) + " (test #1)",
                    "local 127.0.0.1 port " + (first + 2) + " connected to");
            assertThat(text).as("no --max-concurrent above 1, but a range: numbered").contains("test=1 [  5]");
        });
    }

    @Test
    void anIdleOneOffRangeEndsAtItsIdleTimeoutAndCloseEndsAWaitingOne() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            int first = FreePorts.range(2);
            IperfServer idle = new IperfServer(options("-s", "-1", "--idle-timeout", "1", "-p",
                    first + "-" + (first + 1)), OutputSink.discarding(), EngineInfo.standard(), null);
            idle.bind();
            serve(idle).get(10, TimeUnit.SECONDS);

            IperfServer waiting = new IperfServer(options("-s", "-p", first + "-" + (first + 1)), OutputSink.discarding(),
                    EngineInfo.standard(), null);
            waiting.bind();
            CompletableFuture<Void> served = serve(waiting);
            Thread.sleep(200); // into its select (closing earlier ends it too)
            waiting.close();
            served.get(10, TimeUnit.SECONDS);
            assertThat(FreePorts.isFree(first) && FreePorts.isFree(first + 1)).as("the ports are released").isTrue();
        });
    }
}
