package io.iperf3j.session.internal.output;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.session.internal.output.ResultQueue.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The one queue every way a result leaves shares (issue 65), with a wire of the test's: many results a request up to the
 * wire's batch, in order; a receiver that is down keeps them all and gets them, in order, once it answers; a request of
 * several that is refused is sent again one a request, so only the refused one is dropped, with the receiver's words; the
 * counters and the summary say what happened.
 */
class ResultQueueTest {
    /** A wire that answers each request with what {@code answer} says and records the requests. */
    private static final class TestWire implements ResultQueue.Wire<String> {
        final List<List<String>> requests = new CopyOnWriteArrayList<>();
        final List<String> stored = Collections.synchronizedList(new ArrayList<>());
        final int batch;
        final Function<List<String>, Outcome> answer;

        TestWire(int batch, Function<List<String>, Outcome> answer) {
            this.batch = batch;
            this.answer = answer;
        }

        @Override
        public int batch() {
            return batch;
        }

        @Override
        public Outcome send(List<String> items) {
            requests.add(List.copyOf(items));
            Outcome o = answer.apply(items);
            if (o instanceof Outcome.Sent) {
                stored.addAll(items);
            }
            return o;
        }
    }

    private static ResultQueue<String> queue(TestWire wire, List<String> warnings) {
        return ResultQueue.start("receiver", 100, wire, n -> Duration.ofMillis(5), warnings::add);
    }

    @Test
    void manyResultsARequestInOrder() throws Exception {
        TestWire wire = new TestWire(3, items -> new Outcome.Sent());
        List<String> warnings = new ArrayList<>();
        ResultQueue<String> q = queue(wire, warnings);
        for (int i = 0; i < 7; i++) {
            q.offer(new ResultQueue.Item<>("t" + i, "r" + i));
        }
        List<ResultQueue.NotSent> missing = q.finish(Duration.ofSeconds(10));
        assertThat(missing).isEmpty();
        assertThat(wire.stored).containsExactly("r0", "r1", "r2", "r3", "r4", "r5", "r6");
        assertThat(wire.requests).allSatisfy(r -> assertThat(r).hasSizeBetween(1, 3));
        assertThat(q.summary("remote-write http://x/api/v1/write", "written", missing))
                .containsExactly("remote-write http://x/api/v1/write: all 7 result(s) written (" + wire.requests.size() + " request"
                        + (wire.requests.size() == 1 ? "" : "s") + ")");
        assertThat(q.sent()).isEqualTo(7);
        assertThat(warnings).isEmpty();
    }

    @Test
    void aReceiverThatIsDownGetsEverythingInOrderOnceItAnswers() throws Exception {
        int[] failures = {4};
        TestWire wire = new TestWire(2, items -> failures[0]-- > 0 ? new Outcome.Retry("connection refused", Optional.empty())
                : new Outcome.Sent());
        List<String> warnings = new CopyOnWriteArrayList<>();
        ResultQueue<String> q = queue(wire, warnings);
        for (int i = 0; i < 5; i++) {
            q.offer(new ResultQueue.Item<>("t" + i, "r" + i));
        }
        assertThat(q.finish(Duration.ofSeconds(10))).isEmpty();
        assertThat(wire.stored).containsExactly("r0", "r1", "r2", "r3", "r4");
        assertThat(q.retries()).isEqualTo(4);
        assertThat(String.join("\n", warnings)).contains("receiver: connection refused; results are held").contains("answers again");
    }

    @Test
    void aRefusedRequestOfSeveralIsSentAgainOneAtATimeAndOnlyTheRefusedOneIsDropped() throws Exception {
        TestWire wire = new TestWire(4, items -> items.contains("bad")
                ? new Outcome.Refused("HTTP status 400: out of order sample") : new Outcome.Sent());
        List<String> warnings = new ArrayList<>();
        ResultQueue<String> q = queue(wire, warnings);
        for (String s : List.of("a", "b", "bad", "c", "d", "e")) {
            q.offer(new ResultQueue.Item<>("t-" + s, s));
        }
        List<ResultQueue.NotSent> missing = q.finish(Duration.ofSeconds(10));
        assertThat(missing).containsExactly(new ResultQueue.NotSent("t-bad", "HTTP status 400: out of order sample"));
        assertThat(wire.stored).containsExactlyInAnyOrder("a", "b", "c", "d", "e");
        assertThat(wire.stored).containsSubsequence("a", "b", "c", "d", "e");
        assertThat(q.refused()).isEqualTo(1);
        assertThat(q.summary("remote-write U", "written", missing)).startsWith(
                "remote-write U: 5 of 6 result(s) written (" + q.requests() + " requests); NOT WRITTEN: 1",
                "  1 HTTP status 400: out of order sample:", "    t-bad");
    }

