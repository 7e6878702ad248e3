package io.iperf3j.internal.engine.server;

import io.iperf3j.ServerEvent;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The end line's result and reason. */
class TestVerdictTest {
    @Test
    void deniedOverRefusedOverCutOverOk() {
        TestVerdict v = new TestVerdict();
        assertThat(v.result()).isEqualTo(ServerEvent.Result.OK);
        v.endReason("the client has unexpectedly closed the connection");
        assertThat(v.result()).isEqualTo(ServerEvent.Result.CUT);
        v.refuse();
        assertThat(v.result()).isEqualTo(ServerEvent.Result.REFUSED);
        v.deny();
        assertThat(v.result()).isEqualTo(ServerEvent.Result.DENIED);
    }

    @Test
    void reasonWithItsDetail() {
        TestVerdict v = new TestVerdict();
        assertThat(v.reason()).isNull();
        v.detail("token 100 s old");
        assertThat(v.reason()).isEqualTo("token 100 s old");
        v.endReason("test authorization failed");
        assertThat(v.reason()).isEqualTo("test authorization failed (token 100 s old)");
    }

    @Test
    void bytesByDirection() {
        TestVerdict v = new TestVerdict();
        v.count(true, 10);
        v.count(false, 3);
        v.count(true, 5);
        assertThat(v.sent()).isEqualTo(15);
        assertThat(v.received()).isEqualTo(3);
        assertThat(v.shape()).isSameAs(ServerLog.TestShape.UNKNOWN);
    }
}
