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
    void collectionsThatComeOftenGetTwiceTheLiveSetAsBefore() {
        assertThat(OldGenerationWatch.threshold(0, true)).isEqualTo(OldGenerationWatch.FLOOR);
        assertThat(OldGenerationWatch.threshold(20L << 20, true)).isEqualTo(40L << 20);
        assertThat(OldGenerationWatch.threshold(30L << 20, true)).isEqualTo(60L << 20);
        assertThat(OldGenerationWatch.threshold(30L << 20, true)).isGreaterThan(OldGenerationWatch.threshold(30L << 20, false));
    }

    @Test
    void watchingSetsTheOldGenerationsThresholdAndClosingClearsIt() {
        Optional<MemoryPoolMXBean> old = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.isUsageThresholdSupported() && (p.getName().contains("Tenured") || p.getName().contains("Old Gen")))
                .findFirst();
        assertThat(old).as("this JVM's old generation (serial or G1)").isPresent();
        OldGenerationWatch watch = OldGenerationWatch.start();
        try {
            assertThat(old.get().getUsageThreshold()).isGreaterThanOrEqualTo(OldGenerationWatch.FLOOR);
        } finally {
            watch.close();
        }
        assertThat(old.get().getUsageThreshold()).isZero();
    }
}