    @Test
    void aRetryAfterLongerThanTheDelayIsWaited() throws Exception {
        long[] at = new long[2];
        int[] n = {0};
        TestWire wire = new TestWire(1, items -> {
            at[n[0]] = System.nanoTime();
            return n[0]++ == 0 ? new Outcome.Retry("HTTP status 429", Optional.of(Duration.ofMillis(300))) : new Outcome.Sent();
        });
        ResultQueue<String> q = queue(wire, new ArrayList<>());
        q.offer(new ResultQueue.Item<>("t", "r"));
        assertThat(q.finish(Duration.ofSeconds(10))).isEmpty();
        assertThat((at[1] - at[0]) / 1e6).as("ms between the 429 and the next try").isGreaterThanOrEqualTo(290.0);
    }

    @Test
    void whatIsStillWaitingAtTheDeadlineIsNamedWithTheLastFailure() throws Exception {
        TestWire wire = new TestWire(5, items -> new Outcome.Retry("HTTP status 503", Optional.empty()));
        ResultQueue<String> q = queue(wire, new ArrayList<>());
        q.offer(new ResultQueue.Item<>("t1", "r1"));
        q.offer(new ResultQueue.Item<>("t2", "r2"));
        List<ResultQueue.NotSent> missing = q.finish(Duration.ofMillis(200));
        assertThat(missing).extracting(ResultQueue.NotSent::name).containsExactly("t1", "t2");
        assertThat(missing).allSatisfy(m -> assertThat(m.reason()).isEqualTo("HTTP status 503 (no progress in the last 0 s of the flush)"));
        assertThat(wire.stored).isEmpty();
    }

    /** {@code --resend} hands in more results than the queue holds: put waits for room while the receiver takes them. */
    @Test
    void putWaitsForRoomWhileTheReceiverTakesResults() throws Exception {
        TestWire wire = new TestWire(2, items -> {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new Outcome.Sent();
        });
        ResultQueue<String> q = ResultQueue.start("receiver", 5, wire, n -> Duration.ofMillis(5), w -> { });
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            assertThat(q.put(new ResultQueue.Item<>("t" + i, "r" + i), Duration.ofSeconds(10))).isTrue();
            expected.add("r" + i);
        }
        assertThat(q.finish(Duration.ofSeconds(10))).isEmpty();
        assertThat(wire.stored).containsExactlyElementsOf(expected);
    }

    /** A receiver that takes nothing: put gives up after the stall, and the result is named as not sent, never lost silently. */
    @Test
    void putIntoAFullQueueWhoseReceiverIsDownGivesUpAfterTheStall() throws Exception {
        TestWire wire = new TestWire(1, items -> new Outcome.Retry("connection refused", Optional.empty()));
        ResultQueue<String> q = ResultQueue.start("receiver", 2, wire, n -> Duration.ofMillis(5), w -> { });
        q.offer(new ResultQueue.Item<>("t0", "r0"));
        q.offer(new ResultQueue.Item<>("t1", "r1"));
        assertThat(q.put(new ResultQueue.Item<>("t2", "r2"), Duration.ofMillis(200))).isFalse();
        List<ResultQueue.NotSent> missing = q.finish(Duration.ofMillis(100));
        assertThat(missing).extracting(ResultQueue.NotSent::name).containsExactlyInAnyOrder("t0", "t1", "t2");
        assertThat(missing).filteredOn(m -> m.name().equals("t2")).singleElement()
                .satisfies(m -> assertThat(m.reason()).isEqualTo("the queue was full (2 waiting)"));
    }
}
