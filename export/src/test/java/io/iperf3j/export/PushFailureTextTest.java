package io.iperf3j.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Issue 38: a failed push says what went wrong in words, never with a Java class name. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PushFailureTextTest {
    @Test
    void theExceptionsTextWithoutItsClassName() {
        Duration t = Duration.ofSeconds(5);
        assertThat(PushGatewayClient.describe(new javax.net.ssl.SSLHandshakeException("Remote host terminated the handshake"), t))
                .isEqualTo("Remote host terminated the handshake");
        assertThat(PushGatewayClient.describe(new IOException("HTTP/1.1 header parser received no bytes"), t))
                .isEqualTo("HTTP/1.1 header parser received no bytes");
        assertThat(PushGatewayClient.describe(new java.io.EOFException(), t)).isEqualTo("input/output error");
        assertThat(PushGatewayClient.describe(new java.net.ConnectException(), t)).isEqualTo("connection refused");
    }
}
