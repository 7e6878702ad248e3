package io.iperf3j.internal.options;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** iperf3j's {@code --latency[=MS]}: client only, 10 ms without a value, 1..1000 ms. */
class LatencyOptionTest {
    private static IperfOptions run(String... args) {
        ParseResult r = OptionParser.parse(args);
        assertThat(r).isInstanceOf(ParseResult.Run.class);
        return ((ParseResult.Run) r).options();
    }

    private static String failure(String... args) {
        ParseResult r = OptionParser.parse(args);
        assertThat(r).isInstanceOf(ParseResult.Failure.class);
        return ((ParseResult.Failure) r).message();
    }

    @Test
    void offByDefaultTenMillisecondsWithoutAValue() {
        assertThat(run("-c", "h").latencyMs()).isZero();
        assertThat(run("-c", "h", "--latency").latencyMs()).isEqualTo(10);
        assertThat(run("-c", "h", "--latency=25").latencyMs()).isEqualTo(25);
        assertThat(run("--latency=1", "-c", "h").latencyMs()).isEqualTo(1);
        // An optional argument is only taken attached, as getopt_long does: "5" here is the host.
        assertThat(run("-c", "h", "--latency", "5").host()).isEqualTo("h");
    }

    @Test
    void outOfRangeAndServerAreRefused() {
        assertThat(failure("-c", "h", "--latency=0")).contains("latency probe interval must be 1..1000 ms: --latency=0");
        assertThat(failure("-c", "h", "--latency=1001")).contains("1..1000 ms");
        assertThat(failure("-c", "h", "--latency=x")).contains("1..1000 ms");
        assertThat(failure("-s", "--latency")).contains("client only");
    }

    @Test
    void usageNamesIt() {
        assertThat(OptionParser.usage()).contains("  --latency[=#]             iperf3j server only: also measure round-trip times");
    }
}
