package io.iperf3j.internal.engine.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import static org.assertj.core.api.Assertions.assertThat;

/** What one client is for --max-per-client and the queue's turns: IPv4 /32, IPv6 /64, mapped v4 as v4. */
@Timeout(10)
class ClientKeyTest {
    private static ClientKey key(String literal) throws Exception {
        return ClientKey.of(InetAddress.getByName(literal));
    }

    @Test
    void ipv4IsTheWholeAddress() throws Exception {
        assertThat(key("192.0.2.7")).isEqualTo(key("192.0.2.7")).hasSameHashCodeAs(key("192.0.2.7"))
                .isNotEqualTo(key("192.0.2.8"));
        assertThat(key("192.0.2.7").prefix()).isEqualTo("192.0.2.7/32");
        assertThat(key("255.255.255.255").prefix()).isEqualTo("255.255.255.255/32");
    }

    @Test
    void ipv6IsItsSlash64() throws Exception {
        assertThat(key("2001:db8:1:2::1")).isEqualTo(key("2001:db8:1:2:abcd:ef01:2345:6789"))
                .hasSameHashCodeAs(key("2001:db8:1:2:abcd:ef01:2345:6789"));
        assertThat(key("2001:db8:1:2::1")).isNotEqualTo(key("2001:db8:1:3::1"));
        assertThat(key("2001:db8:1:2::1").prefix()).isEqualTo("2001:db8:1:2::/64");
        assertThat(key("::1").prefix()).isEqualTo("::/64");
        assertThat(key("ffff:ffff:ffff:ffff::").prefix()).isEqualTo("ffff:ffff:ffff:ffff::/64");
    }

    @Test
    void anIpv4MappedAddressCountsAsItsIpv4Address() throws Exception {
        // What a dual-stack listener's accept() reports for a v4 client: Java hands it over as v4.
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 192, 0, 2, 7};
        InetAddress a = InetAddress.getByAddress(mapped);
        assertThat(a).isInstanceOf(Inet4Address.class);
        assertThat(ClientKey.of(a)).isEqualTo(key("192.0.2.7"));
        assertThat(ClientKey.of(a).prefix()).isEqualTo("192.0.2.7/32");
    }

    @Test
    void aV4AndAV6KeyWithTheSameBitsDiffer() throws Exception {
        assertThat(key("0.0.0.0")).isNotEqualTo(key("::"));
        assertThat(ClientKey.of((InetSocketAddress) null)).isNull();
    }
}
