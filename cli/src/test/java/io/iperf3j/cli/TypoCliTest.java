package io.iperf3j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.testing.FreePorts;
import io.iperf3j.testing.Iperf3Binary;
import io.iperf3j.testing.Iperf3Process;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 57, "typos measure the wrong thing in silence", as a user meets them: the {@code iperf3j} command as a
 * process ({@link CommandProcess}), beside the real iperf3 3.21 run with the same arguments.
 *
 * <ul>
 * <li>{@code -b 10Q} (a typo of {@code 10G}) ran a test at 10 bit/s with exit status 0, as 3.12 does; 3.21 refuses
 *     an unknown unit suffix with IEUNITVAL, and so does iperf3j now, in its words.</li>
 * <li>{@code -s --why} (a client's option on a server) started a server; iperf3's own client options there are
 *     "some option you are trying to set is client only", and so are iperf3j's.</li>
 * <li>{@code -t 0.5}: iperf3 reads it with atoi as 0, a test without end; iperf3j said "valid values are 0 to
 *     86400 seconds", which 0.5 is. It now says whole seconds, and what ends a shorter test.</li>
 * </ul>
 */
@Tag("peer")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TypoCliTest {
    private static final Duration END = Duration.ofSeconds(20);
    private static final String USAGE_TAIL = "\n\nUsage: iperf3j [-s|-c host] [options]\n"
            + "Try `iperf3j --help' for more information.\n";

    @BeforeAll
    static void iperf3_321IsInstalled() {
        Iperf3Binary.V3_21.requireThis();
    }

    /** Each is refused at once, nothing on stdout, exit status 1, stderr byte for byte 3.21's (iperf3 read as iperf3j). */
    @Test
    void anUnknownUnitSuffixIsRefusedAs321RefusesIt() {
        String port = Integer.toString(FreePorts.next()); // nothing listens: an accepted value would fail to connect
        String[][] cases = {{"-b", "10Q"}, {"-b", "10x"}, {"-n", "10Q"}, {"-l", "10Q"}, {"-k", "5q"}, {"-w", "4Q"},
            {"-u", "-b", "10Q/5"}};
        for (String[] c : cases) {
            List<String> args = new ArrayList<>(List.of("-c", "127.0.0.1", "-p", port));
            args.addAll(List.of(c));
            try (Iperf3Process v321 = Iperf3Process.iperf3(Iperf3Binary.V3_21, args);
                    Iperf3Process ours = CommandProcess.start(args)) {
                assertThat(ours.waitFor(END)).as("exit status of %s", args).isEqualTo(v321.waitFor(END)).isEqualTo(1);
                assertThat(ours.stdout()).as("stdout of %s", args).isEmpty();
                String value = c[c.length - 1].replaceAll("/.*", "");
                assertThat(ours.stderr()).as("stderr of %s", args)
                        .isEqualTo("iperf3j: parameter error - invalid unit value or suffix: '" + value + "'" + USAGE_TAIL)
                        .isEqualTo(as321(v321.stderr()));
            }
        }
    }

    /** A suffix 3.21 reads (a letter after K/M/G/T is ignored there too) still runs: 10Mbit is 10 Mbit/s. */
    @Test
    void aKnownSuffixWithTrailingLettersStillRuns() {
        List<String> args = List.of("--loopback", "-t", "1", "-b", "10Mbit", "-J");
        try (Iperf3Process ours = CommandProcess.start(args)) {
            assertThat(ours.waitFor(END)).as(ours.stderr()).isZero();
            assertThat(ours.stdout()).contains("\"target_bitrate\":\t10000000,");
            assertThat(ours.stderr()).isEmpty();
        }
    }

    /**
     * {@code --why} and {@code --latency} are iperf3j's own client options: on a server, the error iperf3 gives its own
     * client options ({@code -R} here, next to 3.21's), exit status 1 at once, instead of a server that serves.
     */
    @Test
    void iperf3jsOwnClientOptionsOnAServerAreClientOnly() {
        String port = Integer.toString(FreePorts.next());
        try (Iperf3Process v321 = Iperf3Process.iperf3(Iperf3Binary.V3_21, List.of("-s", "-p", port, "-R"))) {
            assertThat(v321.waitFor(END)).isEqualTo(1);
            String expected = as321(v321.stderr());
            assertThat(expected).isEqualTo(
                    "iperf3j: parameter error - some option you are trying to set is client only" + USAGE_TAIL);
            for (String option : List.of("--why", "--latency", "--report=r.html")) {
                List<String> args = List.of("-s", "-p", port, option);
                try (Iperf3Process ours = CommandProcess.start(args)) {
                    assertThat(ours.waitFor(END)).as("exit status of %s (-1: still serving)", args).isEqualTo(1);
                    assertThat(ours.stdout()).as("stdout of %s", args).isEmpty();
                    assertThat(ours.stderr()).as("stderr of %s", args).isEqualTo(expected);
                }
            }
        }
    }

    /**
     * {@code -t 0.5}: 3.21 runs a test without end (atoi reads 0); iperf3j refuses it, naming whole seconds and
     * {@code -n}/{@code -k} for a shorter test. The same range error as before for {@code -t 86401}.
     */
    @Test
    void aFractionOfASecondIsRefusedAsWholeSecondsOnly() {
        List<String> args = List.of("-c", "127.0.0.1", "-p", Integer.toString(FreePorts.next()), "-t", "0.5");
        try (Iperf3Process ours = CommandProcess.start(args)) {
            assertThat(ours.waitFor(END)).isEqualTo(1);
            assertThat(ours.stdout()).isEmpty();
            assertThat(ours.stderr()).isEqualTo("iperf3j: parameter error - -t 0.5: the test duration is whole seconds,"
                    + " 0 to 86400 (0 = no end); for a shorter test, end it by bytes (-n) or blocks (-k)" + USAGE_TAIL);
        }
        try (Iperf3Process ours = CommandProcess.start(List.of("-c", "127.0.0.1", "-t", "86401"))) {
            assertThat(ours.waitFor(END)).isEqualTo(1);
            assertThat(ours.stderr()).isEqualTo(
                    "iperf3j: parameter error - test duration valid values are 0 to 86400 seconds" + USAGE_TAIL);
        }
    }

    /** 3.21's stderr as iperf3j's: its name (or path) read as iperf3j. */
    private static String as321(String stderr) {
        return stderr.replace(Iperf3Binary.V3_21.path + ": ", "iperf3: ").replace("iperf3", "iperf3j");
    }
}
