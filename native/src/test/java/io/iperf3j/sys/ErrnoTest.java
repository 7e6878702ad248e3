package io.iperf3j.sys;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/** The one mapping of a send's errno to "not sent now" or "failed for good", and the text of an errno. */
@Timeout(30)
class ErrnoTest {
    @Test
    void iperf3sSoftErrorsAreTransientAndTheRestHard() {
        assertThat(Errno.transientSend(Errno.EAGAIN)).isTrue();
        assertThat(Errno.transientSend(Errno.ENOBUFS)).isTrue();
        assertThat(Errno.transientSend(Errno.EINTR)).isTrue();
        for (int hard : new int[] {Errno.EPERM, Errno.ENETUNREACH, Errno.EMSGSIZE, Errno.EINVAL, Errno.EBADF,
                Errno.ECONNREFUSED}) {
            assertThat(Errno.transientSend(hard)).as("errno %d", hard).isFalse();
        }
    }

    @Test
    void describeGivesTheMeaningAndTheNumber() {
        assertThat(Libc.get()).as("FFM must work here (--enable-native-access=ALL-UNNAMED)").isPresent();
        assertThat(Errno.describe(Errno.EPERM)).isEqualTo("Operation not permitted (errno 1)");
        assertThat(Errno.describe(Errno.ENETUNREACH)).isEqualTo("Network is unreachable (errno 101)");
    }
}
