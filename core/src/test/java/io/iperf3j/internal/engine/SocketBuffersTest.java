package io.iperf3j.internal.engine;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class SocketBuffersTest {
    /** The third field of tcp_rmem/tcp_wmem, read whole: /proc says its files are empty. */
    @Test
    void tcpMaxIsTheSysctlsThirdField() throws IOException {
        Path rmem = Path.of("/proc/sys/net/ipv4/tcp_rmem");
        assumeTrue(Files.isReadable(rmem), "Linux only");
        // what the shell's reader sees, byte by byte, against what tcpMax parsed
        String[] r = new String(Files.newInputStream(rmem).readAllBytes()).trim().split("\\s+");
        String[] w = new String(Files.newInputStream(Path.of("/proc/sys/net/ipv4/tcp_wmem")).readAllBytes()).trim()
                .split("\\s+");
        assertThat(r).hasSize(3);
        assertThat(SocketBuffers.tcpMax(true)).hasValue(Long.parseLong(r[2]));
        assertThat(SocketBuffers.tcpMax(false)).hasValue(Long.parseLong(w[2]));
        assertThat(SocketBuffers.tcpMax(true).getAsLong()).isGreaterThan(4096);
    }
}
