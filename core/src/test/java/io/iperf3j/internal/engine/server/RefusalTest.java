package io.iperf3j.internal.engine.server;

import io.iperf3j.internal.protocol.ControlState;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;

/** The wire answers of connections that get no test. */
class RefusalTest {
    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    @Test
    void iperf3sAnswers() {
        assertThat(bytes(Refusal.BUSY.wire())).containsExactly(ControlState.ACCESS_DENIED.wireByte());
        assertThat(bytes(Refusal.SURPLUS.wire())).containsExactly(ControlState.ACCESS_DENIED.wireByte());
        assertThat(bytes(Refusal.NO_COOKIE.wire())).isEmpty();
        assertThat(bytes(Refusal.HANDSHAKE_CAP.wire())).isEmpty();
        assertThat(bytes(Refusal.AUTH.wire())).containsExactly((byte) 0xFE, 0, 0, 0, (byte) 142, 0, 0, 0, 0);
        assertThat(bytes(Refusal.COOL_DOWN.wire())).as("IETOTALRATE, errno 0")
                .containsExactly((byte) 0xFE, 0, 0, 0, 27, 0, 0, 0, 0);
    }
}
