package io.iperf3j.session.internal.host;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The deadlines of a session's host agents over SSH, kept by one platform thread that looks at them every {@link #LOOK}:
 * <ul>
 * <li>their replies': a reader waits for its agent's output with no time limit of its own, and a wait whose deadline has
 * passed has its stream closed, which ends the read ({@link HostAgent} then drops the agent, as it did when a timed read
 * ran out);
 * <li>their parked slots' ({@link HostAgent#park}): the give-back, due {@link HostAgent#PARK} after the park, is started
 * on a virtual thread of its own when due, where each park had a virtual thread that slept until then.
 * </ul>
 *
 * <p>Why not a timed read: a virtual thread's timed wait is a task of the JDK's delay scheduler (JDK 25's
 * {@code ForkJoinPool} {@code DelayScheduler}), whose thread is woken to queue the task and again to cancel it when the
 * bytes come first: two wakes of a third thread, and of a carrier, for each burst of a reply. At 48 hosts that thread
 * was a seventh of the controller's virtual-thread CPU, and it made 150 {@code futex} calls a test (issue 69). Here a
 * wait costs two volatile writes, and the looking thread four wakes a second whatever the fleet.
 *
 * <p>The price is precision: a deadline is kept within {@link #LOOK} after it, where the reply deadlines are seconds (a
 * reply 15 s, a client its abort limit and 30 s), and a parked slot is given back 500-750 ms after its park, not 500.
 *
 * <p>Threads: {@link #watch} and {@link Watched#unwatch} from any thread; a {@link Watched} is armed and disarmed by its
 * reader; the looking thread alone expires waits. That thread runs while a wait is watched and ends when none is (a
 * session that ended its agents leaves no thread; the next agent starts it again).
 */
public final class AgentDeadlines {
    /** How often the looking thread looks at the deadlines. */
    static final Duration LOOK = Duration.ofMillis(250);

    private final Set<Watched> waits = ConcurrentHashMap.newKeySet();
    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by {@link #lock}: the looking thread, null when none runs. */
    private Thread looking;

    /** One agent's waits for its output, on {@code out}: watched until {@link Watched#unwatch}. */
    public Watched watch(InputStream out) {
        Watched w = new Watched(out);
        lock.lock();
        try {
            waits.add(w);
            if (looking == null) {
                looking = Thread.ofPlatform().daemon().name("iperf3j-agent-deadlines").start(this::look);
            }
        } finally {
            lock.unlock();
        }
        return w;
    }

    /** Whether the looking thread runs (it does while a wait is watched, and for at most a look after the last). */
    public boolean looking() {
        lock.lock();
        try {
            return looking != null;
        } finally {
            lock.unlock();
        }
    }

    private void look() {
        while (true) {
            lock.lock();
            try {
                if (waits.isEmpty()) {
                    looking = null;
                    return;
                }
            } finally {
                lock.unlock();
            }
            try {
                Thread.sleep(LOOK);
            } catch (InterruptedException e) {
                // no one interrupts this thread: if someone did, the waits are still to be kept
            }
            long now = System.nanoTime();
            for (Watched w : waits) {
                w.lookAt(now);
            }
        }
    }

    /**
     * One agent's deadlines: its wait, armed with a deadline while its reader blocks, expired (its stream closed) once that
     * passed; and its parked slot's give-back, if one is due.
     */
    public final class Watched {
        private final InputStream out;
        private volatile long deadline;
        private volatile boolean armed;
        private volatile boolean expired;
        private final java.util.concurrent.atomic.AtomicReference<Due> due = new java.util.concurrent.atomic.AtomicReference<>();

        private Watched(InputStream out) {
            this.out = out;
        }

        /** The reader is about to block until {@code deadline} ({@link System#nanoTime()}) at the latest. */
        void arm(long deadline) {
            this.deadline = deadline;
            armed = true;
        }

        /** The reader no longer blocks. */
        void disarm() {
            armed = false;
        }

        /** Whether a deadline passed while armed, which closed the stream. */
        boolean expired() {
            return expired;
        }

        /** No longer watched (the agent ended): a give-back still due runs now (it looks whether it is still wanted). */
        void unwatch() {
            waits.remove(this);
            Due d = due.getAndSet(null);
            if (d != null) {
                d.start();
            }
        }

        /**
         * Runs {@code action} on a virtual thread of its own once {@code at} ({@link System#nanoTime()}) has passed, in
         * place of any action still due: the caller's action itself looks whether it is still wanted.
         */
        void runAfter(long at, Runnable action) {
            due.set(new Due(at, action));
        }

        private void lookAt(long now) {
            Due d = due.get();
            if (d != null && now - d.at() >= 0 && due.compareAndSet(d, null)) {
                d.start();
            }
            if (armed && !expired && now - deadline >= 0) {
                expired = true;
                try {
                    out.close();
                } catch (IOException e) {
                    // closed already: the read has ended
                }
            }
        }
    }

    /** An action due at {@code at}. */
    private record Due(long at, Runnable action) {
        /** Runs the action on a virtual thread of its own (it takes its agent's lock, which the looking thread must not wait for). */
        void start() {
            Thread.ofVirtual().name("agent-park").start(action);
        }
    }
}
