package io.iperf3j;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Live metrics of one run, in the order they were produced; closed when the run
 * ends, after its last event.
 *
 * <p><b>Bounded.</b> The stream holds at most {@link #capacity()} events. When a
 * reader falls behind, the run never waits for it: the <em>oldest</em> unread event
 * is dropped to make room (the newest figures are the most useful ones live), and
 * {@link #droppedEvents()} counts the losses. An unread stream therefore never
 * grows memory.
 *
 * <p>Reading: {@link #recv()} blocks, {@link #recv(Duration)} waits at most a
 * while, {@link #tryRecv()} never waits; the last two tell an empty stream, a
 * timeout and a closed stream apart through {@link Poll}. The stream is also
 * {@link Iterable}: iteration blocks for each next event and ends when the stream
 * is closed and drained. Safe for any number of producers and readers.
 *
 * <p>A run of the engine makes and feeds its own stream ({@link RunningIperf#metrics()}).
 * Any other producer (a UDP message link publishing its {@link MetricEvent.Gauges}, a
 * program of your own) gets one from {@link #open(int)}, hands events in with
 * {@link #offer(MetricEvent)} and ends it with {@link #close()}.
 */
public final class MetricsStream implements Iterable<MetricEvent> {
    /** Default number of events buffered before the oldest is dropped. */
    public static final int DEFAULT_CAPACITY = 4096;

    /** What a timed or non-blocking receive found. */
    public sealed interface Poll {
        /** An event was available. */
        record Event(MetricEvent event) implements Poll {
        }

        /** Nothing to read now, but the run goes on ({@link #tryRecv()}). */
        record Empty() implements Poll {
        }

        /** Nothing arrived in time, and the run goes on ({@link #recv(Duration)}). */
        record Timeout() implements Poll {
        }

        /** The run has ended and every event has been read. */
        record Closed() implements Poll {
        }
    }

    private static final Poll EMPTY = new Poll.Empty();
    private static final Poll TIMEOUT = new Poll.Timeout();
    private static final Poll CLOSED = new Poll.Closed();

    private final int capacity;
    private final ArrayDeque<MetricEvent> queue = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long dropped;
    private boolean closed;

    MetricsStream(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
    }

    /**
     * A new, empty, open stream for a producer outside the engine.
     *
     * @param capacity the most events held before the oldest is dropped, at least 1
     *                 ({@link #DEFAULT_CAPACITY} is the engine's)
     * @throws IllegalArgumentException if {@code capacity} is below 1
     */
    public static MetricsStream open(int capacity) {
        return new MetricsStream(capacity);
    }

    /** An already closed, empty stream (runs without metrics). */
    static MetricsStream closedStream() {
        MetricsStream s = new MetricsStream(1);
        s.close();
        return s;
    }

    /**
     * Adds an event; never blocks. When the stream is full the oldest unread event is dropped
     * (and counted in {@link #droppedEvents()}) to make room.
     *
     * @return true if the event was added, false if the stream is already closed (the event is ignored)
     */
    public boolean offer(MetricEvent event) {
        Objects.requireNonNull(event, "event");
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            if (queue.size() >= capacity) {
                queue.pollFirst();
                dropped++;
            }
            queue.addLast(event);
            changed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Marks the end: later {@link #offer}s are ignored; readers drain what is left, then see the
     * stream closed. Closing twice does nothing.
     */
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next event, waiting as long as it takes.
     *
     * @return the event, or empty once the run has ended and every event was read
     */
    public Optional<MetricEvent> recv() throws InterruptedException {
        lock.lock();
        try {
            while (queue.isEmpty() && !closed) {
                changed.await();
            }
            return Optional.ofNullable(queue.pollFirst());
        } finally {
            lock.unlock();
        }
    }

    /** The next event, waiting at most {@code timeout}: {@link Poll.Event}, {@link Poll.Timeout} or {@link Poll.Closed}. */
    public Poll recv(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while (queue.isEmpty() && !closed) {
                if (nanos <= 0) {
                    return TIMEOUT;
                }
                nanos = changed.awaitNanos(nanos);
            }
            MetricEvent e = queue.pollFirst();
            return e != null ? new Poll.Event(e) : CLOSED;
        } finally {
            lock.unlock();
        }
    }

    /** The next event if one is there: {@link Poll.Event}, {@link Poll.Empty} or {@link Poll.Closed}; never waits. */
    public Poll tryRecv() {
        lock.lock();
        try {
            MetricEvent e = queue.pollFirst();
            if (e != null) {
                return new Poll.Event(e);
            }
            return closed ? CLOSED : EMPTY;
        } finally {
            lock.unlock();
        }
    }

    /** Events dropped so far because the reader was too slow. */
    public long droppedEvents() {
        lock.lock();
        try {
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    /** Whether the run has ended (events may still be waiting to be read). */
    public boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** The most events held before the oldest is dropped. */
    public int capacity() {
        return capacity;
    }

    /**
     * Iterates until the stream is closed and drained; {@code next()} blocks. An
     * interrupt while waiting ends the iteration (and keeps the interrupt flag set).
     */
    @Override
    public Iterator<MetricEvent> iterator() {
        return new Iterator<>() {
            private MetricEvent next;

            @Override
            public boolean hasNext() {
                if (next != null) {
                    return true;
                }
                try {
                    next = recv().orElse(null);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
                return next != null;
            }

            @Override
            public MetricEvent next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                MetricEvent e = next;
                next = null;
                return e;
            }
        };
    }
}
