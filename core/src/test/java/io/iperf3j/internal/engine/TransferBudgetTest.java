package io.iperf3j.internal.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(30)
class TransferBudgetTest {
    @Test
    void aByteLimitIsRoundedUpToWholeBlocks() {
        TransferBudget b = TransferBudget.bytes(1000);
        int blocks = 0;
        while (b.take(300)) {
            blocks++;
        }
        assertThat(blocks).as("ceil(1000 / 300)").isEqualTo(4);
        assertThat(b.exhausted()).isTrue();
        assertThat(b.take(300)).as("nothing after the end").isFalse();
    }

    @Test
    void aBlockLimitCountsBlocksWhateverTheirSize() {
        TransferBudget b = TransferBudget.blocks(3);
        assertThat(b.take(1)).isTrue();
        assertThat(b.take(1_000_000)).isTrue();
        assertThat(b.exhausted()).isFalse();
        assertThat(b.take(5)).isTrue();
        assertThat(b.exhausted()).isTrue();
        assertThat(b.take(5)).isFalse();
    }

    @Test
    void resetStartsTheLimitAgainAfterTheOmitPeriod() {
        TransferBudget b = TransferBudget.blocks(2);
        assertThat(b.take(1) && b.take(1)).isTrue();
        assertThat(b.exhausted()).isTrue();
        b.reset();
        assertThat(b.exhausted()).isFalse();
        assertThat(b.take(1) && b.take(1)).isTrue();
        assertThat(b.take(1)).isFalse();
    }

    @Test
    void severalThreadsTogetherTakeExactlyTheBlocksOneThreadWould() throws Exception {
        // -n 10M with 128 KiB blocks from 4 sending threads: ceil(10 MiB / 128 KiB) = 80 blocks in all.
        int block = 128 * 1024;
        TransferBudget b = TransferBudget.bytes(10L << 20);
        AtomicLong granted = new AtomicLong();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                while (b.take(block)) {
                    granted.incrementAndGet();
                }
            }));
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertThat(granted.get()).isEqualTo(80);
    }

    @Test
    void arrivalsReportTheLimitOnceWhenABatchCrossesIt() {
        TransferBudget k = TransferBudget.blocks(2000);
        assertThat(k.arrived(1448L * 1990, 1990)).isFalse();
        assertThat(k.arrived(1448L * 32, 32)).as("the batch that crosses -k 2000").isTrue();
        assertThat(k.exhausted()).isTrue();
        assertThat(k.arrived(1448L * 32, 32)).as("later batches: already reported").isFalse();

        TransferBudget n = TransferBudget.bytes(5L << 20);
        assertThat(n.arrived(5L << 20, 1)).as("exactly the byte count").isTrue();
    }
}
