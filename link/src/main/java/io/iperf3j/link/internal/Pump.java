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

    /**
     * Starts a pump for an endpoint that has none yet ({@code current} null) on an open
     * {@code port}; {@code notOpen} is the message when the endpoint has not opened it.
     * The endpoint calls this under its lock.
     */
    public static Pump startFor(Pump current, String name, UdpPort port, Step step, LongSupplier clock, String notOpen) {
        if (port == null) {
            throw new IllegalStateException(notOpen);
        }
        if (current != null) {
            throw new IllegalStateException("already in background mode");
        }
        Pump pump = new Pump(name, port, step, clock);
        pump.start();
        return pump;
    }

    /** Refuses a manual {@code update()} while a pump runs the endpoint (its own thread may). */
    public static void checkManualUpdate(Pump pump) {
        if (pump != null && !pump.onPumpThread()) {
            throw new IllegalStateException("in background mode the link's own thread runs update()");
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
