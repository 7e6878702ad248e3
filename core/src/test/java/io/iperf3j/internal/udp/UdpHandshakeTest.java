package io.iperf3j.internal.udp;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;

class UdpHandshakeTest {
    private static int be(int... b) {
        return ByteBuffer.wrap(new byte[] {(byte) b[0], (byte) b[1], (byte) b[2], (byte) b[3]}).getInt();
    }

    @Test
    void wireBytesAreThoseOfX86Iperf3() {
        // udp_lowrate_transcript.txt: the client sends "9876", the server answers "6789".
        assertThat(UdpHandshake.connectMessage()).containsExactly(0x39, 0x38, 0x37, 0x36);
        assertThat(UdpHandshake.replyMessage()).containsExactly(0x36, 0x37, 0x38, 0x39);
        assertThat(UdpHandshake.SIZE).isEqualTo(4);
    }

    @Test
    void clientAcceptsCurrentAndLegacyRepliesInBothByteOrders() {
        assertThat(UdpHandshake.isReply(be(0x36, 0x37, 0x38, 0x39))).isTrue();
        assertThat(UdpHandshake.isReply(be(0x39, 0x38, 0x37, 0x36))).isTrue();
        assertThat(UdpHandshake.isReply(be(0xb1, 0x68, 0xde, 0x3a))).isTrue(); // 987654321, x86
        assertThat(UdpHandshake.isReply(be(0x3a, 0xde, 0x68, 0xb1))).isTrue(); // 987654321, big-endian
        assertThat(987654321).isEqualTo(0x3ADE68B1);
    }

    @Test
    void otherValuesAreNotReplies() {
        assertThat(UdpHandshake.isReply(0)).isFalse();
        assertThat(UdpHandshake.isReply(be(0x36, 0x37, 0x38, 0x38))).isFalse();
        assertThat(UdpHandshake.isReply(123456789)).isFalse();
    }

    @Test
    void messagesAreCopies() {
        UdpHandshake.connectMessage()[0] = 0;
        assertThat(UdpHandshake.connectMessage()[0]).isEqualTo((byte) 0x39);
    }
}
