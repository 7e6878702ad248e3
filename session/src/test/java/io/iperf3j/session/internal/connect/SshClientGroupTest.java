package io.iperf3j.session.internal.connect;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.core.CoreModuleProperties;
import org.junit.jupiter.api.Test;

/** The shared client's settings, as MINA reads them back (its sessions take them from it). */
class SshClientGroupTest {
    @Test
    void theClientReadsInSmallBuffersAndAsksForHeartbeats() throws Exception {
        SshClient c = SshClientGroup.newClient();
        try {
            assertThat(CoreModuleProperties.NIO2_READ_BUFFER_SIZE.getRequired(c)).isEqualTo(SshClientGroup.READ_BUFFER)
                    .isLessThan(CoreModuleProperties.NIO2_READ_BUFFER_SIZE.getRequiredDefault());
            assertThat(CoreModuleProperties.HEARTBEAT_INTERVAL.getRequired(c)).isEqualTo(SshClientGroup.HEARTBEAT);
            assertThat(CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.getRequired(c)).isEqualTo(SshClientGroup.HEARTBEAT_MISSES);
        } finally {
            c.stop();
        }
    }

    /** Heartbeats every silent second while something waits on the host, once a minute while nothing does, none while heard. */
    @Test
    void aHeartbeatGoesEverySilentSecondWhileTheHostIsWaitedOnAndOnceAMinuteOtherwise() {
        long s = 1_000_000_000L;
        long t0 = 1_000 * s;
        java.time.Duration second = SshClientGroup.HEARTBEAT;
        // heard from within the interval: alive, no heartbeat, waited on or not
        assertThat(SshClientGroup.beatDue(t0 + s / 2, t0, t0 - 100 * s, true, second)).isFalse();
        assertThat(SshClientGroup.beatDue(t0 + s / 2, t0, t0 - 100 * s, false, second)).isFalse();
        // silent for a second, waited on: due, even right after the last heartbeat
        assertThat(SshClientGroup.beatDue(t0 + s, t0, t0 + s - 1, true, second)).isTrue();
        // silent, nothing waits: due only a whole idle interval after the last one
        long idle = SshClientGroup.IDLE_HEARTBEAT.toNanos();
        assertThat(SshClientGroup.IDLE_HEARTBEAT).isGreaterThan(second.multipliedBy(SshClientGroup.HEARTBEAT_MISSES + 1));
        assertThat(SshClientGroup.beatDue(t0 + 30 * s, t0, t0 + 2 * s, false, second)).isFalse();
        assertThat(SshClientGroup.beatDue(t0 + 2 * s + idle - 1, t0, t0 + 2 * s, false, second)).isFalse();
        assertThat(SshClientGroup.beatDue(t0 + 2 * s + idle, t0, t0 + 2 * s, false, second)).isTrue();
    }
}
