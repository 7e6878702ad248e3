package io.iperf3j.session.internal.dispatch;

import io.iperf3j.session.Plan;
import io.iperf3j.session.TestResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Starts each test as soon as its hosts' {@link HostSlots slots} are free, rather than in rounds
 * that wait for their slowest test: a 48-host mesh keeps its hosts busy while one pair's test
 * runs long. Tests come as {@link Due}s (an endless sequence for a schedule); each starts at or
 * after its {@code notBefore}, in the order given among those startable, and one that has not
 * started by its {@code giveUpAt} is {@link Skipped}, never run late on top of another.
 *
 * <p>A due with a give-up time (a scheduled run) that cannot start holds its hosts back from the
 * dues after it: none of them may take one of its hosts until it has started. Without that, a test
 * needing hosts A and B could wait for ever while the tests after it take A and B in turn, each
 * free at a moment the other is busy, and be skipped though neither host was ever down. Dues without
 * one (a plan run once) hold nothing back: a mesh's tests then pack as tightly as their hosts allow,
 * and each still starts in the end.
 *
 * <p>Threads: {@link #run} runs on the caller's thread, the dispatcher: it alone pulls dues, takes
 * slots, starts tests and calls {@code onOutcome} (so outcomes come one at a time, in the order
 * the tests end). Each test runs on its own virtual thread, which gives its slots back as the test
 * ends and hands its outcome to the dispatcher through a queue. The dispatcher sleeps until a test
 * ends, the next due's time comes, or {@link #POLL} passes (a slot another process held may be
 * free, a due may be past its give-up, a stop may have come). The one part of its state the test
 * threads read is which hosts its waiting dues need ({@link #waitedFor}), a concurrent map only it writes.
 */
public final class Dispatcher {
    /** How often a waiting test tries again for a slot held by another process. */
    static final Duration POLL = Duration.ofMillis(250);

    /**
     * One run of a test.
     *
     * @param test the test
     * @param run which run of it: a schedule's period, from 1 (1 for a plan run once)
     * @param notBefore when it may start
     * @param giveUpAt when it is skipped if it has not started ({@link Instant#MAX}: never)
     */
    public record Due(Plan.Test test, long run, Instant notBefore, Instant giveUpAt) {
        /** Checks presence and order. */
        public Due {
            Objects.requireNonNull(test, "test");
            Objects.requireNonNull(notBefore, "notBefore");
            Objects.requireNonNull(giveUpAt, "giveUpAt");
            if (giveUpAt.isBefore(notBefore)) {
                throw new IllegalArgumentException("giveUpAt " + giveUpAt + " before notBefore " + notBefore);
            }
        }

        /** Run 1 of a test. */
        public Due(Plan.Test test, Instant notBefore, Instant giveUpAt) {
            this(test, 1, notBefore, giveUpAt);
        }

        /** A due that may start now and waits as long as it takes. */
        public static Due now(Plan.Test test, Instant now) {
            return new Due(test, 1, now, Instant.MAX);
        }
    }

    /** What became of a due. */
    public sealed interface Outcome permits Ran, Skipped {
        /** The due. */
        Due due();
    }

    /**
     * The test ran.
     *
     * @param due the due
     * @param result its result
     * @param started when it got its slots
     */
    public record Ran(Due due, TestResult result, Instant started) implements Outcome {
    }

    /**
     * The test did not get its slots by its {@code giveUpAt}.
     *
     * @param due the due
     * @param reason which hosts were busy
     */
    public record Skipped(Due due, String reason) implements Outcome {
    }

    /** Runs one test on a test thread. */
    @FunctionalInterface
    public interface TestRun {
        /**
         * Runs it; the slots are held until it returns.
         *
         * @throws Busy when a host's slot on the host itself is held by another controller's test: the test did
         *         not run, and is tried again after {@link #BUSY_RETRY} (or skipped, saying so, by its give-up time)
         */
        TestResult run(Plan.Test test) throws InterruptedException;
    }

    /** How long a test whose host was {@link Busy} waits before it tries again. */
    static final Duration BUSY_RETRY = Duration.ofSeconds(1);

    /** A test that could not start: a host's slot, kept on the host, is held by another controller's test. */
    public static final class Busy extends RuntimeException {
        private static final long serialVersionUID = 1L;
        /** The busy host's slot key ("" when not told). */
        private final String hostKey;
        /** What else is known of the holder, in words (" (host busy, held by user bob)"), or "". */
        private final String holder;

        /** @param reason which host, in words ("h2 (10.0.0.2) is in another session's test") */
        public Busy(String reason) {
            this(reason, "", "");
        }

        /**
         * @param reason which host, in words ("h2 (10.0.0.2) is in another session's test")
         * @param hostKey the busy host's slot key
         * @param holder what else is known of the holder, in words (" (host busy, held by user bob)"), or ""
         */
        public Busy(String reason, String hostKey, String holder) {
            super(reason, null, false, false);
            this.hostKey = Objects.requireNonNull(hostKey, "hostKey");
            this.holder = Objects.requireNonNull(holder, "holder");
        }

        /** The busy host's slot key ("" when not told). */
        public String hostKey() {
            return hostKey;
        }

        /** What else is known of the holder (" (host busy, held by user bob)"), or "". */
        public String holder() {
            return holder;
        }
    }

    /**
     * Told, on the dispatcher's thread, each time a due could not start because another session (another process's slot
     * folder lock, or the host's own slot: {@link Busy}) holds one of its hosts: every {@link #POLL} or {@link #BUSY_RETRY}
     * while it waits. Not told when the hosts are only in this dispatcher's own tests.
     */
    @FunctionalInterface
    public interface Blocked {
        /**
         * @param due the due that waits
         * @param hostKey the slot key of a host another session holds
         * @param holder what else is known of the holder (" (host busy, held by user bob)"), or ""
         */
        void blocked(Due due, String hostKey, String holder);
    }

    private final HostSlots slots;
    private final Function<Plan.Test, Collection<String>> hostKeys;
    /**
     * The hosts (slot keys) of the dues that wait to start, each with how many: written by the dispatcher's thread alone, read
     * by the test threads ({@link #waitedFor}).
     */
    private final java.util.concurrent.ConcurrentHashMap<String, Integer> waited = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.function.IntSupplier maxRunning;
    private final Clock clock;

    /**
     * @param slots the controller's slots
     * @param hostKeys a test's hosts, as slot keys
     * @param maxRunning most tests running at once (1: one after the other)
     * @param clock the clock the dues' times are on
     */
    public Dispatcher(HostSlots slots, Function<Plan.Test, Collection<String>> hostKeys, int maxRunning, Clock clock) {
        this(slots, hostKeys, checked(maxRunning), clock);
    }

    private static java.util.function.IntSupplier checked(int maxRunning) {
        if (maxRunning < 1) {
            throw new IllegalArgumentException("maxRunning " + maxRunning);
        }
        return () -> maxRunning;
    }

    /**
     * @param slots the controller's slots
     * @param hostKeys a test's hosts, as slot keys
     * @param maxRunning most tests running at once, asked at each try (a plan read again may bring hosts); at least 1
     * @param clock the clock the dues' times are on
     */
    public Dispatcher(HostSlots slots, Function<Plan.Test, Collection<String>> hostKeys, java.util.function.IntSupplier maxRunning,
            Clock clock) {
        this.slots = Objects.requireNonNull(slots, "slots");
        this.hostKeys = Objects.requireNonNull(hostKeys, "hostKeys");
        this.maxRunning = maxRunning;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Whether a due waits to start that needs the host {@code hostKey} (its time has come, and its hosts or the most tests at
     * once were busy): a test that ends on the host then keeps its slot on the host for it, parked (issue 69: where none
     * waits, the test's last job on the host gives the slot back, and spares the host a park and its give-back). Safe from
     * any thread; false when the dispatcher is not running.
     */
    public boolean waitedFor(String hostKey) {
        return waited.containsKey(hostKey);
    }

    private void waiting(Collection<String> keys) {
        for (String k : keys) {
            waited.merge(k, 1, Integer::sum);
        }
    }

    private void notWaiting(Collection<String> keys) {
        for (String k : keys) {
            waited.computeIfPresent(k, (x, n) -> n == 1 ? null : n - 1);
        }
    }

    /** A due whose host was busy on the host: when it may try again, and why it could not start. */
    private record Retry(Instant at, String reason) {
    }

    /** A test thread's end: its due, and its outcome, what it threw, or the reason it could not start ({@link Busy}). */
    private record Ended(Due due, Outcome outcome, RuntimeException failure, Busy busyReason) {
        Ended(Due due, Outcome outcome, RuntimeException failure) {
            this(due, outcome, failure, null);
        }
    }

    /** A test of this dispatcher's that holds a host's slot: which, and since when (to name it in a skip's reason). */
    private record Holder(Due due, Instant since) {
    }

    /**
     * Why a waiting due could not start at its last try, host by host in its keys' order: this dispatcher's test on the host
     * (or null), the due before it the host was kept for (or null); and the tests running when that was the most at once (0
     * else).
     */
    private record LastTry(Holder[] inTest, Due[] keptFor, int atLimit) {
    }

    /**
     * Runs the dues until they are exhausted and every started test has ended, or, once {@code
     * stopped} says so, until the started tests have ended (no more start).
     *
     * @param dues in {@code notBefore} order; may be endless
     * @param runner runs a test
     * @param onOutcome told of every ran or skipped due, on this thread
     * @param stopped polled before every start
     * @throws IllegalStateException if a test thread threw (after the others have ended)
     */
    public void run(Iterator<Due> dues, TestRun runner, Consumer<Outcome> onOutcome, BooleanSupplier stopped)
            throws InterruptedException {
        run(dues, runner, onOutcome, stopped, (d, k, h) -> { });
    }

    /**
     * As {@link #run(Iterator, TestRun, Consumer, BooleanSupplier)}, telling {@code blocked} of each due that waits for a
     * host another session holds.
     */
    public void run(Iterator<Due> dues, TestRun runner, Consumer<Outcome> onOutcome, BooleanSupplier stopped, Blocked blocked)
            throws InterruptedException {
        LinkedBlockingQueue<Ended> ended = new LinkedBlockingQueue<>();
        List<Due> waiting = new ArrayList<>();
        // dues whose host was busy on the host: when they may try again, and why they could not start (by identity: a
        // due's record compares its whole test)
        java.util.Map<Due, Retry> retries = new java.util.IdentityHashMap<>();
        // the waiting dues' host keys, made once a due (a wake looks at every waiting due)
        java.util.Map<Due, Collection<String>> keysOf = new java.util.IdentityHashMap<>();
        Function<Due, Collection<String>> keysFor = d -> keysOf.computeIfAbsent(d, x -> List.copyOf(hostKeys.apply(x.test())));
        // the hosts in this dispatcher's running tests, and the waiting dues that held hosts back this wake: what a skip names
        java.util.Map<String, Holder> inTest = new java.util.HashMap<>();
        java.util.Map<Due, LastTry> lastTry = new java.util.IdentityHashMap<>();
        Due next = null;
        int running = 0;
        RuntimeException failure = null;
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            while (true) {
                Instant now = clock.instant();
                if (!stopped.getAsBoolean() && failure == null) {
                    // dues whose time has come
                    while (true) {
                        if (next == null && dues.hasNext()) {
                            next = dues.next();
                        }
                        if (next == null || next.notBefore().isAfter(now)) {
                            break;
                        }
                        waiting.add(next);
                        waiting(keysFor.apply(next));
                        next = null;
                    }
                    // hosts of the waiting scheduled dues that could not start: not for the dues after them (by the due that
                    // holds each back, the first)
                    java.util.Map<String, Due> heldBack = new java.util.HashMap<>();
                    for (Iterator<Due> it = waiting.iterator(); it.hasNext();) {
                        Due d = it.next();
                        Collection<String> keys = keysFor.apply(d);
                        if (now.isAfter(d.giveUpAt())) {
                            it.remove();
                            keysOf.remove(d);
                            notWaiting(keys);
                            Retry busy = retries.remove(d);
                            LastTry last = lastTry.remove(d);
                            onOutcome.accept(new Skipped(d, busy != null ? busy.reason() + " until " + d.giveUpAt()
                                    : "no free slot by " + d.giveUpAt() + ": " + holders(keys, last)));
                            continue;
                        }
                        Retry retry = retries.get(d);
                        if (running >= Math.max(1, maxRunning.getAsInt()) || (retry != null && now.isBefore(retry.at()))) {
                            if (retry != null && !d.giveUpAt().equals(Instant.MAX)) {
                                holdBack(heldBack, keys, d);
                            } else if (retry == null) {
                                lastTry.put(d, lastTry(keys, inTest, heldBack, running));
                            }
                            continue;
                        }
                        // a host in one of this dispatcher's own tests: its slot is not free (no lock files opened to learn
                        // it, nor another session's hold looked for; issue 69: at 48 hosts a third of the dispatcher's CPU), and
                        // the due waits as for any busy host
                        boolean tried = !anyIn(keys, heldBack.keySet()) && !anyIn(keys, inTest.keySet());
                        Optional<HostSlots.Hold> hold = tried ? slots.tryTake(keys) : Optional.empty();
                        if (hold.isEmpty()) {
                            if (tried) {
                                // not this dispatcher's own test: another process (or runner) over the same slot folder
                                for (String k : keys) {
                                    if (slots.heldElsewhere(k)) {
                                        blocked.blocked(d, k, "");
                                        break;
                                    }
                                }
                            }
                            if (!d.giveUpAt().equals(Instant.MAX)) {
                                lastTry.put(d, lastTry(keys, inTest, heldBack, 0));
                                holdBack(heldBack, keys, d);
                            }
                            continue;
                        }
                        it.remove();
                        keysOf.remove(d);
                        notWaiting(keys);
                        retries.remove(d);
                        lastTry.remove(d);
                        running++;
                        Instant started = now;
                        HostSlots.Hold h = hold.get();
                        for (String k : keys) {
                            inTest.put(k, new Holder(d, started));
                        }
                        threads.submit(() -> {
                            Ended e;
                            try {
                                e = new Ended(d, new Ran(d, runner.run(d.test()), started), null);
                            } catch (Busy x) {
                                e = new Ended(d, null, null, x);
                            } catch (InterruptedException x) {
                                Thread.currentThread().interrupt();
                                e = new Ended(d, null, new IllegalStateException("test thread interrupted", x));
                            } catch (RuntimeException x) {
                                e = new Ended(d, null, x);
                            } finally {
                                h.close();
                            }
                            ended.add(e);
                            return null;
                        });
                    }
                } else {
                    waiting.clear();
                    keysOf.clear();
                    waited.clear();
                    lastTry.clear();
                    next = null;
                    if (running == 0) {
                        break;
                    }
                }
                if (running == 0 && waiting.isEmpty() && next == null && !dues.hasNext()) {
                    break;
                }
                Ended e = ended.poll(waitMillis(now, next), TimeUnit.MILLISECONDS);
                while (e != null) {
                    running--;
                    Due endedDue = e.due();
                    inTest.values().removeIf(x -> x.due() == endedDue);
                    if (e.busyReason() != null) {
                        // back in line, in its place among the waiting (dues after it do not overtake it for its hosts)
                        Due d = e.due();
                        retries.put(d, new Retry(clock.instant().plus(BUSY_RETRY), e.busyReason().getMessage()));
                        blocked.blocked(d, e.busyReason().hostKey(), e.busyReason().holder());
                        int at = 0;
                        while (at < waiting.size() && !waiting.get(at).notBefore().isAfter(d.notBefore())) {
                            at++;
                        }
                        waiting.add(at, d);
                        waiting(keysFor.apply(d));
                    } else if (e.failure() != null) {
                        failure = failure == null ? e.failure() : failure;
                    } else {
                        onOutcome.accept(e.outcome());
                    }
                    e = ended.poll();
                }
            }
        } finally {
            // no due waits once the dispatcher has returned
            waited.clear();
        }
        if (failure != null) {
            throw new IllegalStateException("a test thread failed", failure);
        }
    }

    private static void holdBack(java.util.Map<String, Due> heldBack, Collection<String> keys, Due d) {
        for (String k : keys) {
            heldBack.putIfAbsent(k, d);
        }
    }

    /** What kept a due from starting now, host by host. */
    private static LastTry lastTry(Collection<String> keys, java.util.Map<String, Holder> inTest, java.util.Map<String, Due> heldBack,
            int atLimit) {
        Holder[] in = new Holder[keys.size()];
        Due[] kept = new Due[keys.size()];
        int i = 0;
        for (String k : keys) {
            in[i] = inTest.get(k);
            kept[i++] = heldBack.get(k);
        }
        return new LastTry(in, kept, atLimit);
    }

    /**
     * What kept a skipped due's hosts at its last try (issue 66: "no free slot on A and B" did not say by what): for each
     * host, this dispatcher's test on it and since when, the due before it that it was kept for, or another session's hold;
     * or, with its hosts free, the most tests at once running.
     */
    private String holders(Collection<String> keys, LastTry last) {
        List<String> parts = new ArrayList<>();
        int i = 0;
        for (String k : keys) {
            Holder h = last == null ? null : last.inTest()[i];
            Due before = last == null ? null : last.keptFor()[i];
            i++;
            if (h != null) {
                parts.add(k + " in test " + h.due().test().id() + name(h.due()) + " since " + h.since());
            } else if (before != null) {
                parts.add(k + " kept for test " + before.test().id() + name(before) + ", due before it");
            } else if (slots.heldElsewhere(k)) {
                parts.add(k + " held by another session over the same slot folder");
            }
        }
        if (parts.isEmpty()) {
            return last != null && last.atLimit() > 0 ? "the most tests at once (" + last.atLimit() + ") were running"
                    : String.join(" and ", keys) + " were not free";
        }
        return String.join("; ", parts);
    }

    /** " (run N)" for a schedule's run after the first, "" else. */
    private static String name(Due d) {
        return d.run() > 1 ? " (run " + d.run() + ")" : "";
    }

    private static boolean anyIn(Collection<String> keys, Set<String> set) {
        if (set.isEmpty()) {
            return false;
        }
        for (String k : keys) {
            if (set.contains(k)) {
                return true;
            }
        }
        return false;
    }

    /** How long the dispatcher may sleep: until the next due, or {@link #POLL} (a retry, a give-up, a stop). */
    private static long waitMillis(Instant now, Due next) {
        Instant wake = now.plus(POLL);
        if (next != null && next.notBefore().isBefore(wake)) {
            wake = next.notBefore();
        }
        return Math.max(1, Duration.between(now, wake).toMillis());
    }
}
