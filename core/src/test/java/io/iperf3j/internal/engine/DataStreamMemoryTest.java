package io.iperf3j.internal.engine;

import io.iperf3j.Direction;
import io.iperf3j.internal.stats.StreamRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Who frees a stream's buffer memory, and when (issue 28: the blocks of ended tests were left
 * for a GC, which for promoted buffers meant a full GC). The worker frees it when it leaves its
 * transfer loop; a stream whose worker never ran frees it at shutdown; memory a worker is still
 * using is never freed under it.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DataStreamMemoryTest {

    /** A stream whose worker writes to its buffer until told to stop; the test holds it inside transfer(). */
    private static final class HeldStream extends DataStream {
        final ByteBuffer buffer;
        final CountDownLatch inTransfer = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile Throwable bufferError;

        HeldStream(Arena memory) {
            super(new StreamRecord(1, 5, Direction.SENDER, "127.0.0.1", 1, "127.0.0.1", 2), () -> { }, memory);
            buffer = Payload.aligned(memory, 128 * 1024);
        }

        @Override
        protected void transfer() throws InterruptedException {
            buffer.putLong(0, 42);
            inTransfer.countDown();
            release.await();
            try {
                buffer.putLong(8, 43); // the buffer must still be there while the worker runs
            } catch (Throwable e) {
                bufferError = e;
            }
        }

        @Override
        protected void closeChannel() {
            // no socket: shutdown() only asks the worker to stop; the test releases it
        }

        void awaitEnd() throws InterruptedException {
            assertThat(awaitFinished(TimeUnit.SECONDS.toNanos(20))).isTrue();
        }
    }

    @Test
    void theWorkerFreesTheMemoryWhenItLeavesTransferNotBefore() throws InterruptedException {
        Arena memory = Arena.ofShared();
        HeldStream s = new HeldStream(memory);
        s.start("memory-test");
        assertThat(s.inTransfer.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(s.memoryFreed()).isFalse();
        assertThat(memory.scope().isAlive()).isTrue();

        s.release.countDown();
        s.awaitEnd();
        assertThat(s.bufferError).isNull();
        assertThat(s.memoryFreed()).isTrue();
        assertThat(memory.scope().isAlive()).isFalse();
        // what was freed cannot be touched any more: an exception, never a read of freed memory
        assertThatThrownBy(() -> s.buffer.getLong(0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aStreamThatNeverStartedFreesItsMemoryAtShutdown() {
        Arena memory = Arena.ofShared();
        HeldStream s = new HeldStream(memory);
        assertThat(s.memoryFreed()).isFalse();
        s.shutdown();
        assertThat(s.memoryFreed()).isTrue();
        assertThat(memory.scope().isAlive()).isFalse();
        s.shutdown(); // a second shutdown is harmless
        assertThat(memory.scope().isAlive()).isFalse();
    }

    @Test
    void shutdownWhileTheWorkerIsStillInTransferLeavesTheMemoryToTheWorker() throws InterruptedException {
        Arena memory = Arena.ofShared();
        HeldStream s = new HeldStream(memory);
        s.start("memory-test");
        assertThat(s.inTransfer.await(20, TimeUnit.SECONDS)).isTrue();
        Thread stopper = Thread.ofPlatform().start(s::shutdown); // waits up to 2 s for the held worker
        stopper.join(TimeUnit.SECONDS.toMillis(20));
        assertThat(stopper.isAlive()).isFalse();
        assertThat(memory.scope().isAlive()).as("freed under a running worker").isTrue();

        s.release.countDown();
        s.awaitEnd();
        assertThat(s.bufferError).isNull();
        assertThat(memory.scope().isAlive()).isFalse();
    }

    @Test
    void streamsWithoutAnArenaReportNothingToFree() {
        DataStream s = new DataStream(new StreamRecord(1, 5, Direction.RECEIVER, "::1", 1, "::1", 2), () -> { }) {
            @Override
            protected void transfer() {
            }

            @Override
            protected void closeChannel() {
            }
        };
        s.shutdown();
        assertThat(s.memoryFreed()).isTrue();
    }
}
