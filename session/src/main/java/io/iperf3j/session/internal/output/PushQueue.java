package io.iperf3j.session.internal.output;

import io.iperf3j.export.PushGatewayClient;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Pushes waiting for a Pushgateway, off the caller's path: a bounded first-in first-out queue
 * drained by one platform thread of its own, so {@link #offer} never waits for the network.
 *
 * <p>The worker sends the oldest item; while the gateway does not answer (refused, timed out) or
 * answers 5xx or 429, it keeps that item and tries again after {@link PushGatewayClient#retryDelay}
 * (100 ms, doubled, at most 1 s), for as long as the queue is open, so a gateway that is down for a
 * while and comes back gets every item, in order. An item the gateway refuses for good (another 4xx)
 * is dropped at once with its reason. {@link #finish} gives the worker until a deadline to send what
 * is left, then stops it; whatever was not sent is returned, each with the last reason.
 *
 * <p>Threads: {@link #offer} and {@link #finish} from any thread (under {@code lock}); the worker
 * owns the HTTP requests and {@code down}; {@code lastFailure} is written by the worker only.
 */
public final class PushQueue {
    /**
     * One push.
     *
     * @param name what it is, for the report of what was not pushed (a test id)
     * @param group the client of its grouping key
     * @param body the exposition to PUT
     */
    public record Item(String name, PushGatewayClient group, String body) {
        /** Checks presence. */
        public Item {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(body, "body");
        }
    }

    /**
     * An item that did not reach the gateway.
     *
     * @param name the item's name
     * @param reason why: the gateway's answer or the last failure, or a full queue
     */
    public record NotPushed(String name, String reason) {
    }

    /** How long {@link #finish} waits for the worker to end after interrupting it. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(2);

    private final String gateway;
    private final int capacity;
    private final Consumer<String> warnings;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Item> queue = new ArrayDeque<>();
    private final List<NotPushed> notPushed = new ArrayList<>();
    private boolean closing;
    private boolean fullSaid;
    private volatile String lastFailure;
    private final Thread worker;

    private PushQueue(String gateway, int capacity, Consumer<String> warnings) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.gateway = Objects.requireNonNull(gateway, "gateway");
        this.capacity = capacity;
        this.warnings = Objects.requireNonNull(warnings, "warnings");
        this.worker = Thread.ofPlatform().daemon().name("iperf3j-session-push").unstarted(this::work);
    }

    /**
     * Starts a queue and its worker.
     *
     * @param gateway the gateway, as said in warnings
     * @param capacity the most items waiting; more are not pushed
     * @param warnings told when the gateway stops answering and when it answers again (on the worker)
     *        and when the queue is full (on the caller)
     */
    public static PushQueue start(String gateway, int capacity, Consumer<String> warnings) {
        PushQueue q = new PushQueue(gateway, capacity, warnings);
        q.worker.start();
        return q;
    }

    /**
     * Queues an item; never blocks on the network. When the queue is full, or finished, the item is
     * not pushed and is counted as such.
     *
     * @return whether it was queued
     */
    public boolean offer(Item item) {
        Objects.requireNonNull(item, "item");
        String full = null;
        lock.lock();
        try {
            if (closing) {
                notPushed.add(new NotPushed(item.name(), "offered after the push queue was finished"));
                return false;
            }
            if (queue.size() >= capacity) {
                notPushed.add(new NotPushed(item.name(), "the push queue was full (" + capacity + " waiting)"));
                if (!fullSaid) {
                    fullSaid = true;
                    full = gateway + ": " + capacity + " results are waiting; later ones are not pushed";
                }
            } else {
                queue.addLast(item);
                changed.signalAll();
                return true;
            }
        } finally {
            lock.unlock();
        }
        if (full != null) {
            warnings.accept(full);
        }
        return false;
    }

    /** Items waiting (the one being sent included). */
    public int waiting() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes no more items, lets the worker send what is waiting until {@code timeout} has passed,
     * then stops it. Returns every item that did not reach the gateway (refused, left when the time
     * was up, or never queued), in the order they came.
     */
    public List<NotPushed> finish(Duration timeout) throws InterruptedException {
        lock.lock();
        try {
            closing = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        worker.join(timeout);
        if (worker.isAlive()) {
            worker.interrupt();
            worker.join(STOP_WAIT);
        }
        lock.lock();
        try {
            String reason = lastFailure == null ? "not sent within " + timeout.toSeconds() + " s of the end"
                    : lastFailure + " (until the end of the " + timeout.toSeconds() + "-s flush)";
            for (Item item : queue) {
                notPushed.add(new NotPushed(item.name(), reason));
            }
            queue.clear();
            return List.copyOf(notPushed);
        } finally {
            lock.unlock();
        }
    }

    private void work() {
        boolean down = false;
        int attempt = 0;
        try {
            while (true) {
                Item item;
                lock.lock();
                try {
                    while (queue.isEmpty() && !closing) {
                        changed.await();
                    }
                    item = queue.peekFirst();
                } finally {
                    lock.unlock();
                }
                if (item == null) {
                    return;
                }
                try {
                    item.group().put(item.body());
                    done(item, null);
                    attempt = 0;
                    if (down) {
                        down = false;
                        warnings.accept(gateway + " answers again; pushing the " + waiting() + " result(s) held");
                    }
                } catch (PushGatewayClient.PushException e) {
                    if (!e.retryable()) {
                        done(item, reason(e));
                        continue;
                    }
                    lastFailure = reason(e);
                    if (!down) {
                        down = true;
                        warnings.accept(gateway + ": " + lastFailure + "; results are held (at most " + capacity
                                + ") and retried until the plan's end");
                    }
                    TimeUnit.MILLISECONDS.sleep(PushGatewayClient.retryDelay(attempt++).toMillis());
                }
            }
        } catch (InterruptedException e) {
            // finish()'s deadline passed: what is queued is reported there
        }
    }

    /** Takes the head item off the queue: pushed ({@code failure} null) or refused for good. */
    private void done(Item item, String failure) {
        lock.lock();
        try {
            if (queue.peekFirst() == item) {
                queue.pollFirst();
            }
            if (failure != null) {
                notPushed.add(new NotPushed(item.name(), failure));
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The failure without the grouping-key URL it starts with ({@code Pushgateway push to URL failed: }),
     * which differs for every item: {@code connection refused}, {@code HTTP status 400: ...}.
     */
    static String reason(PushGatewayClient.PushException e) {
        String m = String.valueOf(e.getMessage());
        int at = m.indexOf(" failed: ");
        return m.startsWith("Pushgateway ") && at > 0 ? m.substring(at + " failed: ".length()) : m;
    }
}
