package io.iperf3j.internal.engine.server;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --cool-down}: a cut key is refused for its seconds, by key (an IPv6 /64), then forgotten. */
class CoolDownsTest {
    private static final long S = 1_000_000_000L;

    @Test
    void aCutKeyCoolsDownForItsSecondsThenMayTestAgain() {
        CoolDowns c = new CoolDowns(Duration.ofSeconds(60));
        InetSocketAddress a = new InetSocketAddress("192.0.2.7", 5000);
        long t0 = 1_000 * S;
        assertThat(c.secondsLeft(a, t0)).isZero();
        c.cut(a, t0);
        assertThat(c.secondsLeft(new InetSocketAddress("192.0.2.7", 6000), t0 + 1)).as("any port, rounded up")
                .isEqualTo(60);
        assertThat(c.secondsLeft(a, t0 + 59 * S + 1)).isEqualTo(1);
        assertThat(c.secondsLeft(new InetSocketAddress("192.0.2.8", 5000), t0)).as("another address").isZero();
        assertThat(c.secondsLeft(a, t0 + 60 * S)).as("over").isZero();
    }

    @Test
    void anIpv6SlashSixtyFourCoolsDownAsOne() {
        CoolDowns c = new CoolDowns(Duration.ofSeconds(10));
        c.cut(new InetSocketAddress("2001:db8:1:2::7", 1), 0);
        assertThat(c.secondsLeft(new InetSocketAddress("2001:db8:1:2:ffff::1", 1), 1)).isEqualTo(10);
        assertThat(c.secondsLeft(new InetSocketAddress("2001:db8:1:3::7", 1), 1)).isZero();
    }

    @Test
    void zeroTurnsItOff() {
        CoolDowns c = new CoolDowns(Duration.ZERO);
        InetSocketAddress a = new InetSocketAddress("192.0.2.7", 5000);
        c.cut(a, 0);
        assertThat(c.secondsLeft(a, 1)).isZero();
    }
}
