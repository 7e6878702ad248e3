package io.iperf3j.session.internal.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iperf3j.session.Plan;
import io.iperf3j.session.TestResult;
import io.iperf3j.session.TestSpec;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DispatcherTest {
    @TempDir
    Path dir;

    private final Clock clock = Clock.systemUTC();
    /** Every start and end, in order ("+id" / "-id"). */
    private final List<String> events = Collections.synchronizedList(new ArrayList<>());
    /** Hosts in a test now; a second entry is an overlap. */
    private final Map<String, String> busy = new ConcurrentHashMap<>();
    private final List<String> overlaps = Collections.synchronizedList(new ArrayList<>());

    private static Plan.Test test(String id, String sender, String receiver) {
        return new Plan.Test(id, sender, receiver, Plan.Direction.UP, TestSpec.tcp(1), 1);
    }

    private static TestResult ok(Plan.Test t) {
        return new TestResult(t.id(), t.sender(), t.receiver(), t.direction().word(), t.spec(), t.repeat(),
                new TestResult.Outcome.Completed(1, 1, 1), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                List.of(), Duration.ZERO);
    }

    private Dispatcher dispatcher(int most) {
        return new Dispatcher(new HostSlots(dir), t -> List.of(t.sender(), t.receiver()), most, clock);
    }

    /** A runner that records starts, ends and overlaps, and holds a test while its latch is closed. */
    private Dispatcher.TestRun runner(Map<String, CountDownLatch> holds) {
        return t -> {
            for (String h : List.of(t.sender(), t.receiver())) {
                String other = busy.putIfAbsent(h, t.id());
                if (other != null) {
                    overlaps.add(h + ": " + other + " and " + t.id());
                }
            }
            events.add("+" + t.id());
            CountDownLatch hold = holds.get(t.id());
            if (hold != null) {
                assertThat(hold.await(20, TimeUnit.SECONDS)).isTrue();
            }
            events.add("-" + t.id());
            busy.remove(t.sender(), t.id());
            busy.remove(t.receiver(), t.id());
            return ok(t);
        };
    }

    /** Waits up to 10 s for {@code done}, failing with the events so far if it does not come. */
    private void waitFor(java.util.function.BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("events so far: %s", events).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    private List<Dispatcher.Due> now(Plan.Test... tests) {
        Instant now = clock.instant();
        return Stream.of(tests).map(t -> Dispatcher.Due.now(t, now)).toList();
    }

    /**
     * Which hosts a waiting test needs, as the test threads ask it at their tests' ends (a test's last job on a host keeps the
     * host's slot, parked, for such a test, and gives it back otherwise): while a runs on h1 and h2, b (h1, h3) waits, so h1
     * and h3 are waited for and h2 is not; once a ends and b runs, none is; and none after the run.
     */
    @Test
    void theHostsOfTheWaitingTestsAreToldToTheRunningOnes() throws Exception {
        CountDownLatch holdA = new CountDownLatch(1);
        CountDownLatch holdB = new CountDownLatch(1);
        Dispatcher d = dispatcher(8);
        Map<String, List<Boolean>> seen = new ConcurrentHashMap<>();
        Dispatcher.TestRun inner = runner(Map.of("a", holdA, "b", holdB));
        Dispatcher.TestRun looking = t -> {
            seen.put("+" + t.id(), List.of(d.waitedFor("h1"), d.waitedFor("h2"), d.waitedFor("h3")));
            return inner.run(t);
        };
        Thread run = Thread.ofVirtual().start(() -> {
            try {
                d.run(now(test("a", "h1", "h2"), test("b", "h1", "h3")).iterator(), looking, o -> { }, () -> false);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        waitFor(() -> events.contains("+a"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!d.waitedFor("h3") && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(List.of(d.waitedFor("h1"), d.waitedFor("h2"), d.waitedFor("h3"))).as("b waits while a runs")
                .containsExactly(true, false, true);
        holdA.countDown();
        waitFor(() -> events.contains("+b"));
        assertThat(seen.get("+b")).as("b started: none waits").containsExactly(false, false, false);
        holdB.countDown();
        run.join(Duration.ofSeconds(20));
        assertThat(run.isAlive()).isFalse();
        assertThat(List.of(d.waitedFor("h1"), d.waitedFor("h3"))).as("after the run").containsExactly(false, false);
    }

    /**
     * Rounds would run {a, b} then {c, d}: c (on b's hosts) would wait for a, the slow one. The
     * dispatcher starts c as soon as b ends, while a still runs; d (on a's and c's hosts) waits for both.
     */
    @Test
    void aTestStartsAsSoonAsBothItsHostsAreFreeNotWhenItsRoundEnds() throws Exception {
        CountDownLatch slowA = new CountDownLatch(1);
        List<String> outcomes = Collections.synchronizedList(new ArrayList<>());
        Thread run = Thread.ofVirtual().start(() -> {
            try {
                dispatcher(8).run(now(test("a", "h1", "h2"), test("b", "h3", "h4"), test("c", "h4", "h3"),
                        test("d", "h1", "h3")).iterator(), runner(Map.of("a", slowA)),
                        o -> outcomes.add(((Dispatcher.Ran) o).result().id()), () -> false);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!events.contains("-c")) {
            assertThat(System.nanoTime()).as("c did not run while a ran: %s", events).isLessThan(deadline);
            Thread.sleep(5);
        }
        assertThat(events).doesNotContain("-a", "+d");
        slowA.countDown();
        run.join(20_000);
        assertThat(run.isAlive()).isFalse();
        assertThat(events.indexOf("+d")).isGreaterThan(events.indexOf("-a")).isGreaterThan(events.indexOf("-c"));
        assertThat(outcomes).containsExactly("b", "c", "a", "d");
        assertThat(overlaps).isEmpty();
    }

    /**
     * x needs h1 and h2, busy in l1 and y1; l2 (h1) and y2 (h2) come after x. When l1 ends, h1 is free but
     * h2 is not: without x holding h1 back, l2 would take it, and when y1 ends y2 would take h2, and so on:
     * x, a scheduled run, would be skipped though its hosts were never down. It starts first, once y1 ends.
     */
    @Test
    void aWaitingScheduledTestHoldsItsHostsBackFromTheTestsAfterIt() throws Exception {
        CountDownLatch l1 = new CountDownLatch(1);
        CountDownLatch y1 = new CountDownLatch(1);
        CountDownLatch later = new CountDownLatch(1);
        Instant now = clock.instant();
        List<Dispatcher.Due> dues = List.of(Dispatcher.Due.now(test("l1", "h1", "h3"), now),
                Dispatcher.Due.now(test("y1", "h2", "h4"), now),
                new Dispatcher.Due(test("x", "h1", "h2"), now, now.plusSeconds(30)),
                Dispatcher.Due.now(test("l2", "h1", "h3"), now), Dispatcher.Due.now(test("y2", "h2", "h4"), now));
        List<Dispatcher.Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
        Thread run = Thread.ofVirtual().start(() -> {
            try {
                dispatcher(8).run(dues.iterator(), runner(Map.of("l1", l1, "y1", y1, "l2", later, "y2", later)), outcomes::add,
                        () -> false);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!(events.contains("+l1") && events.contains("+y1"))) {
            assertThat(System.nanoTime()).as("%s", events).isLessThan(deadline);
            Thread.sleep(5);
        }
        l1.countDown();
        while (!events.contains("-l1")) {
            assertThat(System.nanoTime()).as("%s", events).isLessThan(deadline);
            Thread.sleep(5);
        }
        // more than a dispatcher's poll: time for l2 to take h1 if x did not hold it back
        Thread.sleep(3 * Dispatcher.POLL.toMillis());
        assertThat(events).as("h1 held back for x").doesNotContain("+l2");
        y1.countDown();
        while (!events.contains("-x")) {
            assertThat(System.nanoTime()).as("x did not run: %s", events).isLessThan(deadline);
            Thread.sleep(5);
        }
        later.countDown();
        run.join(20_000);
        assertThat(run.isAlive()).isFalse();
        assertThat(events.indexOf("+x")).as("%s", events).isLessThan(events.indexOf("+l2")).isLessThan(events.indexOf("+y2"));
        assertThat(outcomes).allSatisfy(o -> assertThat(o).isInstanceOf(Dispatcher.Ran.class)).hasSize(5);
        assertThat(overlaps).isEmpty();
    }

    @Test
    void aMeshOfManyShortTestsNeverPutsAHostInTwoAtOnceAndAtMostTheBoundRun() throws Exception {
        List<Plan.Test> tests = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
            for (int i = 1; i <= 6; i++) {
                for (int j = 1; j <= 6; j++) {
                    if (i != j) {
                        tests.add(test("t" + r + "_" + i + "_" + j, "h" + i, "h" + j));
                    }
                }
            }
        }
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        Dispatcher.TestRun inner = runner(Map.of());
        List<String> done = new ArrayList<>();
        dispatcher(2).run(now(tests.toArray(Plan.Test[]::new)).iterator(), t -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                Thread.sleep(2);
                return inner.run(t);
            } finally {
                running.decrementAndGet();
            }
        }, o -> done.add(o.due().test().id()), () -> false);
        assertThat(done).hasSize(tests.size()).doesNotHaveDuplicates();
        assertThat(overlaps).isEmpty();
        assertThat(most.get()).isBetween(1, 2);
    }

    @Test
    void aTestThatCannotGetItsSlotsByItsGiveUpTimeIsSkippedNotRunLate() throws Exception {
        HostSlots elsewhere = new HostSlots(dir); // another plan over the same directory
        HostSlots.Hold held = elsewhere.tryTake(List.of("h2")).orElseThrow();
        Instant now = clock.instant();
        List<Dispatcher.Due> dues = List.of(new Dispatcher.Due(test("late", "h1", "h2"), now, now.plusMillis(300)),
                new Dispatcher.Due(test("free", "h3", "h4"), now, now.plusMillis(300)));
        List<Dispatcher.Outcome> outcomes = new ArrayList<>();
        dispatcher(4).run(dues.iterator(), runner(Map.of()), outcomes::add, () -> false);
        held.close();
        assertThat(outcomes).hasSize(2);
        assertThat(outcomes.get(0)).isInstanceOf(Dispatcher.Ran.class);
        assertThat(outcomes.get(0).due().test().id()).isEqualTo("free");
        assertThat(outcomes.get(1)).isInstanceOfSatisfying(Dispatcher.Skipped.class,
                s -> assertThat(s.reason()).startsWith("no free slot by " + now.plusMillis(300) + ": ")
                        .endsWith("h2 held by another session over the same slot folder").doesNotContain("h1"));
        assertThat(events).doesNotContain("+late");
    }

    /**
     * Issue 66: a skip said "no free slot on A and B", not by what. Here "long" holds h2 past "next"'s give-up, and "next",
     * due before "after", keeps h3 from it: each skip names the test on its host and since when, or the due it was kept for.
     */
    @Test
    void aSkipNamesTheTestThatHeldEachHost() throws Exception {
        CountDownLatch longRun = new CountDownLatch(1);
        Instant now = clock.instant();
        List<Dispatcher.Due> dues = List.of(new Dispatcher.Due(test("long", "h1", "h2"), now, now.plusSeconds(30)),
                new Dispatcher.Due(test("next", "h2", "h3"), now.plusMillis(1), now.plusMillis(400)),
                new Dispatcher.Due(test("after", "h3", "h4"), now.plusMillis(2), now.plusMillis(300)));
        List<Dispatcher.Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
        Thread run = Thread.ofVirtual().start(() -> {
            try {
                dispatcher(4).run(dues.iterator(), runner(Map.of("long", longRun)), outcomes::add, () -> false);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (outcomes.size() < 2) {
            assertThat(System.nanoTime()).as("two skips: %s", outcomes).isLessThan(deadline);
            Thread.sleep(5);
        }
        longRun.countDown();
        run.join(20_000);
        assertThat(run.isAlive()).isFalse();
        Map<String, String> reasons = new HashMap<>();
        outcomes.stream().filter(o -> o instanceof Dispatcher.Skipped)
                .forEach(o -> reasons.put(o.due().test().id(), ((Dispatcher.Skipped) o).reason()));
        assertThat(reasons).as("%s", reasons).containsOnlyKeys("next", "after");
        assertThat(reasons.get("after")).isEqualTo("no free slot by " + now.plusMillis(300) + ": h3 kept for test next, due before it");
        assertThat(reasons.get("next")).startsWith("no free slot by " + now.plusMillis(400) + ": h2 in test long since ")
                .doesNotContain("h3");
        assertThat(events).doesNotContain("+next", "+after");
    }

    @Test
    void aDueWaitsForItsTimeAndAnEndlessSequenceEndsOnStop() throws Exception {
        Instant start = clock.instant();
        AtomicBoolean stop = new AtomicBoolean();
        Map<String, Instant> started = new HashMap<>();
        java.util.Iterator<Dispatcher.Due> endless = new java.util.Iterator<>() {
            private int n;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Dispatcher.Due next() {
                n++;
                Instant at = start.plusMillis(100L * n);
                return new Dispatcher.Due(test("r" + n, "h1", "h2"), at, Instant.MAX);
            }
        };
        dispatcher(1).run(endless, t -> {
            started.put(t.id(), clock.instant());
            return ok(t);
        }, o -> {
            if (o.due().test().id().equals("r3")) {
                stop.set(true);
            }
        }, stop::get);
        assertThat(started).containsOnlyKeys("r1", "r2", "r3");
        for (int n = 1; n <= 3; n++) {
            assertThat(started.get("r" + n)).isAfterOrEqualTo(start.plusMillis(100L * n));
        }
    }

    @Test
    void aTestThreadsFailureEndsTheRunAfterTheOthersEnded() {
        Dispatcher.TestRun inner = runner(Map.of());
        assertThatThrownBy(() -> dispatcher(4).run(now(test("boom", "h1", "h2"), test("fine", "h3", "h4")).iterator(), t -> {
            if (t.id().equals("boom")) {
                throw new IllegalArgumentException("boom");
            }
            return inner.run(t);
        }, o -> { }, () -> false)).isInstanceOf(IllegalStateException.class).hasRootCauseMessage("boom");
        assertThat(new HostSlots(dir).tryTake(List.of("h1", "h2", "h3", "h4"))).isPresent();
    }

    /**
     * A test whose host is busy on the host (another controller's test: {@link Dispatcher.Busy}) did not run: it
     * tries again after {@link Dispatcher#BUSY_RETRY} and runs once the host is free; one that is still busy at its
     * give-up time is skipped with the host's reason.
     */
    @Test
    void aTestWhoseHostIsBusyOnTheHostTriesAgainOrIsSkippedSayingWhy() throws Exception {
        AtomicInteger tries = new AtomicInteger();
        List<Dispatcher.Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
        Instant now = clock.instant();
        List<Dispatcher.Due> dues = List.of(Dispatcher.Due.now(test("later", "h1", "h2"), now),
                new Dispatcher.Due(test("never", "h3", "h4"), now, now.plusMillis(1500)));
        dispatcher(2).run(dues.iterator(), t -> {
            if (t.id().equals("never") || tries.incrementAndGet() < 3) {
                throw new Dispatcher.Busy(t.sender() + " (10.0.0.1) is in another session's test");
            }
            return ok(t);
        }, outcomes::add, () -> false);
        assertThat(tries).hasValue(3);
        assertThat(outcomes).hasSize(2);
        assertThat(outcomes).filteredOn(o -> o.due().test().id().equals("later")).singleElement()
                .isInstanceOf(Dispatcher.Ran.class);
        assertThat(outcomes).filteredOn(o -> o.due().test().id().equals("never")).singleElement()
                .isInstanceOfSatisfying(Dispatcher.Skipped.class, sk -> assertThat(sk.reason())
                        .startsWith("h3 (10.0.0.1) is in another session's test until "));
        assertThat(new HostSlots(dir).tryTake(List.of("h1", "h2", "h3", "h4"))).as("every slot given back").isPresent();
    }
}
