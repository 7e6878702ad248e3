package io.iperf3j.export;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PushGatewayConfigTest {
    @Test
    void groupingKeyPathIsPercentEncodedWithBase64ForSlashesAndEmptyValues() {
        PushGatewayConfig c = PushGatewayConfig.builder("https://gw.example:9443/prefix/").job("net job")
                .label("site", "tokyo-1").label("path", "/var/tmp").label("empty", "").label("unicode", "é x").build();
        assertThat(c.groupingUri().toString()).isEqualTo("https://gw.example:9443/prefix/metrics/job/net%20job"
                + "/site/tokyo-1/path@base64/L3Zhci90bXA=/empty@base64/=/unicode/%C3%A9%20x");
        assertThat(PushGatewayConfig.builder("gw:9091").job("a/b").build().groupingUri().toString())
                .isEqualTo("http://gw:9091/metrics/job@base64/YS9i");
    }

    @Test
    void base64UsesTheUrlSafeAlphabet() {
        // "??>" is "Pz8+" in standard base64, "Pz8-" in base64url
        assertThat(PushGatewayConfig.builder("gw:9091").label("k", "/??>").build().groupingUri().toString())
                .endsWith("/k@base64/Lz8_Pg==");
    }

    @Test
    void endpointAndSettingsAreValidated() {
        assertThat(PushGatewayConfig.parseEndpoint("localhost:9091").toString()).isEqualTo("http://localhost:9091");
        assertThatThrownBy(() -> PushGatewayConfig.parseEndpoint("ftp://x")).hasMessageContaining("http or https");
        assertThatThrownBy(() -> PushGatewayConfig.parseEndpoint(" ")).hasMessageContaining("must not be empty");
        PushGatewayConfig.Builder b = PushGatewayConfig.builder("gw:9091");
        assertThatThrownBy(() -> b.label("job", "x")).hasMessageContaining("'job' is reserved");
        assertThatThrownBy(() -> b.label("1x", "x")).hasMessageContaining("invalid Pushgateway label name");
        b.label("a", "1");
        assertThatThrownBy(() -> b.label("a", "2")).hasMessageContaining("duplicate");
        assertThatThrownBy(() -> b.retries(11)).hasMessageContaining("between 0 and 10");
        assertThatThrownBy(() -> b.timeout(Duration.ZERO)).hasMessageContaining("greater than zero");
        assertThatThrownBy(() -> b.userAgent("a\tb")).hasMessageContaining("control characters");
        assertThatThrownBy(() -> b.job("")).hasMessageContaining("must not be empty");
        PushGatewayConfig c = PushGatewayConfig.builder("gw:9091").build();
        assertThat(c.job()).isEqualTo("iperf3");
        assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.retries()).isZero();
        assertThat(c.userAgent()).startsWith("iperf3j/");
        assertThat(c.pushInterval()).isEmpty();
    }

    @Test
    void retryBackoffDoublesFrom100msAndCapsAtOneSecond() {
        assertThat(PushGatewayClient.retryDelay(0)).isEqualTo(Duration.ofMillis(100));
        assertThat(PushGatewayClient.retryDelay(1)).isEqualTo(Duration.ofMillis(200));
        assertThat(PushGatewayClient.retryDelay(3)).isEqualTo(Duration.ofMillis(800));
        assertThat(PushGatewayClient.retryDelay(4)).isEqualTo(Duration.ofSeconds(1));
        assertThat(PushGatewayClient.retryDelay(9)).isEqualTo(Duration.ofSeconds(1));
    }
}
