package io.iperf3j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.testing.FreePorts;
import io.iperf3j.testing.Iperf3Binary;
import io.iperf3j.testing.Iperf3Process;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 46 item 7, as a user runs it: an address whose test was cut for its rate is refused for
 * {@code --cool-down} seconds. The server's log knew the seconds left ({@code left=17}); the
 * client was only told "total required bandwidth is larger than server limit", as if its new
 * test asked too much. iperf3j's client now says when to try again, and the real iperf3 3.12 and
 * 3.21 clients print exactly what they printed before (SERVER_ERROR 27; the seconds travel as a
 * negative errno, which neither prints).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CoolDownIT {
    private static final Duration END = Duration.ofSeconds(30);
    private static final String REFUSAL = "total required bandwidth is larger than server limit";
    private static final Pattern OURS = Pattern.compile(
            "iperf3j: error - " + REFUSAL + ": try again in (\\d+) s \\(the server's --cool-down\\)\n");
    private static final Pattern LEFT = Pattern.compile("reason=cool-down .* left=(\\d+) cool_down=30");

    @BeforeAll
    static void realIperf3sAreInstalled() {
        Iperf3Binary.require();
        Iperf3Binary.V3_21.requireThis();
    }

    @Test
    void aClientRefusedDuringTheCoolDownIsToldHowLongToWait() {
        int port = FreePorts.next();
        String p = Integer.toString(port);
        try (Iperf3Process server = JarProcess.start(List.of(), List.of("-s", "-p", p, "--server-bitrate-limit", "100M",
                "--cool-down", "30", "--server-log"))) {
            assertThat(server.awaitListening(port, END)).as("%s", server.stderr()).isTrue();
            // Loopback TCP runs at gigabits: cut at the first 1 s window over 100M, and the address cools down.
            try (Iperf3Process cut = JarProcess.start(List.of(), List.of("-c", "127.0.0.1", "-p", p, "-t", "30"))) {
                assertThat(cut.waitFor(END)).as("%s", cut.stderr()).isEqualTo(1);
                assertThat(cut.stderr()).isEqualTo("iperf3j: error - " + REFUSAL + "\n");
            }
            try (Iperf3Process ours = JarProcess.start(List.of(), List.of("-c", "127.0.0.1", "-p", p, "-t", "1"))) {
                assertThat(ours.waitFor(END)).isEqualTo(1);
                assertThat(ours.stdout()).isEmpty();
                Matcher m = OURS.matcher(ours.stderr());
                assertThat(m.matches()).as("the client's error: %s", ours.stderr()).isTrue();
                int wait = Integer.parseInt(m.group(1));
                assertThat(server.awaitStderr("reason=cool-down", END)).isTrue();
                Matcher left = LEFT.matcher(server.stderr());
                assertThat(left.find()).as("%s", server.stderr()).isTrue();
                assertThat(wait).as("the seconds the server's log has").isEqualTo(Integer.parseInt(left.group(1)))
                        .isBetween(25, 30);
            }
            try (Iperf3Process ours = JarProcess.start(List.of(), List.of("-c", "127.0.0.1", "-p", p, "-t", "1", "-J"))) {
                assertThat(ours.waitFor(END)).isEqualTo(1);
                assertThat(ours.stdout()).containsPattern("\"error\":\\s*\"" + REFUSAL
                        + ": try again in \\d+ s \\(the server's --cool-down\\)\"");
            }
            // The real iperf3 clients: iperf3's words for SERVER_ERROR 27, no errno text.
            try (Iperf3Process v312 = Iperf3Process.iperf3(List.of("-c", "127.0.0.1", "-p", p, "-t", "1"))) {
                assertThat(v312.waitFor(END)).isEqualTo(1);
                assertThat(v312.stdout() + v312.stderr()).isEqualTo("iperf3: error - " + REFUSAL + "\n");
            }
            try (Iperf3Process v321 = Iperf3Process.iperf3(Iperf3Binary.V3_21, List.of("-c", "127.0.0.1", "-p", p, "-t", "1"))) {
                assertThat(v321.waitFor(END)).isEqualTo(1);
                assertThat((v321.stdout() + v321.stderr()).replace(Iperf3Binary.V3_21.path + ": ", "iperf3: "))
                        .isEqualTo("iperf3: SERVER ERROR - " + REFUSAL + "\niperf3: error - " + REFUSAL + "\n");
            }
        }
    }
}
