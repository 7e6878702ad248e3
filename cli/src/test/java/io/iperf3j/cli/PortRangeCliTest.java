package io.iperf3j.cli;

import io.iperf3j.testing.FreePorts;
import io.iperf3j.testing.Iperf3Binary;
import io.iperf3j.testing.Iperf3Process;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.iperf3j.cli.CapturedText.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * {@code iperf3j -s -p FIRST-LAST} as a process: one server listening on 9 ports, and 9 real iperf3 clients
 * (3.12 and 3.21 by turns, two of them UDP, each from its own 127.0.0.N), one per port, started at once with
 * {@code -P 2}. Every client
 * ends with {@code iperf Done.}; each was served on its own port; {@code --max-concurrent 4} and
 * {@code --queue 16} hold across the ports (5 queued, none busy). The same run's standard output shows the
 * concurrent tests' text readable: every report line starts with its test's {@code test=N}, every
 * {@code [SUM]} line follows its own test's stream lines, and the {@code Server listening} banner comes
 * whole, never inside a test's block.
 */
@Tag("peer")
class PortRangeCliTest {
    private static final int PORTS = 9;
    private static final Duration CLIENT_LIMIT = Duration.ofSeconds(60);
    private static final Pattern LABEL = Pattern.compile("^test=(\\d+) ");
    private static final Pattern LOCAL_PORT = Pattern.compile("local 127\\.0\\.0\\.1 port (\\d+) connected to");

    @Test
    void nineClientsOnePerPortServedByOneProcess() {
        Iperf3Binary.require();
        Iperf3Binary.V3_21.requireThis();
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            // FreePorts' range was free a moment ago; a test JVM beside this one may still take a port of it first
            // (run 43: the server exited at once). As FreePorts says, the caller then tries another range.
            Iperf3Process started = null;
            int from = 0;
            for (int attempt = 1; started == null; attempt++) {
                from = FreePorts.range(PORTS);
                Iperf3Process s = CommandProcess.start(List.of("-s", "-p", from + "-" + (from + PORTS - 1),
                        "--max-concurrent", "4", "--queue", "16", "--server-log"));
                boolean all = true;
                for (int p = from; p < from + PORTS && all; p++) {
                    all = s.awaitListening(p, Duration.ofSeconds(30));
                }
                if (all) {
                    started = s;
                } else {
                    s.close();
                    assertThat(attempt).as("the server on %d-%d did not listen: %s%s", from, from + PORTS - 1, s, s.stderr())
                            .isLessThan(5);
                    assertThat(s.stderr()).as("why the server on %d-%d ended", from, from + PORTS - 1)
                            .containsIgnoringCase("in use");
                }
            }
            int first = from;
            int last = first + PORTS - 1;
            try (Iperf3Process server = started) {
                List<Iperf3Process> clients = new ArrayList<>();
                try {
                    for (int i = 0; i < PORTS; i++) {
                        // each from its own address: one address may hold only a quarter of --queue
                        List<String> args = new ArrayList<>(List.of("-c", "127.0.0.1", "-B", "127.0.0." + (10 + i), "-p",
                                Integer.toString(first + i), "-P", "2", "-t", "3"));
                        if (i % 4 == 1) {
                            args.addAll(List.of("-u", "-b", "10M"));
                        }
                        clients.add(Iperf3Process.iperf3(i % 2 == 0 ? Iperf3Binary.V3_12 : Iperf3Binary.V3_21, args));
                    }
                    for (Iperf3Process c : clients) {
                        assertThat(c.waitFor(CLIENT_LIMIT)).as("%s: %s", c, c.stdout() + c.stderr()).isZero();
                        assertThat(c.stdout()).contains("iperf Done.");
                    }
                } finally {
                    clients.forEach(Iperf3Process::close);
                }
                CapturedText.awaitCount(server::stderr, "event=end", PORTS, CLIENT_LIMIT);
                String log = server.stderr();
                assertThat(count(log, "event=queued")).as("4 places, 9 clients: 5 wait, on any port%n%s", log)
                        .isEqualTo(PORTS - 4);
                assertThat(count(log, "event=start")).isEqualTo(PORTS);
                assertThat(count(log, " waited=")).as("the queued ones start after their wait").isEqualTo(PORTS - 4);
                assertThat(log).doesNotContain("event=busy");

                List<String> out = server.stdout().lines().toList();
                Set<Integer> servedPorts = new TreeSet<>();
                for (String line : out) {
                    Matcher m = LOCAL_PORT.matcher(line);
                    if (m.find()) {
                        servedPorts.add(Integer.parseInt(m.group(1)));
                    }
                }
                assertThat(servedPorts).as("a test on every port").hasSize(PORTS)
                        .allMatch(p -> p >= first && p <= last);
                assertReadable(out, first + "-" + last);
            }
        });
    }

    /** Every line of a test carries its number; a [SUM] follows its own streams; banners come whole. */
    private static void assertReadable(List<String> out, String ports) {
        Set<String> tests = new TreeSet<>();
        int sums = 0;
        for (int i = 0; i < out.size(); i++) {
            String line = out.get(i);
            if (line.startsWith("Server listening on ")) {
                assertThat(line).startsWith("Server listening on " + ports + " (test #");
                assertThat(out.get(i - 1)).as("banner at line %d", i).isEqualTo(out.get(i + 1)).startsWith("-----");
                continue;
            }
            if (line.startsWith("-----")) {
                continue; // a banner's dashes, checked with it
            }
            Matcher m = LABEL.matcher(line);
            assertThat(m.find()).as("line %d carries its test's number: %s", i, line).isTrue();
            tests.add(m.group(1));
            if (line.contains("[SUM]") && line.contains("sec")) {
                sums++;
                String label = m.group();
                // -P 2: the two stream lines of the same interval (or summary) come right before its [SUM].
                assertThat(out.get(i - 1)).as("before line %d: %s", i, line).startsWith(label + "[");
                assertThat(out.get(i - 2)).as("two before line %d: %s", i, line).startsWith(label + "[");
            }
        }
        assertThat(tests).as("the 9 tests' numbers").hasSize(PORTS);
        assertThat(sums).as("interval sums of 9 tests of 3 s").isGreaterThanOrEqualTo(PORTS * 3);
    }
}
