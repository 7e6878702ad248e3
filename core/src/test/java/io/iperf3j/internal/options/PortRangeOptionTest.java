package io.iperf3j.internal.options;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server's {@code -p FIRST-LAST} (iperf3j): every port of the range, at most 64; a client's is a parameter
 * error; and when the tests' report lines are numbered ({@code --max-concurrent} above 1, or a range).
 */
class PortRangeOptionTest {
    private static IperfOptions run(String... args) {
        return ((ParseResult.Run) OptionParser.parse(args)).options();
    }

    private static String failure(String... args) {
        return ((ParseResult.Failure) OptionParser.parse(args)).message();
    }

    @Test
    void aServerListensOnEveryPortOfTheRange() {
        IperfOptions o = run("-s", "-p", "5201-5209");
        assertThat(o.port()).isEqualTo(5201);
        assertThat(o.portLast()).isEqualTo(5209);
        assertThat(o.ports()).hasSize(9).startsWith(5201).endsWith(5209);
        assertThat(run("-s", "-p", "5201-5264").ports()).hasSize(IperfOptions.MAX_PORT_RANGE);
        assertThat(run("-s", "-p", "5201-5209", "-p", "5300").ports()).as("the last -p wins").containsExactly(5300);
        assertThat(run("-s", "-p", "5300").ports()).containsExactly(5300);
    }

    @Test
    void badRangesAndClientRangesAreParameterErrors() {
        assertThat(failure("-s", "-p", "5201-5265")).isEqualTo(
                "iperf3j: parameter error - port range must be FIRST-LAST with FIRST < LAST, at most 64 ports");
        assertThat(failure("-s", "-p", "5209-5201")).contains("port range must be FIRST-LAST");
        assertThat(failure("-s", "-p", "5201-5201")).contains("port range must be FIRST-LAST");
        assertThat(failure("-s", "-p", "0-3")).isEqualTo(
                "iperf3j: parameter error - port number must be between 1 and 65535 inclusive");
        assertThat(failure("-s", "-p", "65535-65536")).contains("port number must be between 1 and 65535");
        assertThat(failure("-c", "h", "-p", "5201-5209")).isEqualTo(
                "iperf3j: parameter error - a port range (-p FIRST-LAST) is for the server only");
        assertThat(failure("--loopback", "-p", "5201-5209")).contains("is for the server only");
    }

    @Test
    void reportLinesAreNumberedOnlyWhenTheCommandAsksForConcurrentTests() {
        assertThat(run("-s").numberedReports()).as("the default, as iperf3").isFalse();
        assertThat(run("-s", "--max-concurrent", "1").numberedReports()).isFalse();
        assertThat(run("-s", "--max-concurrent", "4").numberedReports()).isTrue();
        assertThat(run("-s", "-p", "5201-5202").numberedReports()).isTrue();
        assertThat(run("-c", "h").numberedReports()).isFalse();
    }
}
