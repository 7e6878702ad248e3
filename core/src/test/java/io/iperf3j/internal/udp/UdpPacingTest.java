package io.iperf3j.internal.udp;

import io.iperf3j.internal.engine.ClientTest;
import io.iperf3j.internal.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static io.iperf3j.internal.udp.Peers.d;
import static io.iperf3j.internal.udp.Peers.end;
import static io.iperf3j.internal.udp.Peers.l;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code -b} holds: iperf3j's client against iperf3j's server on loopback, the
 * sender never exceeds the asked rate by more than 1 % from 1 Mbit/s to 2 Gbit/s,
 * and a slow stream sleeps rather than spins. (How close to the rate it gets on a busy
 * machine is a benchmark figure: the printed line, and bench/run.sh.)
 */
@Tag("slow")
@Timeout(60)
// alone: its CPU figure is the process's (host_total), and the interop classes run CONCURRENT beside same-thread ones
// (junit-platform.properties), which put another test's CPU in it (stop 75's CI: 11.5 % at -b 1M)
@Isolated
class UdpPacingTest {
    private static final int PORT = 7098;
    private static Peers.OurServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new Peers.OurServer(PORT);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest(name = "-b {0} -l {1}")
    @CsvSource({
            "100M, 0, 100000000",
            "1G, 0, 1000000000",
            "2G, 0, 2000000000",
            "1M, 1460, 1000000", // last, so that JIT compilation does not count as its CPU
    })
    void senderHoldsTheRate(String rate, int len, long bitsPerSecond) {
        List<String> args = new ArrayList<>(List.of("-u", "-t", "3", "-b", rate));
        if (len > 0) {
            args.addAll(List.of("-l", Integer.toString(len)));
        }
        ClientTest.Outcome outcome = Peers.ourClient(PORT, args);
        assertThat(outcome.error()).isNull();
        JsonObject e = end(outcome.document());
        JsonObject sent = e.getObject("sum_sent");
        double achieved = d(sent, "bits_per_second");
        System.out.printf("UDP pacing: -b %s -l %d: achieved %.6f Mbit/s (%.3f %%), %d datagrams in %.6f s, process CPU %.1f %%%n",
                rate, len, achieved / 1e6, 100.0 * (achieved - bitsPerSecond) / bitsPerSecond, l(sent, "packets"),
                d(sent, "seconds"), d(e.getObject("cpu_utilization_percent"), "host_total"));
        // The pacer never sends faster than asked (a correctness property); how close it gets on a
        // busy machine is a performance figure, measured by bench/run.sh (udp_1g), not asserted here
        // beyond "it paces rather than stalls".
        assertThat(achieved).as("achieved rate at -b %s", rate).isLessThanOrEqualTo(bitsPerSecond * 1.01)
                .isGreaterThan(bitsPerSecond * 0.5);
        if (bitsPerSecond <= 1_000_000) {
            // Client and server share this JVM: a sender that spun would show ~50 % (one of two cores).
            assertThat(d(e.getObject("cpu_utilization_percent"), "host_total")).as("CPU at a low rate").isLessThan(10.0);
        }
    }
}
