package io.iperf3j.internal.engine;

import io.iperf3j.Direction;
import io.iperf3j.internal.stats.StreamRecord;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link DataStream#closeAfterWorker}: the descriptor a worker makes native calls on is closed only
 * once the worker has left {@code transfer()}, by whichever thread comes last, exactly once; the
 * closing thread never waits past its bound. Latches fix the order; nothing is timed.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CloseAfterWorkerTest {
    /** A stream whose worker stays in transfer() until {@link #release} counts down. */
    private static final class HeldStream extends DataStream {
        final CountDownLatch inside = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger wakes = new AtomicInteger();
        final AtomicInteger closes = new AtomicInteger();
        volatile String closedBy;

        HeldStream(Runnable wakeTest) {
            super(new StreamRecord(1, 1, Direction.RECEIVER, "127.0.0.1", 1, "127.0.0.1", 2), wakeTest);
        }

        @Override
        protected void transfer() throws InterruptedException {
            inside.countDown();
            release.await();
        }

        @Override
        protected void closeChannel() {
            closeAfterWorker(wakes::incrementAndGet, () -> {
                closes.incrementAndGet();
                closedBy = Thread.currentThread().getName();
            }, 1_000_000L);
        }
    }

    @Test
    void aWorkerStillInsideClosesOnItsWayOutAndCloseDoesNotWaitForIt() throws Exception {
        CountDownLatch ended = new CountDownLatch(1);
        HeldStream s = new HeldStream(ended::countDown);
        s.start("held");
        assertThat(s.inside.await(30, TimeUnit.SECONDS)).isTrue();

        s.closeChannel(); // the worker is held for good, as far as this call knows: it returns
        assertThat(s.wakes.get()).isEqualTo(1);
        assertThat(s.closes.get()).as("not closed under the worker").isZero();
        s.closeChannel(); // a second close (stop, then shutdown) neither wakes nor closes again
        assertThat(s.wakes.get()).isEqualTo(1);
        assertThat(s.closes.get()).isZero();

        s.release.countDown();
        assertThat(ended.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(s.closes.get()).isEqualTo(1);
        assertThat(s.closedBy).startsWith("iperf3j-held-stream-");
    }

    @Test
    void aWorkerThatLeftOrNeverStartedIsClosedAtOnceByTheCaller() throws Exception {
        HeldStream never = new HeldStream(() -> { });
        never.closeChannel();
        assertThat(never.closes.get()).isEqualTo(1);
        assertThat(never.closedBy).isEqualTo(Thread.currentThread().getName());

        CountDownLatch ended = new CountDownLatch(1);
        HeldStream left = new HeldStream(ended::countDown);
        left.start("left");
        left.release.countDown();
        assertThat(ended.await(30, TimeUnit.SECONDS)).isTrue();
        left.closeChannel();
        assertThat(left.closes.get()).isEqualTo(1);
        assertThat(left.closedBy).isEqualTo(Thread.currentThread().getName());
    }
}
