package io.iperf3j.internal.net;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class SystemInfoTest {

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        return out;
    }

    @Test
    void unameMatchesTheUnameCommand() throws Exception {
        assertThat(SystemInfo.uname()).isEqualTo(run("uname", "-snrvm"));
        assertThat(SystemInfo.hostName()).isEqualTo(run("uname", "-n"));
    }
}
