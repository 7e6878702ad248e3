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
}
