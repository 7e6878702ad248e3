package io.iperf3j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.testing.FreePorts;
import io.iperf3j.testing.Iperf3Binary;
import io.iperf3j.testing.Iperf3Process;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 46 item 6, as a user runs it: {@code iperf3j -s --total-rate 10M --queue 16} with its one
 * place taken. A UDP upload asking for more than the total (iperf3 3.12's client, and iperf3j's)
 * waited in the queue until the place was free (9.3 s in the issue) and was refused then; the
 * README says it is refused up front. Clients that fit still queue and run once the place frees.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TotalRateQueueIT {
    private static final Duration END = Duration.ofSeconds(30);
    private static final String REFUSAL = "total required bandwidth is larger than server limit";

    @BeforeAll
    static void realIperf3IsInstalled() {
        Iperf3Binary.require();
    }

    @Test
    void udpUploadOverTheTotalIsRefusedBeforeItQueues() {
        int port = FreePorts.next();
        String p = Integer.toString(port);
        try (Iperf3Process server = JarProcess.start(List.of(), List.of("-s", "-p", p, "--total-rate", "10M",
                "--max-concurrent", "1", "--queue", "16", "--server-log"))) {
            assertThat(server.awaitListening(port, END)).as("%s", server.stderr()).isTrue();
            try (Iperf3Process occupant = Iperf3Process.iperf3(List.of("-c", "127.0.0.1", "-p", p, "-t", "6"))) {
                assertThat(server.awaitStderr("event=start", END)).as("%s", server.stderr()).isTrue();
                long t0 = System.nanoTime();
                try (Iperf3Process theirs = Iperf3Process.iperf3(List.of("-c", "127.0.0.1", "-p", p, "-u", "-b", "20M", "-t", "1"));
                        Iperf3Process ours = JarProcess.start(List.of(), List.of("-c", "127.0.0.1", "-p", p, "-u", "-b", "20M", "-t", "1"));
                        Iperf3Process fits = JarProcess.start(List.of(), List.of("-c", "127.0.0.1", "-p", p, "-u", "-b", "1M", "-t", "1", "-J"));
                        Iperf3Process tcp = Iperf3Process.iperf3(List.of("-c", "127.0.0.1", "-p", p, "-t", "1"))) {
                    assertThat(theirs.awaitExit(END)).isTrue();
                    assertThat(ours.awaitExit(END)).isTrue();
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    assertThat(theirs.stdout() + theirs.stderr()).contains("iperf3: error - " + REFUSAL);
                    assertThat(ours.stderr()).isEqualTo("iperf3j: error - " + REFUSAL + "\n");
                    assertThat(ours.waitFor(END)).isEqualTo(1);
                    assertThat(seconds).as("both refused at once, not after the running test's 6 s in the queue")
                            .isLessThan(3.5);
                    assertThat(occupant.isAlive()).as("the place was still taken: the refusal did not wait for it").isTrue();
                    // What fits waits its turn and runs: a UDP upload below the total, read before it queued, and TCP.
                    assertThat(fits.waitFor(END)).as("%s%s", fits.stdout(), fits.stderr()).isZero();
                    assertThat(fits.stdout()).contains("\"sum\"").doesNotContain("\"error\"");
                    assertThat(tcp.waitFor(END)).as("%s%s", tcp.stdout(), tcp.stderr()).isZero();
                }
                assertThat(occupant.waitFor(END)).isZero();
            }
            assertThat(server.stderr()).contains("event=refused reason=total-rate client=127.0.0.1:",
                    "detail=\"UDP upload asks for more than --total-rate\"");
            assertThat(server.stderr().lines().filter(l -> l.contains("reason=total-rate"))).hasSize(2);
            assertThat(server.stderr()).doesNotContain("result=refused");
        }
    }
}
