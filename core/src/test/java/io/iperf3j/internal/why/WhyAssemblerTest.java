package io.iperf3j.internal.why;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which tests have both ends on one host, from the addresses iperf3 prints for a stream. */
class WhyAssemblerTest {
    @Test
    void oneHostIsALoopbackPeerOrTheHostsOwnAddressOnBothEnds() {
        assertThat(WhyAssembler.oneHost("127.0.0.1", "127.0.0.1")).isTrue();
        assertThat(WhyAssembler.oneHost("::1", "::1")).isTrue();
        // a dual-stack server's view of an IPv4 loopback client
        assertThat(WhyAssembler.oneHost("::ffff:127.0.0.1", "::ffff:127.0.0.1")).isTrue();
        // a host's own address: the kernel routes it over loopback
        assertThat(WhyAssembler.oneHost("10.1.2.3", "10.1.2.3")).isTrue();
        assertThat(WhyAssembler.oneHost("::ffff:10.1.2.3", "10.1.2.3")).isTrue();
        // two hosts, or what is not an address literal
        assertThat(WhyAssembler.oneHost("10.1.2.3", "10.1.2.4")).isFalse();
        assertThat(WhyAssembler.oneHost("10.1.2.3", "server.example")).isFalse();
        assertThat(WhyAssembler.oneHost("", "")).isFalse();
        assertThat(WhyAssembler.oneHost(null, null)).isFalse();
    }
}
