package io.iperf3j.link.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * B3 of docs/design/one-native-layer.md: the documented switch {@code -Diperf3j.native=false}
 * (docs/design/native-sockets.md) turns link's native port off too, in a JVM of its own (the
 * native layer decides once per JVM).
 */
class NativeSwitchTest {

    /** Prints the class of the port {@link UdpPort#open} picks. */
    public static void main(String[] args) throws IOException {
        try (UdpPort p = UdpPort.open(new InetSocketAddress("127.0.0.1", 0), null)) {
            System.out.print(p.getClass().getSimpleName());
        }
    }

    private static String portIn(String... properties) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new java.util.ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED"));
        cmd.addAll(List.of(properties));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), NativeSwitchTest.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void theOneSwitchTurnsLinksPortOff() throws Exception {
        if (NativeUdpPort.available()) {
            assertThat(portIn()).isEqualTo("NativeUdpPort");
        }
        assertThat(portIn("-Diperf3j.native=false")).isEqualTo("ChannelUdpPort");
        assertThat(portIn("-Diperf3j.link.native=false")).isEqualTo("ChannelUdpPort");
    }
}
