// iperf3j as a library: a server and a client in one program, then live metrics.
// A single-file program (JDK 25), run by the suite (dist's LibraryExampleIT) as written here:
//
//   java --enable-native-access=ALL-UNNAMED \
//        -cp iperf3j-core-0.1.0.jar:iperf3j-native-0.1.0.jar:jackson-core-2.20.1.jar LibraryExample.java
//
// --enable-native-access=ALL-UNNAMED lets iperf3j read TCP_INFO (RTT, cwnd, retransmits) and set
// socket options through the FFM API; without it the JDK prints "restricted method" warnings
// on stderr (iperf3j still runs).
import io.iperf3j.IntervalMetrics;
import io.iperf3j.IperfCommand;
import io.iperf3j.IperfResult;
import io.iperf3j.MetricEvent;
import io.iperf3j.MetricsMode;
import io.iperf3j.RunningIperf;

import java.time.Duration;
import java.util.OptionalDouble;

public class LibraryExample {
    public static void main(String[] args) throws Exception {
        RunningIperf server = IperfCommand.server().port(0).longLived().spawn();
        try {
            int port = server.localPort().orElseThrow();

            // a blocking 2-second TCP test
            IperfResult r = IperfCommand.client("127.0.0.1").port(port).duration(Duration.ofSeconds(2)).run();
            r.summary().ifPresent(s ->
                    System.out.printf("%.2f Gbit/s received%n", s.received().bitsPerSecond() / 1e9));

            // live interval samples while a test runs, then a real cancel
            RunningIperf run = IperfCommand.client("127.0.0.1").port(port).duration(Duration.ofSeconds(60))
                    .spawn(MetricsMode.interval());
            for (MetricEvent e : run.metrics()) {
                if (e instanceof MetricEvent.Interval(IntervalMetrics m)) {
                    System.out.printf("%.1f-%.1f s %.2f Gbit/s rtt %s%n", m.startSeconds(), m.endSeconds(),
                            m.bandwidthBitsPerSecond() / 1e9, millis(m.tcpRttSeconds()));
                    if (m.endSeconds() >= 2) {
                        run.cancel();
                    }
                }
            }
            System.out.println("cancelled: " + run.await().cancelled());
        } finally {
            server.cancel();
        }
    }

    private static String millis(OptionalDouble seconds) {
        return seconds.isPresent() ? String.format("%.3f ms", seconds.getAsDouble() * 1e3) : "n/a";
    }
}
