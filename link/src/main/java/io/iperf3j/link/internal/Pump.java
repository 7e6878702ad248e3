package io.iperf3j.link.internal;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * The background thread of an endpoint: waits until its socket is readable, a timer is due, or a
 * sender asked for a flush, then runs the endpoint's {@code update()} (the same code the pump mode
 * runs). One daemon thread per endpoint; stops when {@link #stop()} is called or the step says so.
 */
public final class Pump {
    /** One {@code update()}: returns the next deadline (monotonic ns), or -1 to stop. */
    public interface Step {
        long run() throws IOException;
    }

    private final UdpPort port;
    private final Thread thread;
    private final AtomicBoolean flushWanted = new AtomicBoolean();
    private volatile boolean running = true;

    public Pump(String name, UdpPort port, Step step, LongSupplier clock) {
        this.port = port;
        this.thread = Thread.ofPlatform().daemon().name(name).unstarted(() -> loop(step, clock));
    }

    public void start() {
        thread.start();
    }

    private void loop(Step step, LongSupplier clock) {
        long deadline = clock.getAsLong();
        try {
            while (running) {
                long waitNanos = deadline - clock.getAsLong();
                if (waitNanos > 0 && !flushWanted.get()) {
                    port.await(Math.min(waitNanos, 1_000_000_000L));
                }
                flushWanted.set(false);
                deadline = step.run();
                if (deadline < 0) {
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // The endpoint reports its own failures; an exception here means the socket is gone.
        }
    }

    /** Asks the thread to flush soon (a message was queued from another thread). */
    public void requestFlush() {
        if (Thread.currentThread() != thread && flushWanted.compareAndSet(false, true)) {
            port.wakeup();
        }
    }

    public boolean onPumpThread() {
        return Thread.currentThread() == thread;
    }

    /** Stops the thread and waits up to {@code millis} for it (0: does not wait). */
    public void stop(long millis) {
        running = false;
        port.wakeup();
        if (millis > 0 && Thread.currentThread() != thread) {
            try {
                thread.join(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
