package io.iperf3j.session.internal.output;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * Results on their way to an archive, off the plan's path: a bounded first-in first-out queue drained by one platform thread
 * of its own, so {@link #offer} never waits for the network. One queue, one retry policy and one summary for every way a
 * result leaves (issue 65): the wire ({@link Wire}) is the Pushgateway's (a group a request) or remote-write's (many results
 * a request).
 *
 * <p>The worker sends the oldest items, as many as the wire takes in one request; while the receiver does not answer
 * (refused, timed out) or answers 5xx or 429, it keeps them and tries again after the retry delay (or the receiver's
 * {@code Retry-After}, if longer), for as long as the queue is open, so a receiver that is down for a while and comes back
 * gets every item, in order (one series' samples are never sent out of time order). An answer that refuses a request for
 * good (another 4xx) drops a single item at once with the receiver's words; a request of several items is sent again one item
 * a request, so that only the items the receiver refuses are dropped (sending an item twice does no harm: Prometheus keeps
 * one copy of an identical sample, and a Pushgateway group is replaced). {@link #finish} gives the worker until a deadline to
 * send what is left, then stops it; whatever was not sent is returned, each with the last reason.
 *
 * <p>Threads: {@link #offer}, the counters and {@link #finish} from any thread (under {@code lock}); the worker owns the
 * requests; {@code lastFailure} is written by the worker only.
 *
 * @param <P> what one item carries to its wire
 */
public final class ResultQueue<P> {
    /** How a receiver answered one request. */
    public sealed interface Outcome {
        /** Every item of the request is stored. */
        record Sent() implements Outcome {
        }

        /** Not now: no answer, 5xx or 429; the same items go again after the delay, or {@code after} when longer. */
        record Retry(String reason, Optional<Duration> after) implements Outcome {
            /** Checks presence. */
            public Retry {
                Objects.requireNonNull(reason, "reason");
                Objects.requireNonNull(after, "after");
            }
        }

        /** Never: the receiver refused the request (its words). */
        record Refused(String reason) implements Outcome {
            /** Checks presence. */
            public Refused {
                Objects.requireNonNull(reason, "reason");
            }
        }
    }

    /**
     * A wire format: sends the payloads of one request.
     *
     * @param <P> what one item carries
     */
    public interface Wire<P> {
        /** The most items one request carries. */
        int batch();

        /** Sends {@code items} (at least one, at most {@link #batch()}) in one request. */
        Outcome send(List<P> items) throws InterruptedException;
    }

    /**
     * One result on its way.
     *
     * @param name what it is, for the summary of what was not sent (a test id, with its run for a schedule)
     * @param payload what the wire sends for it
     */
    public record Item<P>(String name, P payload) {
        /** Checks presence. */
        public Item {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(payload, "payload");
        }
    }

    /**
     * An item that did not reach the receiver.
     *
     * @param name the item's name
     * @param reason why: the receiver's answer or the last failure, or a full queue
     */
    public record NotSent(String name, String reason) {
    }

    /** How long {@link #finish} waits for the worker to end after interrupting it. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(2);

    private final String receiver;
    private final int capacity;
    private final Wire<P> wire;
    private final IntFunction<Duration> retryDelay;
    private final Consumer<String> warnings;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Item<P>> queue = new ArrayDeque<>();
    private final List<NotSent> notSent = new ArrayList<>();
    private boolean closing;
    private boolean fullSaid;
    /** Items to send one a request, after a request of several was refused. */
    private int oneByOne;
    private volatile String lastFailure;
    private final AtomicLong offered = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final Thread worker;

    private ResultQueue(String receiver, int capacity, Wire<P> wire, IntFunction<Duration> retryDelay, Consumer<String> warnings) {
        if (capacity < 1 || wire.batch() < 1) {
            throw new IllegalArgumentException("capacity and batch must be at least 1");
        }
        this.receiver = Objects.requireNonNull(receiver, "receiver");
        this.capacity = capacity;
        this.wire = wire;
        this.retryDelay = Objects.requireNonNull(retryDelay, "retryDelay");
        this.warnings = Objects.requireNonNull(warnings, "warnings");
        this.worker = Thread.ofPlatform().daemon().name("iperf3j-archive").unstarted(this::work);
    }

    /**
     * Starts a queue and its worker.
     *
     * @param receiver the receiver, as said in warnings
     * @param capacity the most items waiting; more are not sent
     * @param wire how a request is sent
     * @param retryDelay the delay before the attempt after {@code n} failed ones in a row
     * @param warnings told when the receiver stops answering and when it answers again (on the worker) and when the queue
     *        is full (on the caller)
     */
    public static <P> ResultQueue<P> start(String receiver, int capacity, Wire<P> wire, IntFunction<Duration> retryDelay,
            Consumer<String> warnings) {
        ResultQueue<P> q = new ResultQueue<>(receiver, capacity, wire, retryDelay, warnings);
        q.worker.start();
        return q;
    }

    /**
     * Queues an item; never blocks on the network. When the queue is full, or finished, the item is not sent and is counted as
     * such.
     *
     * @return whether it was queued
     */
    public boolean offer(Item<P> item) {
        Objects.requireNonNull(item, "item");
        offered.incrementAndGet();
        String full = null;
        lock.lock();
        try {
            if (closing) {
                notSent.add(new NotSent(item.name(), "offered after the queue was finished"));
                return false;
            }
            if (queue.size() >= capacity) {
                notSent.add(new NotSent(item.name(), "the queue was full (" + capacity + " waiting)"));
                if (!fullSaid) {
                    fullSaid = true;
                    full = receiver + ": " + capacity + " results are waiting; later ones are not sent";
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

    /**
     * Queues an item, waiting for room while the queue is full and the receiver takes items (one sent or refused within every
     * {@code stall}): for {@code --resend}, which hands in a whole folder's results at once and must not drop those past the
     * queue's bound. When the receiver takes none for {@code stall}, the item is offered as {@link #offer} would (not sent, and
     * counted, when the queue is still full).
     *
     * @return whether it was queued
     */
    public boolean put(Item<P> item, Duration stall) throws InterruptedException {
        Objects.requireNonNull(item, "item");
        lock.lock();
        try {
            long done = sent.get() + refused.get();
            long deadline = System.nanoTime() + stall.toNanos();
            while (!closing && queue.size() >= capacity) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                changed.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
                long d = sent.get() + refused.get();
                if (d != done) {
                    done = d;
                    deadline = System.nanoTime() + stall.toNanos();
                }
            }
        } finally {
            lock.unlock();
        }
        return offer(item);
    }

    /** Items waiting (those being sent included). */
    public int waiting() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** Items offered so far. */
    public long offered() {
        return offered.get();
    }

    /** Items the receiver stored. */
    public long sent() {
        return sent.get();
    }

    /** Requests made, the ones that failed included. */
    public long requests() {
        return requests.get();
    }

    /** Requests that failed and were (or are to be) made again. */
    public long retries() {
        return retries.get();
    }

    /** Items the receiver refused for good. */
    public long refused() {
        return refused.get();
    }

    /** The longest a flush takes, whatever the progress: a receiver that takes a result a second must not hold the end for good. */
    public static final Duration FLUSH_CAP = Duration.ofMinutes(15);

    /**
     * Takes no more items and lets the worker send what is waiting for as long as the receiver takes them: until none is
     * left, until {@code stall} passes with none sent or refused, or {@link #FLUSH_CAP} in all; then stops it. So a receiver
     * that answers slowly (a Pushgateway takes some 40 groups a second) still gets everything, and one that is down holds the
     * end {@code stall} only. Returns every item that did not reach the receiver (refused, left at the end, or never queued),
     * in the order they came.
     */
    public List<NotSent> finish(Duration stall) throws InterruptedException {
        lock.lock();
        try {
            closing = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        long cap = System.nanoTime() + FLUSH_CAP.toNanos();
        long done = sent.get() + refused.get();
        long lastProgress = System.nanoTime();
        while (worker.isAlive()) {
            worker.join(Duration.ofMillis(Math.min(100, Math.max(1, stall.toMillis()))));
            long now = System.nanoTime();
            long d = sent.get() + refused.get();
            if (d != done) {
                done = d;
                lastProgress = now;
            }
            if (now - lastProgress >= stall.toNanos() || now >= cap) {
                break;
            }
        }
        if (worker.isAlive()) {
            worker.interrupt();
            worker.join(STOP_WAIT);
        }
        lock.lock();
        try {
            String reason = lastFailure == null ? "not sent: no progress in the last " + stall.toSeconds() + " s of the flush"
                    : lastFailure + " (no progress in the last " + stall.toSeconds() + " s of the flush)";
            for (Item<P> item : queue) {
                notSent.add(new NotSent(item.name(), reason));
            }
            queue.clear();
            return List.copyOf(notSent);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The summary's lines for what {@link #finish} returned: {@code HEAD: all N result(s) VERB (K requests)}, or how many were
     * and every one that was not, by reason.
     *
     * @param head who received them ({@code remote-write URL}, {@code Pushgateway URL (job J)})
     * @param verb what reaching it is called ({@code written}, {@code pushed})
     */
    public List<String> summary(String head, String verb, List<NotSent> missing) {
        long n = offered.get();
        String made = " (" + requests.get() + " request" + (requests.get() == 1 ? "" : "s") + ")";
        List<String> lines = new ArrayList<>();
        if (missing.isEmpty()) {
            lines.add(head + ": all " + n + " result(s) " + verb + made);
            return lines;
        }
        lines.add(head + ": " + (n - missing.size()) + " of " + n + " result(s) " + verb + made + "; NOT " + verb.toUpperCase(java.util.Locale.ROOT)
                + ": " + missing.size());
        Map<String, List<String>> byReason = new LinkedHashMap<>();
        for (NotSent m : missing) {
            byReason.computeIfAbsent(m.reason(), k -> new ArrayList<>()).add(m.name());
        }
        byReason.forEach((reason, names) -> {
            lines.add("  " + names.size() + " " + reason + ":");
            lines.addAll(wrapped(names, "    ", 100));
        });
        return lines;
    }

    /** {@code names} joined by ", " in lines of at most {@code width} columns (a longer name gets a line of its own). */
    static List<String> wrapped(List<String> names, String indent, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder(indent);
        for (int i = 0; i < names.size(); i++) {
            String word = names.get(i) + (i + 1 < names.size() ? "," : "");
            if (line.length() > indent.length() && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line = new StringBuilder(indent);
            }
            if (line.length() > indent.length()) {
                line.append(' ');
            }
            line.append(word);
        }
        if (line.length() > indent.length()) {
            lines.add(line.toString());
        }
        return lines;
    }

    private void work() {
        boolean down = false;
        int attempt = 0;
        try {
            while (true) {
                List<Item<P>> batch = new ArrayList<>();
                lock.lock();
                try {
                    while (queue.isEmpty() && !closing) {
                        changed.await();
                    }
                    int n = Math.min(oneByOne > 0 ? 1 : wire.batch(), queue.size());
                    var it = queue.iterator();
                    for (int i = 0; i < n; i++) {
                        batch.add(it.next());
                    }
                } finally {
                    lock.unlock();
                }
                if (batch.isEmpty()) {
                    return;
                }
                requests.incrementAndGet();
                Outcome outcome = wire.send(batch.stream().map(Item::payload).toList());
                switch (outcome) {
                    case Outcome.Sent s -> {
                        done(batch, null);
                        sent.addAndGet(batch.size());
                        attempt = 0;
                        if (down) {
                            down = false;
                            warnings.accept(receiver + " answers again; sending the " + waiting() + " result(s) held");
                        }
                    }
                    case Outcome.Refused r when batch.size() > 1 -> {
                        // which of them the receiver refuses: each alone (an item sent twice is stored once)
                        lock.lock();
                        try {
                            oneByOne = batch.size();
                        } finally {
                            lock.unlock();
                        }
                    }
                    case Outcome.Refused r -> {
                        done(batch, r.reason());
                        refused.incrementAndGet();
                        attempt = 0;
                    }
                    case Outcome.Retry r -> {
                        retries.incrementAndGet();
                        lastFailure = r.reason();
                        if (!down) {
                            down = true;
                            warnings.accept(receiver + ": " + lastFailure + "; results are held (at most " + capacity
                                    + ") and retried until the plan's end");
                        }
                        Duration delay = retryDelay.apply(attempt++);
                        if (r.after().isPresent() && r.after().get().compareTo(delay) > 0) {
                            delay = r.after().get();
                        }
                        TimeUnit.MILLISECONDS.sleep(delay.toMillis());
                    }
                }
            }
        } catch (InterruptedException e) {
            // finish()'s deadline passed: what is queued is reported there
        }
    }

    /** Takes the items of a request off the queue: sent ({@code failure} null) or refused for good. */
    private void done(List<Item<P>> batch, String failure) {
        lock.lock();
        try {
            for (Item<P> item : batch) {
                if (queue.peekFirst() == item) {
                    queue.pollFirst();
                }
                if (failure != null) {
                    notSent.add(new NotSent(item.name(), failure));
                }
                if (oneByOne > 0) {
                    oneByOne--;
                }
            }
        } finally {
            lock.unlock();
        }
    }
}
