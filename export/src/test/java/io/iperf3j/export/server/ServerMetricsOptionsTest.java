package io.iperf3j.export.server;

import io.iperf3j.export.cli.MetricsOptions;
import io.iperf3j.export.cli.WrapperOptions;
import io.iperf3j.internal.options.OptionParser;
import io.iperf3j.internal.options.ParseResult;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --metrics.listen} and {@code --metrics.client-prefixes}: rows of the one table, server only. */
class ServerMetricsOptionsTest {
    private static WrapperOptions parse(String... args) {
        MetricsOptions m = new MetricsOptions(Map.<String, String>of()::get);
        ParseResult r = OptionParser.parse(List.of(m), args);
        assertThat(r).as("%s", r).isInstanceOf(ParseResult.Run.class);
        return m.options();
    }

    private static String failure(String... args) {
        ParseResult r = OptionParser.parse(List.of(new MetricsOptions(Map.<String, String>of()::get)), args);
        assertThat(r).isInstanceOf(ParseResult.Failure.class);
        return ((ParseResult.Failure) r).message();
    }

    @Test
    void listenAndPrefixes() {
        WrapperOptions none = parse("-s");
        assertThat(none.serverMetricsListen()).isEmpty();
        assertThat(none.clientPrefixes()).isEqualTo(64);
        assertThat(parse("-s", "--metrics.listen", "9580").serverMetricsListen())
                .as("PORT alone: loopback").contains(new InetSocketAddress("127.0.0.1", 9580));
        assertThat(parse("-s", "--metrics.listen=:9580").serverMetricsListen().orElseThrow().getAddress().isAnyLocalAddress())
                .as(":PORT: every interface").isTrue();
        assertThat(parse("-s", "--metrics.listen", "[::1]:9580").serverMetricsListen())
                .contains(new InetSocketAddress("::1", 9580));
        WrapperOptions k = parse("-s", "--metrics.listen", "127.0.0.2:0", "--metrics.client-prefixes", "0");
        assertThat(k.clientPrefixes()).isZero();
        assertThat(k.serverMetricsListen()).contains(new InetSocketAddress("127.0.0.2", 0));
    }

    @Test
    void refusals() {
        assertThat(failure("-c", "h", "--metrics.listen", "9580"))
                .isEqualTo("iperf3j: parameter error - some option you are trying to set is server only");
        assertThat(failure("-s", "--metrics.client-prefixes", "8"))
                .endsWith("--metrics.client-prefixes requires --metrics.listen");
        assertThat(failure("-s", "--metrics.listen", "9580", "--metrics.client-prefixes", "-1"))
                .endsWith("--metrics.client-prefixes must be an integer between 0 and 4096");
        assertThat(failure("-s", "--metrics.listen", "host:port")).endsWith("--metrics.listen must be [HOST:]PORT, got 'host:port'");
        assertThat(failure("-s", "--metrics.listen", "70000")).endsWith("--metrics.listen must be [HOST:]PORT, got '70000'");
    }
}
