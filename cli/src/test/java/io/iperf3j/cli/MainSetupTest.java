package io.iperf3j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/** Which command lines start the one-time native set-up early (issue 16): tests yes, help/version/subcommands no. */
@Timeout(10)
class MainSetupTest {
    @Test
    void testsStartTheSetUpOthersDoNot() {
        assertThat(Main.mayRunATest(new String[] {"-c", "127.0.0.1", "-t", "1"})).isTrue();
        assertThat(Main.mayRunATest(new String[] {"-s", "-1"})).isTrue();
        assertThat(Main.mayRunATest(new String[] {"--loopback", "-u"})).isTrue();
        assertThat(Main.mayRunATest(new String[] {"--version"})).isFalse();
        assertThat(Main.mayRunATest(new String[] {"-c", "h", "-h"})).isFalse();
        assertThat(Main.mayRunATest(new String[] {"exporter", "--port", "0"})).isFalse();
        assertThat(Main.mayRunATest(new String[] {"report", "x.json"})).isFalse();
        assertThat(Main.mayRunATest(new String[0])).isFalse();
    }
}
