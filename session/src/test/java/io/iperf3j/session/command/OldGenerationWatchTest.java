package io.iperf3j.session.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OldGenerationWatchTest {
    @Test
    void theThresholdIsWhatACollectionLeftAndItsHeadroomAndAtLeastTheFloor() {
        assertThat(OldGenerationWatch.threshold(0, false)).isEqualTo(OldGenerationWatch.FLOOR);
        assertThat(OldGenerationWatch.threshold(-1, false)).isEqualTo(OldGenerationWatch.FLOOR);
        assertThat(OldGenerationWatch.threshold(10L << 20, false)).isEqualTo(OldGenerationWatch.FLOOR);
        // a 96-host mesh's live set: the floor, not twice (40 MiB); past the floor, 8 MiB more
        assertThat(OldGenerationWatch.threshold(20L << 20, false)).isEqualTo(OldGenerationWatch.FLOOR);
        assertThat(OldGenerationWatch.threshold(30L << 20, false)).isEqualTo(38L << 20);
        // past 64 MiB live, a quarter more
        assertThat(OldGenerationWatch.threshold(64L << 20, false)).isEqualTo(80L << 20);
        assertThat(OldGenerationWatch.threshold(100L << 20, false)).isEqualTo(125L << 20);
    }

    @Test
    void collectionsThatComeOftenGetTwiceTheHeadroom() {
        assertThat(OldGenerationWatch.threshold(0, true)).isEqualTo(OldGenerationWatch.FLOOR);
        assertThat(OldGenerationWatch.threshold(20L << 20, true)).isEqualTo(36L << 20);
        assertThat(OldGenerationWatch.threshold(30L << 20, true)).isEqualTo(46L << 20);
        // past 128 MiB live the quarter is more than twice the headroom, as without
        assertThat(OldGenerationWatch.threshold(128L << 20, true)).isEqualTo(160L << 20);
        assertThat(OldGenerationWatch.threshold(30L << 20, true)).isGreaterThan(OldGenerationWatch.threshold(30L << 20, false));
    }

    /** One pair of close collections is a burst (a controller's logins); only three in a row widen the headroom. */
    @Test
    void onlyCloseCollectionsInARowCountAsOften() {
        long s = 1_000_000_000L;
        int n = OldGenerationWatch.closeOnes(0, Long.MIN_VALUE, 10 * s);
        assertThat(n).as("the first").isZero();
        n = OldGenerationWatch.closeOnes(n, 10 * s, 12 * s);
        assertThat(n).isEqualTo(1);
        assertThat(n >= OldGenerationWatch.OFTEN_IN_A_ROW).as("a burst").isFalse();
        n = OldGenerationWatch.closeOnes(n, 12 * s, 20 * s);
        assertThat(n).as("8 s after: the row ends").isZero();
        for (long t = 21; t <= 24; t++) {
            n = OldGenerationWatch.closeOnes(n, (t - 1) * s, t * s);
        }
        assertThat(n).isEqualTo(4);
        assertThat(n >= OldGenerationWatch.OFTEN_IN_A_ROW).as("filling fast").isTrue();
    }

    @Test
    void watchingSetsTheOldGenerationsThresholdAndClosingClearsIt() {
        Optional<MemoryPoolMXBean> old = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.isUsageThresholdSupported() && (p.getName().contains("Tenured") || p.getName().contains("Old Gen")))
                .findFirst();
        assertThat(old).as("this JVM's old generation (serial or G1)").isPresent();
        com.sun.management.HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
        String before = vm.getVMOption("MinHeapFreeRatio").getValue();
        OldGenerationWatch watch = OldGenerationWatch.start();
        try {
            assertThat(old.get().getUsageThreshold()).isGreaterThanOrEqualTo(OldGenerationWatch.FLOOR);
            assertThat(vm.getVMOption("MinHeapFreeRatio").getValue()).isEqualTo(OldGenerationWatch.MIN_FREE);
        } finally {
            watch.close();
        }
        assertThat(old.get().getUsageThreshold()).isZero();
        assertThat(vm.getVMOption("MinHeapFreeRatio").getValue()).as("given back").isEqualTo(before);
    }
}
