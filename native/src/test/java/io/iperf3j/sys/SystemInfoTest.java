package io.iperf3j.sys;

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

    /** The /proc files (read first) and the uname(2) call (the fallback) give the same five fields. */
    @Test
    void procFilesAndTheSystemCallAgree() {
        String[] viaProc = SystemInfo.procUname();
        String[] viaCall = SystemInfo.nativeUname(Libc.get().orElseThrow());
        assertThat(viaProc).isNotNull().hasSize(5);
        assertThat(viaProc).containsExactly(viaCall);
    }
}
