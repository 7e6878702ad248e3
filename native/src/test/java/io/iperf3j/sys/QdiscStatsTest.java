package io.iperf3j.sys;

import org.junit.jupiter.api.Test;

import java.net.NetworkInterface;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link QdiscStats#root} against this machine's kernel, in the test's own network namespace (no
 * privilege needed to read qdiscs). The shaped case, which needs root, is core's QdiscStatsNetnsTest.
 */
class QdiscStatsTest {
    @Test
    void loopbackHasTheNoqueueQdiscAndNoRate() throws Exception {
        int lo = NetworkInterface.getByName("lo").getIndex();
        QdiscStats q = QdiscStats.root(lo).orElseThrow(() -> new AssertionError("no root qdisc for lo"));
        assertThat(q.ifindex()).isEqualTo(lo);
        assertThat(q.kind()).isEqualTo("noqueue"); // IFF_NO_QUEUE: lo never has a queue of its own
        assertThat(q.rateBitsPerSecond()).isEmpty();
        assertThat(q.drops()).isZero();
    }

    @Test
    void everyInterfaceThatIsUpHasARootQdisc() throws Exception {
        for (NetworkInterface i : NetworkInterface.networkInterfaces().toList()) {
            if (!i.isUp()) { // its builtin noop qdisc is left out of the dump, so there is none to see
                continue;
            }
            QdiscStats q = QdiscStats.root(i.getIndex()).orElseThrow(() -> new AssertionError("none for " + i));
            System.out.printf("%s: %s%n", i.getName(), q);
            assertThat(q.kind()).matches("[a-z_0-9]+");
        }
    }

    @Test
    void aMissingInterfaceIsEmptyAndQuick() {
        long t0 = System.nanoTime();
        assertThat(QdiscStats.root(Integer.MAX_VALUE)).isEmpty();
        assertThat(System.nanoTime() - t0).isLessThan(QdiscStats.DEADLINE_MILLIS * 1_000_000L);
        assertThatThrownBy(() -> QdiscStats.root(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
