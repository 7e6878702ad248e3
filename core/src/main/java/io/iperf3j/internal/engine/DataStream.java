package io.iperf3j.internal.engine;

import io.iperf3j.sys.ThreadSchedStat;

import io.iperf3j.internal.stats.StreamRecord;

import java.lang.foreign.Arena;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * One data stream and the platform thread that moves its bytes. The worker thread
 * owns the byte and block counters, the only writer of each, and publishes them as
 * volatile fields; the test thread reads them when it samples an interval. Nothing
 * else is shared, so the hot loop has no locks or atomics. Volatile rather than a
 * VarHandle's release store: this JVM runs C1 only, where each VarHandle access is
 * a chain of calls (four per block: about a third of a TCP receiving thread's own
 * user time, issue 68), and a volatile store one instruction and a fence.
 *
 * <p>The stream's buffers live in its {@link Arena}, whose native memory is freed by the one
 * thread that knows nothing touches it any more: the worker, when it leaves {@link #transfer()},
 * or, for a stream whose worker never started, {@link #shutdown()}. A worker that does not
 * leave (a stuck peer: its socket is closed, so it does) frees it whenever it does; nothing
 * frees memory a worker may still be in a system call on.
 */
public abstract class DataStream implements Runnable {
    public final StreamRecord record;
    protected final StreamSampler sampler = new StreamSampler();
    private final Runnable wakeTest;

    private volatile long bytes;
    private volatile long blocks;

    /** Receivers count only while the test runs (iperf3 drops early and late data). */
    public volatile boolean counting;
    /** Set by the test thread to end the worker's loop. */
    public volatile boolean stopRequested;
    /** {@code --why}: the worker reads its thread's schedstat as it starts and ends (set before {@link #start}). */
    public volatile boolean measureSched;
    private volatile ThreadSchedStat schedAtStart;
    private volatile ThreadSchedStat schedAtEnd;
    private volatile Throwable failure;
    private volatile boolean reachedEnd;
    private final CountDownLatch finished = new CountDownLatch(1);
    private Thread thread;
    /** The native memory of this stream's buffers, or null where they are left to the GC. */
    private final Arena memory;
    private final AtomicBoolean memoryFreed = new AtomicBoolean();
    /**
     * Guards the close of a descriptor the worker makes native calls on ({@link #closeAfterWorker})
     * and the three fields below.
     */
    private final Object descriptor = new Object();
    /** The worker has returned from {@link #transfer}: no native call on the descriptor follows. */
    private boolean workerLeft;
    /** {@link #closeAfterWorker} has closed, or handed the close to the worker. */
    private boolean descriptorReleased;
    /** The close the worker runs on its way out, or null. */
    private Runnable closeLeftToWorker;

    public DataStream(StreamRecord record, Runnable wakeTest) {
        this(record, wakeTest, null);
    }

    /** @param memory the arena holding this stream's buffers, closed by the stream (see the class comment), or null */
    protected DataStream(StreamRecord record, Runnable wakeTest, Arena memory) {
        this.record = record;
        this.wakeTest = wakeTest;
        this.memory = memory;
    }

    public boolean sending() {
        return record.sending();
    }

    /** Starts the worker on its own platform thread. */
    public final void start(String testName) {
        thread = Thread.ofPlatform().daemon().name("iperf3j-" + testName + "-stream-" + record.id()
                + (sending() ? "-tx" : "-rx")).start(this);
    }

    protected final boolean started() {
        return thread != null;
    }

    @Override
    public final void run() {
        if (measureSched) {
            schedAtStart = ThreadSchedStat.current().orElse(null);
        }
        try {
            transfer();
        } catch (Throwable e) {
            if (!stopRequested) {
                failure = e;
            }
        } finally {
            if (measureSched) {
                schedAtEnd = ThreadSchedStat.current().orElse(null);
            }
            workerLeaves();
            freeMemory();
            finished.countDown();
            wakeTest.run();
        }
    }

    private void workerLeaves() {
        synchronized (descriptor) {
            workerLeft = true;
            if (closeLeftToWorker != null) {
                closeLeftToWorker.run();
            }
        }
    }

    /**
     * Closes a socket whose descriptor number the worker passes to native calls the JDK does not
     * know of ({@code recvmmsg}, {@code recv}, {@code poll}, {@code sendfile}): were the number freed while
     * the worker may still make such a call, the call could land on another socket that got it. So
     * the worker owns the descriptor until it has returned from {@link #transfer}. This runs
     * {@code wake} (a {@code shutdown} that ends every current and later native call on the socket
     * and keeps the number), waits up to {@code waitNanos} for the worker, and runs {@code close} if
     * the worker has left or never started; else the worker runs {@code close} on its way out. So it
     * returns within {@code waitNanos} whatever the worker does, and a worker stuck for good leaks
     * its socket rather than calling into a freed number. Idempotent; any thread, the worker too.
     */
    protected final void closeAfterWorker(Runnable wake, Runnable close, long waitNanos) {
        synchronized (descriptor) {
            if (descriptorReleased) {
                return;
            }
            wake.run(); // under the lock: never after the worker has closed the number
        }
        if (!onWorkerThread()) {
            awaitFinished(waitNanos);
        }
        synchronized (descriptor) {
            if (descriptorReleased) {
                return;
            }
            descriptorReleased = true;
            if (thread != null && !workerLeft) {
                closeLeftToWorker = close; // still inside transfer(), or the caller is: it closes on its way out
                return;
            }
            close.run();
        }
    }

    /** The transfer loop; returns when stopped, at end of stream, or when a limit is reached. */
    protected abstract void transfer() throws Exception;

    /** Closes the socket; a worker blocked in I/O then returns. */
    protected abstract void closeChannel();

    /** Adds one block of {@code n} bytes to the counters, visible to the test thread. */
    protected final void count(long n) {
        bytes += n; // the worker is the only writer: no update is lost
        blocks++;
    }

    /** Adds {@code blocks} blocks of {@code n} bytes in all (a batch of datagrams) with one pair of stores. */
    protected final void count(long n, long blockCount) {
        bytes += n;
        blocks += blockCount;
    }

    /** Whether the caller is this stream's worker thread. */
    protected final boolean onWorkerThread() {
        return Thread.currentThread() == thread;
    }

    /** Waits up to {@code nanos} for the worker to end; true if it has (or never started). */
    protected final boolean awaitFinished(long nanos) {
        if (thread == null) {
            return true;
        }
        try {
            return finished.await(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * {@code --why}: the worker thread's {run, wait, wall} nanoseconds between its start and its end, waiting up to
     * {@code nanos} for a worker still on its way out; null when not measured or not ended in time.
     */
    public final long[] schedDelta(long nanos) {
        if (!measureSched || !awaitFinished(nanos)) {
            return null;
        }
        ThreadSchedStat a = schedAtStart;
        ThreadSchedStat b = schedAtEnd;
        if (a == null || b == null) {
            return null;
        }
        return new long[] {b.runNanos() - a.runNanos(), b.waitNanos() - a.waitNanos(), b.wallNanos() - a.wallNanos()};
    }

    public final long bytes() {
        return bytes;
    }

    protected final long blocks() {
        return blocks;
    }

    /** Records that the stream met its end condition (limit reached, peer closed) and wakes the test. */
    protected final void endReached() {
        reachedEnd = true;
        wakeTest.run();
    }

    protected final boolean reachedEnd() {
        return reachedEnd;
    }

    /** An I/O failure that happened while the test still wanted the stream, or null. */
    protected final Throwable failure() {
        return failure;
    }

    protected final boolean isFinished() {
        return finished.getCount() == 0;
    }

    /** Ends a wait of the worker (a pacing sleep, a selector) so it sees a stop request at once. */
    public void wakeWorker() {
        LockSupport.unpark(thread);
    }

    /** Asks the worker to stop and waits for it; closes the socket if it does not stop in time. */
    protected final void stop(long timeoutNanos) {
        stopRequested = true;
        if (thread == null) {
            return;
        }
        wakeWorker();
        try {
            if (!finished.await(timeoutNanos, TimeUnit.NANOSECONDS)) {
                closeChannel();
                finished.await(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the worker and releases the socket (and the buffers, if the worker never ran). */
    protected final void shutdown() {
        stopRequested = true;
        closeChannel();
        if (thread != null) {
            try {
                finished.await(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            freeMemory();
        }
    }

    /** Whether this stream's buffer memory has been given back (tests: every ended stream's has). */
    public final boolean memoryFreed() {
        return memory == null || memoryFreed.get();
    }

    private void freeMemory() {
        if (memory != null && memoryFreed.compareAndSet(false, true)) {
            memory.close();
        }
    }
}
