package io.iperf3j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.internal.json.JsonObject;
import io.iperf3j.testing.FreePorts;
import io.iperf3j.testing.Iperf3Binary;
import io.iperf3j.testing.Iperf3Process;
import io.iperf3j.testing.JsonPaths;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 25 through the built jar, beside the real iperf3 3.12 and 3.21 run with the same
 * arguments: with {@code -J} every error is a JSON document with {@code error} on stdout
 * (the listener error and an idle server's interrupt as both print them; a refused
 * command line in the same shape, never the usage), and without it a refused command
 * line is 3.21's short usage on stderr.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ErrorOutputIT {
    private static final Duration END = Duration.ofSeconds(20);

    @BeforeAll
    static void realIperf3sAreInstalled() {
        Iperf3Binary.require();
        Iperf3Binary.V3_21.requireThis();
    }

    @Test
    void listenerErrorWithJsonIsIperf3sDocument() throws IOException {
        try (ServerSocket holder = new ServerSocket()) {
            holder.bind(new InetSocketAddress(FreePorts.next())); // wildcard, IPv4 and IPv6
            List<String> args = List.of("-s", "-1", "-p", Integer.toString(holder.getLocalPort()), "-J");
            try (Iperf3Process v312 = Iperf3Process.iperf3(args);
                    Iperf3Process v321 = Iperf3Process.iperf3(Iperf3Binary.V3_21, args);
                    Iperf3Process ours = JarProcess.start(List.of(), args)) {
                assertThat(ours.waitFor(END)).as("%s", ours.stderr()).isEqualTo(v312.waitFor(END))
                        .isEqualTo(v321.waitFor(END)).isEqualTo(1);
                JsonObject doc = JsonPaths.parse(ours.stdout());
                JsonObject doc312 = JsonPaths.parse(v312.stdout());
                assertThat(doc.getString("error"))
                        .isEqualTo("error - unable to start listener for connections: Address already in use")
                        .isEqualTo(doc312.getString("error"))
                        .isEqualTo(JsonPaths.parse(v321.stdout()).getString("error"));
                assertThat(JsonPaths.keyPaths(doc)).isEqualTo(JsonPaths.keyPaths(doc312));
                assertThat(ours.stderr()).isEqualTo(v312.stderr().replace("iperf3: ", "iperf3j: "));
            }
        }
    }

    @Test
    void idleServerInterruptedWithJsonPrintsIperf3sDocument() {
        int port312 = FreePorts.next();
        int port = FreePorts.next();
        try (Iperf3Process v312 = Iperf3Process.iperf3(List.of("-s", "-J", "-p", Integer.toString(port312)));
                Iperf3Process ours = JarProcess.start(List.of(), List.of("-s", "-J", "-p", Integer.toString(port)))) {
            assertThat(v312.awaitListening(port312, END)).isTrue();
            assertThat(ours.awaitListening(port, END)).as("%s", ours.stderr()).isTrue();
            v312.signal("TERM");
            ours.signal("TERM");
            // 3.12 exits 1; iperf3j exits 0, as 3.21's server does (issue 66: podman stop shows Exited (0)).
            assertThat(v312.waitFor(END)).isEqualTo(1);
            assertThat(ours.waitFor(END)).isZero();
            JsonObject doc = JsonPaths.parse(ours.stdout());
            JsonObject doc312 = JsonPaths.parse(v312.stdout());
            assertThat(doc.getString("error")).isEqualTo("interrupt - the server has terminated")
                    .isEqualTo(doc312.getString("error"));
            assertThat(JsonPaths.keyPaths(doc)).isEqualTo(JsonPaths.keyPaths(doc312));
            assertThat(ours.stderr()).isEqualTo(v312.stderr()).isEmpty();
        }
    }

    @Test
    void refusedCommandLineIsJsonWithJsonAndTheShortUsageWithout() {
        try (Iperf3Process ours = JarProcess.start(List.of(), List.of("-c", "127.0.0.1", "-t", "-1", "-J"))) {
            assertThat(ours.waitFor(END)).isEqualTo(1);
            assertThat(ours.stdout()).doesNotContain("Usage");
            assertThat(JsonPaths.parse(ours.stdout()).getString("error"))
                    .isEqualTo("parameter error - test duration valid values are 0 to 86400 seconds");
            assertThat(ours.stderr()).isEmpty();
        }
        List<String> args = List.of("-c", "127.0.0.1", "-t", "-1");
        try (Iperf3Process v321 = Iperf3Process.iperf3(Iperf3Binary.V3_21, args);
                Iperf3Process ours = JarProcess.start(List.of(), args)) {
            assertThat(ours.waitFor(END)).isEqualTo(v321.waitFor(END)).isEqualTo(1);
            assertThat(ours.stdout()).isEqualTo(v321.stdout()).isEmpty();
            assertThat(ours.stderr()).isEqualTo(v321.stderr().replace("iperf3", "iperf3j"))
                    .endsWith("\nTry `iperf3j --help' for more information.\n");
        }
    }

    /**
     * Issue 46: iperf3's atoi read {@code -t abc} as 0, a test without end, and {@code -t 1x} as 1 (3.12 and
     * 3.21 still do). A value that is not wholly a number is refused as an out-of-range one is: the option's
     * own error, in 3.21's words, message and short usage on stderr, exit status 1, at once.
     */
    @Test
    void notANumberIsRefusedWithTheOptionsOwnError() {
        // each: our value, and one 3.21 refuses with the same error
        String[][] cases = {{"-t", "abc", "-1"}, {"-t", "1x", "86401"}, {"-p", "5201x", "0"},
            {"-i", "abc", "61"}, {"--cport", "x", "0"}};
        for (String[] c : cases) {
            List<String> ours = List.of("-c", "127.0.0.1", c[0], c[1]);
            List<String> theirs = List.of("-c", "127.0.0.1", c[0], c[2]);
            try (Iperf3Process v321 = Iperf3Process.iperf3(Iperf3Binary.V3_21, theirs);
                    Iperf3Process us = JarProcess.start(List.of(), ours)) {
                assertThat(us.waitFor(END)).as("exit status of %s", ours).isEqualTo(v321.waitFor(END)).isEqualTo(1);
                assertThat(us.stdout()).as("stdout of %s", ours).isEmpty();
                assertThat(us.stderr()).as("stderr of %s", ours)
                        .startsWith("iperf3j: parameter error - ")
                        .isEqualTo(v321.stderr().replace(Iperf3Binary.V3_21.path + ": ", "iperf3: ")
                                .replace("iperf3", "iperf3j"));
            }
        }
        // where 3.21's words differ from 3.12's (-O) or iperf3j's own (-P 0), the error of a bad number
        for (String[] c : new String[][] {{"-P", "2x", "value out of range: -P 2x"}, {"-O", "x", "bogus value for --omit"}}) {
            try (Iperf3Process us = JarProcess.start(List.of(), List.of("-c", "127.0.0.1", c[0], c[1]))) {
                assertThat(us.waitFor(END)).isEqualTo(1);
                assertThat(us.stderr()).isEqualTo("iperf3j: parameter error - " + c[2] + "\n\n"
                        + "Usage: iperf3j [-s|-c host] [options]\nTry `iperf3j --help' for more information.\n");
            }
        }
    }

    /**
     * Issue 46: {@code --total-rate} is iperf3j's own, so it does not take iperf3's leniency: {@code 10Q}
     * started a server held to 10 bit/s, {@code 50} one held to 50 bit/s. Both are refused at once, with why.
     */
    @Test
    void totalRateRefusesAnUnknownSuffixAndARateBelowOneKbit() {
        String[][] cases = {{"10Q", "--total-rate 10Q: invalid unit value or suffix (K, M, G or T)"},
            {"50", "--total-rate 50: below 1 kbit/s; did you mean 50M?"}};
        for (String[] c : cases) {
            List<String> args = List.of("-s", "-p", Integer.toString(FreePorts.next()), "--total-rate", c[0]);
            try (Iperf3Process us = JarProcess.start(List.of(), args)) {
                assertThat(us.waitFor(END)).as("exit status of %s (-1: still serving)", args).isEqualTo(1);
                assertThat(us.stdout()).isEmpty();
                assertThat(us.stderr()).isEqualTo("iperf3j: parameter error - " + c[1] + "\n\n"
                        + "Usage: iperf3j [-s|-c host] [options]\nTry `iperf3j --help' for more information.\n");
            }
        }
    }

    @Test
    void helpIsStillTheWholeHelpOnStdout() {
        try (Iperf3Process ours = JarProcess.start(List.of(), List.of("--help"))) {
            assertThat(ours.waitFor(END)).isZero();
            assertThat(ours.stdout()).startsWith("Usage: iperf3j [-s|-c host] [options]\n")
                    .contains("\nSubcommands (iperf3j SUBCOMMAND --help shows its options):\n", "\nServer or Client:\n",
                            "\nData path (iperf3j):\n");
            assertThat(ours.stdout().lines().count()).isGreaterThan(130);
            assertThat(ours.stderr()).isEmpty();
        }
    }
}
